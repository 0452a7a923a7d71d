// sweep-summary.csv and sweep-final.csv: the seed axis aggregated (see seed_summary.hpp).
#include "run/seed_summary.hpp"

#include <map>
#include <optional>

#include <fmt/format.h>

namespace csgd {
namespace {

// Configurations in plan order: name → the indices of its runs (one per seed).
std::vector<std::pair<std::string, std::vector<std::size_t>>> configurations(const ExperimentPlan& plan) {
  std::vector<std::pair<std::string, std::vector<std::size_t>>> out;
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < plan.runs.size(); ++k) {
    const auto [it, fresh] = index.emplace(plan.runs[k].config_name, out.size());
    if (fresh) out.push_back({plan.runs[k].config_name, {}});
    out[it->second].second.push_back(k);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> swept_without_seed(const RunPlan& rp) {
  auto swept = rp.swept;
  std::erase_if(swept, [](const auto& kv) { return kv.first == "seed"; });
  return swept;
}

// The leading columns of both files: configuration name and its swept values.
std::string config_prefix(const std::string& config, const std::vector<std::pair<std::string, std::string>>& swept) {
  std::string s = csv_field(config);
  for (const auto& kv : swept) s.append(1, ',').append(csv_field(kv.second));
  return s;
}

std::string header_prefix(const ExperimentPlan& plan) {
  std::string s = "config";
  for (const auto& key : plan.sweep_keys)
    if (key != "seed") s.append(1, ',').append(key);
  return s;
}

// "mean,se": empty fields where there is no value (n = 0) or no spread to estimate (n < 2).
std::string mean_se_fields(const MeanSe& m) {
  if (m.n == 0) return ",";
  return m.n < 2 ? fmt::format("{},", m.mean) : fmt::format("{},{}", m.mean, m.se);
}

}  // namespace

std::string csv_field(const std::string& value) {
  std::string quoted(1, '"');
  for (char ch : value) {
    if (ch == '"') quoted.push_back('"');
    quoted.push_back(ch);
  }
  return quoted + '"';
}

std::vector<ConfigurationSummary> summarize_configurations(const ExperimentPlan& plan,
                                                           std::span<const RunResult> results) {
  std::map<std::string, const RunResult*> by_name;
  for (const RunResult& r : results) by_name[r.run_name] = &r;
  std::vector<ConfigurationSummary> out;
  for (const auto& [config, runs] : configurations(plan)) {
    ConfigurationSummary s;
    s.config = config;
    s.swept = swept_without_seed(plan.runs[runs.front()]);
    std::vector<double> loss, acc, iterations, time, rounds, time_to_target, rounds_to_target;
    for (const std::size_t k : runs) {
      const auto it = by_name.find(plan.runs[k].run_name);
      if (it == by_name.end()) continue;
      const RunResult& r = *it->second;
      ++s.seeds;
      if (r.status == RunStatus::completed) ++s.completed;
      if (r.train_loss) loss.push_back(*r.train_loss);
      if (r.test_accuracy) acc.push_back(*r.test_accuracy);
      iterations.push_back(static_cast<double>(r.iterations));
      time.push_back(r.sim_time_s);
      rounds.push_back(static_cast<double>(r.rounds));
      if (r.stop_reason == "target") {
        ++s.reached;
        time_to_target.push_back(r.sim_time_s);
        rounds_to_target.push_back(static_cast<double>(r.rounds));
      }
    }
    s.train_loss = mean_se(loss);
    s.test_accuracy = mean_se(acc);
    s.iterations = mean_se(iterations);
    s.sim_time_s = mean_se(time);
    s.rounds = mean_se(rounds);
    s.time_to_target_s = mean_se(time_to_target);
    s.rounds_to_target = mean_se(rounds_to_target);
    out.push_back(std::move(s));
  }
  return out;
}

std::string sweep_summary_csv(const ExperimentPlan& plan, std::span<const std::vector<MetricsRow>> rows) {
  // The metrics columns after `iteration`, read from the rows themselves (no text round trip).
  using Field = std::optional<double> (*)(const MetricsRow&);
  static const std::pair<const char*, Field> columns[] = {
      {"epoch", [](const MetricsRow& r) -> std::optional<double> { return r.epoch; }},
      {"rounds", [](const MetricsRow& r) -> std::optional<double> { return static_cast<double>(r.rounds); }},
      {"bytes_total", [](const MetricsRow& r) -> std::optional<double> { return r.bytes_total; }},
      {"bytes_per_worker", [](const MetricsRow& r) -> std::optional<double> { return r.bytes_per_worker; }},
      {"sim_time_s", [](const MetricsRow& r) -> std::optional<double> { return r.sim_time_s; }},
      {"lr", [](const MetricsRow& r) -> std::optional<double> { return r.lr; }},
      {"train_loss", [](const MetricsRow& r) { return r.train_loss; }},
      {"train_accuracy", [](const MetricsRow& r) { return r.train_accuracy; }},
      {"test_loss", [](const MetricsRow& r) { return r.test_loss; }},
      {"test_accuracy", [](const MetricsRow& r) { return r.test_accuracy; }},
      {"grad_norm_sq", [](const MetricsRow& r) { return r.grad_norm_sq; }},
      {"consensus_x", [](const MetricsRow& r) { return r.consensus_x; }},
      {"consensus_u", [](const MetricsRow& r) { return r.consensus_u; }},
      {"wall_s", [](const MetricsRow& r) -> std::optional<double> { return r.wall_s; }},
  };
  std::string text = header_prefix(plan) + ",seeds,iteration";
  for (const auto& [name, field] : columns) text += fmt::format(",{0}_mean,{0}_se", name);
  text += '\n';
  for (const auto& [config, runs] : configurations(plan)) {
    // iteration → the row each seed recorded there (its last, should a run write one twice)
    std::map<std::int64_t, std::map<std::size_t, const MetricsRow*>> points;
    for (const std::size_t k : runs)
      for (const MetricsRow& row : rows[k]) points[row.iteration][k] = &row;
    const std::string prefix = config_prefix(config, swept_without_seed(plan.runs[runs.front()]));
    for (const auto& [iteration, by_seed] : points) {
      text += fmt::format("{},{},{}", prefix, by_seed.size(), iteration);
      for (const auto& [name, field] : columns) {
        std::vector<double> values;
        for (const auto& [k, row] : by_seed)
          if (const auto v = field(*row)) values.push_back(*v);
        text.append(1, ',').append(mean_se_fields(mean_se(values)));
      }
      text += '\n';
    }
  }
  return text;
}

std::string sweep_final_csv(const ExperimentPlan& plan, std::span<const RunResult> results) {
  std::string text = header_prefix(plan) +
                     ",seeds,completed,final_train_loss_mean,final_train_loss_se,final_test_accuracy_mean,"
                     "final_test_accuracy_se,iterations_mean,iterations_se,sim_time_s_mean,sim_time_s_se,rounds_mean,"
                     "rounds_se,reached_target,time_to_target_s_mean,time_to_target_s_se,rounds_to_target_mean,"
                     "rounds_to_target_se\n";
  for (const ConfigurationSummary& s : summarize_configurations(plan, results)) {
    if (s.seeds == 0) continue;  // nothing finished yet
    text += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", config_prefix(s.config, s.swept), s.seeds, s.completed,
                        mean_se_fields(s.train_loss), mean_se_fields(s.test_accuracy), mean_se_fields(s.iterations),
                        mean_se_fields(s.sim_time_s), mean_se_fields(s.rounds), s.reached,
                        mean_se_fields(s.time_to_target_s), mean_se_fields(s.rounds_to_target));
  }
  return text;
}

}  // namespace csgd
