// Prepares every run of a plan (all input errors surface here, before any training), then runs
// them in order and keeps the sweep's combined CSV current after each run.
#include <variant>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "output/run_folder.hpp"
#include "run/training_run.hpp"

namespace csgd {
namespace {

using AnyRun = std::variant<PreparedRun<float>, PreparedRun<double>>;

// Turns a settings error raised while building a run into a message with its file position.
template <class F>
auto located(const RunPlan& plan, const std::string& section, F&& build) {
  try {
    return build();
  } catch (const ValidationError& e) {
    throw InputError(plan.error_at(e.field().empty() ? section : section + "." + e.field(), e.what()));
  } catch (const InputError& e) {  // a data or matrix file: say which setting led to it
    throw InputError(plan.error_at(section, e.what()));
  }
}

// Algorithm 2 sends to every j ≠ i with W_ij ≠ 0 (W is symmetric, so in- and out-neighbours agree).
std::vector<std::vector<int>> neighbour_lists(const MixingMatrix& W) {
  std::vector<std::vector<int>> lists(static_cast<std::size_t>(W.N()));
  for (int i = 0; i < W.N(); ++i)
    for (const auto& [j, w] : W.in_weights[static_cast<std::size_t>(i)])
      if (j != i) lists[static_cast<std::size_t>(i)].push_back(j);
  return lists;
}

template <class S> PreparedRun<S> prepare(const RunPlan& plan) {
  const ExperimentConfig& c = plan.config;
  PreparedRun<S> run;
  run.plan = &plan;
  run.problem = located(plan, "problem", [&] { return make_problem<S>(c.problem, c.N, c.seed); });
  run.algorithm = located(plan, "algorithm", [&] { return make_algorithm<S>(c.algorithm, c.N); });
  ClockSetup setup;
  setup.N = c.N;
  setup.seed = c.seed;
  if (const MixingMatrix* W = run.algorithm->mixing()) setup.neighbours = neighbour_lists(*W);
  run.clock = located(plan, "timing", [&] { return make_cluster_clock(c.timing, setup); });
  return run;
}

}  // namespace

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::completed: return "completed";
    case RunStatus::diverged: return "diverged";
    case RunStatus::interrupted: return "interrupted";
  }
  return "unknown";
}

std::vector<RunResult> run_experiment(const ExperimentPlan& plan, const RunOptions& options) {
  std::vector<AnyRun> runs;
  runs.reserve(plan.runs.size());
  for (const RunPlan& rp : plan.runs) {
    check_run_folder_free(options.out_dir / rp.run_name, options.force);
    if (rp.config.precision == Precision::float32) {
      runs.emplace_back(prepare<float>(rp));
    } else {
      runs.emplace_back(prepare<double>(rp));
    }
  }

  if (options.on_prepared) options.on_prepared();
  const bool sweep = !plan.sweep_keys.empty();
  std::string combined;
  if (sweep) combined = fmt::format("run,{},{}\n", fmt::join(plan.sweep_keys, ","), MetricsRow::csv_header());
  std::vector<RunResult> results;
  for (auto& any : runs) {
    RunResult result = std::visit(
        [&](auto& run) {
          std::string prefix = run.plan->run_name;
          for (const auto& kv : run.plan->swept) {
            const std::string& value = kv.second;
            std::string quoted;
            for (char ch : value) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            prefix += ",\"" + quoted + "\"";
          }
          return train(run, options.out_dir / run.plan->run_name, options,
                       [&](const MetricsRow& row) {
                         if (sweep) combined += prefix + "," + row.csv() + "\n";
                       });
        },
        any);
    if (sweep) write_file_atomically(options.out_dir / "sweep.csv", combined);
    if (options.on_run_done) options.on_run_done(result);
    results.push_back(std::move(result));
    if (results.back().status == RunStatus::interrupted) break;
  }
  return results;
}

}  // namespace csgd
