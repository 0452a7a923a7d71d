// Runs the theory checks' experiments through the real program path and collects each seed's
// summary.json; runs the five checks in order.
#include <fmt/format.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "csgd/errors.hpp"
#include "csgd/problem.hpp"
#include "csgd/runner.hpp"
#include "theory/theory_checks.hpp"

namespace csgd {
namespace {

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", file.string()));
  return nlohmann::json::parse(in);
}

// f(x̄⁰) − f*: the start x̂ every worker shares, evaluated exactly (f* = f_lower = 0 here).
double initial_gap(const ExperimentConfig& c) {
  auto problem = make_problem<double>(c.problem, c.N, c.seed);
  Vector<double> x0(problem->dimension());
  const std::span<double> x(x0.data(), static_cast<std::size_t>(x0.size()));
  problem->initial_point(x);
  return problem->evaluate(std::span<const double>(x), {}).train_loss - problem->constants()->f_lower;
}

std::string folder_name(const std::string& label) {
  std::string out;
  for (char ch : label) out += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.') ? ch : '_';
  return out;
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "FAIL";
    case Verdict::info:
      return "info";
  }
  return "?";
}

bool CheckSection::passed() const {
  for (const auto& r : rows)
    if (r.verdict == Verdict::fail) return false;
  return true;
}

CheckRunner::CheckRunner(const CheckSettings& settings, int default_seeds_fast, int default_seeds_full)
    : settings_(settings),
      K_(settings.seeds > 0 ? settings.seeds : (settings.fast ? default_seeds_fast : default_seeds_full)) {}

ExperimentConfig CheckRunner::config(const std::string& file, std::vector<std::string> overrides) const {
  const ExperimentPlan plan = load_experiment((settings_.experiments_dir / file).string(), overrides);
  return plan.runs.front().config;
}

std::vector<SeedRun> CheckRunner::run(const std::string& file, std::vector<std::string> overrides,
                                      const std::string& label) {
  std::vector<int> seeds;
  for (int k = 1; k <= K_; ++k) seeds.push_back(k);
  overrides.push_back(fmt::format("sweep.seed=[{}]", fmt::join(seeds, ",")));
  const ExperimentPlan plan = load_experiment((settings_.experiments_dir / file).string(), overrides);
  for (const RunPlan& rp : plan.runs) {
    // The checks read exact constants and the exact mean of ||∇f(x̄)||²: only the synthetic
    // problem has them, and float32 rounding would blur differences the checks resolve.
    if (rp.config.problem.model != "synthetic" || rp.config.precision != Precision::float64)
      throw InputError(
          fmt::format("{}: the theory checks need problem.model: synthetic and precision: float64", plan.file));
    if (!rp.config.stop.iterations || rp.config.stop.target_grad_norm_sq || rp.config.stop.target_loss)
      throw InputError(
          fmt::format("{}: the theory checks need stop.iterations (T) and no early-stop target", plan.file));
  }
  // Seeds are dealt round-robin to `parts` sub-plans that run side by side, each in a one-slot
  // task arena (its parallel loops run serially) and its own folder (sweep.csv is per folder).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t parts = std::min<std::size_t>(
      plan.runs.size(), settings_.threads > 0 ? static_cast<std::size_t>(settings_.threads) : cores);
  const std::filesystem::path folder = settings_.scratch_dir / fmt::format("{:04d}-{}", batch_++, folder_name(label));
  std::vector<ExperimentPlan> sub(parts, plan);
  for (std::size_t p = 0; p < parts; ++p) {
    sub[p].runs.clear();
    for (std::size_t k = p; k < plan.runs.size(); k += parts) sub[p].runs.push_back(plan.runs[k]);
  }
  std::vector<std::vector<RunResult>> sub_results(parts);
  std::vector<std::exception_ptr> errors(parts);
  const auto work = [&](std::size_t p) {
    try {
      RunOptions options;
      options.out_dir = folder / fmt::format("part-{}", p);
      options.quiet = true;
      options.force = true;
      tbb::task_arena arena(1);
      arena.execute([&] { sub_results[p] = run_experiment(sub[p], options); });
    } catch (...) {
      errors[p] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t p = 1; p < parts; ++p) threads.emplace_back(work, p);
  work(0);
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  std::vector<RunResult> results(plan.runs.size());
  for (std::size_t p = 0; p < parts; ++p)
    for (std::size_t j = 0; j < sub_results[p].size(); ++j) results[p + j * parts] = std::move(sub_results[p][j]);
  std::vector<SeedRun> out;
  for (std::size_t k = 0; k < results.size(); ++k) {
    const RunResult& r = results[k];
    if (r.status != RunStatus::completed)
      throw std::runtime_error(
          fmt::format("{}: run {} ended {} ({})", label, r.run_name, to_string(r.status), r.stop_reason));
    SeedRun s;
    s.seed = plan.runs[k].config.seed;
    s.dir = r.dir;
    s.summary = read_json(r.dir / "summary.json");
    s.mean_grad_norm_sq = s.summary.at("mean_grad_norm_sq").get<double>();
    s.final_grad_norm_sq = s.summary.at("final").at("grad_norm_sq").get<double>();
    s.f_gap = initial_gap(plan.runs[k].config);
    out.push_back(std::move(s));
  }
  runs_ += static_cast<std::int64_t>(results.size());
  return out;
}

void CheckRunner::emit(CheckSection& section, CheckRow row) {
  section.rows.push_back(std::move(row));
  if (settings_.on_row) settings_.on_row(section, section.rows.back());
}

std::vector<CheckSection> run_theory_checks(const CheckSettings& settings) {
  using Check = CheckSection (*)(CheckRunner&);
  struct Entry {
    Check check;
    int seeds_fast, seeds_full;
  };
  // Seeds per check: enough in the full set that every standard error is a few per cent of
  // what it is compared with; the fast subset keeps the same thresholds with fewer seeds.
  const Entry entries[] = {{check_theorem_bounds, 8, 32},
                           {check_linear_speedup, 8, 32},
                           {check_interval_dependence, 8, 32},
                           {check_decentralized_spectral_gap, 16, 48},
                           {check_momentum_averaging, 16, 64}};
  std::vector<CheckSection> sections;
  for (std::size_t k = 0; k < std::size(entries); ++k) {
    const Entry& e = entries[k];
    const int number = static_cast<int>(k) + 1;
    if (!settings.only.empty() && std::find(settings.only.begin(), settings.only.end(), number) == settings.only.end())
      continue;
    const auto start = std::chrono::steady_clock::now();
    CheckRunner runner(settings, e.seeds_fast, e.seeds_full);
    CheckSection s = e.check(runner);
    s.seeds = runner.K();
    s.runs = runner.runs();
    s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sections.push_back(std::move(s));
  }
  return sections;
}

std::vector<double> column(const std::vector<SeedRun>& runs, double SeedRun::*field) {
  std::vector<double> v;
  v.reserve(runs.size());
  for (const auto& r : runs) v.push_back(r.*field);
  return v;
}

std::string seeds_text(int K) { return K == 1 ? "1" : fmt::format("1–{}", K); }

std::string fmt_num(double v) {
  if (v == 0) return "0";
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  return fmt::format("{:.4g}", v);
}

std::string fmt_mean_se(double mean, double se) {
  return fmt::format("{} ± {}", fmt_num(mean), fmt::format("{:.2g}", se));
}

}  // namespace csgd
