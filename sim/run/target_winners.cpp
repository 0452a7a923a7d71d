// The winner of each cell of a what-if study (see target_winners.hpp).
#include "run/target_winners.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "csgd/units.hpp"
#include "run/seed_summary.hpp"

namespace csgd {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  return fmt::format("{}", fmt::join(parts, sep));
}

struct Contender {
  std::string name;
  std::optional<double> time_s;  // mean time to target, when every seed reached it
  std::size_t reached = 0, seeds = 0;
};

}  // namespace

std::string target_winner_table(const ExperimentPlan& plan, std::span<const RunResult> results) {
  std::vector<std::size_t> timing_axes, other_axes;  // positions in a configuration's label list
  std::vector<std::string> timing_keys;
  std::size_t position = 0;
  for (const std::string& key : plan.sweep_keys) {
    if (key == "seed" && !plan.seeds.empty()) continue;  // the seeds: axis is not in the label list
    if (key.rfind("timing.", 0) == 0 || key == "timing") {
      timing_axes.push_back(position++);
      timing_keys.push_back(key);
    } else {
      other_axes.push_back(position++);  // a `sweep.seed` axis too: its seeds compete apart
    }
  }
  if (timing_axes.empty() || other_axes.empty()) return {};

  // Cells in plan order; each with its contenders. A configuration's name lists one label per
  // axis, joined by commas (labels never contain one: sweep.cpp replaces it).
  std::vector<std::pair<std::string, std::vector<Contender>>> cells;
  std::map<std::string, std::size_t> cell_index;
  bool any_reached = false;
  for (const ConfigurationSummary& s : summarize_configurations(plan, results)) {
    if (s.seeds == 0) continue;
    const std::vector<std::string> labels = split(s.config, ',');
    if (labels.size() != timing_axes.size() + other_axes.size()) continue;  // not a sweep point's name
    std::vector<std::string> cell, contender;
    for (std::size_t k : timing_axes) cell.push_back(labels[k]);
    for (std::size_t k : other_axes) contender.push_back(labels[k]);
    const auto [it, fresh] = cell_index.emplace(join(cell, ","), cells.size());
    if (fresh) cells.push_back({join(cell, ","), {}});
    Contender c{join(contender, ","), std::nullopt, s.reached, s.seeds};
    if (s.reached > 0 && s.reached == s.seeds) c.time_s = s.time_to_target_s.mean;
    any_reached = any_reached || s.reached > 0;
    cells[it->second].second.push_back(std::move(c));
  }
  if (!any_reached) return {};

  std::size_t cell_width = 4, name_width = 6;
  for (const auto& [cell, contenders] : cells) {
    cell_width = std::max(cell_width, cell.size());
    for (const Contender& c : contenders) name_width = std::max(name_width, c.name.size());
  }
  std::string out = fmt::format("first to the stop target per cell ({}){}\n{:<{}}  {:<{}}  {:>14}  {}\n",
                                join(timing_keys, " × "), plan.seeds.empty() ? "" : ", mean over seeds", "cell",
                                cell_width, "winner", name_width, "time to target", "next best (its time ÷ the winner's)");
  for (auto& [cell, contenders] : cells) {
    std::vector<const Contender*> ranked;
    for (const Contender& c : contenders)
      if (c.time_s) ranked.push_back(&c);
    std::stable_sort(ranked.begin(), ranked.end(), [](const Contender* a, const Contender* b) { return *a->time_s < *b->time_s; });
    // With seeds, a contender that reached the target with some seeds only is said so, not dropped silently.
    std::string partly;
    for (const Contender& c : contenders)
      if (!c.time_s && c.reached > 0) partly += fmt::format("; {} reached it with {} of {} seeds", c.name, c.reached, c.seeds);
    if (ranked.empty()) {
      out += fmt::format("{:<{}}  {:<{}}  {:>14}  {}{}\n", cell, cell_width, "none reached", name_width, "-", "-", partly);
      continue;
    }
    const Contender& w = *ranked.front();
    std::string next = "no other reached it";
    if (ranked.size() > 1) {
      const Contender& r = *ranked[1];
      next = fmt::format("{} {} ({:.2f}×)", r.name, format_duration(*r.time_s),
                         *w.time_s > 0 ? *r.time_s / *w.time_s : 1.0);
    }
    out += fmt::format("{:<{}}  {:<{}}  {:>14}  {}{}\n", cell, cell_width, w.name, name_width, format_duration(*w.time_s),
                       next, partly);
  }
  return out + "\n";
}

}  // namespace csgd
