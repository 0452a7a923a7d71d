// Prepares every run of a plan (all input errors surface here, before any training), then runs
// them in order and keeps the sweep's combined CSV current after each run.
#include <algorithm>
#include <chrono>
#include <variant>

#include <fmt/format.h>

#include "csgd/algorithm_registry.hpp"
#include "csgd/cluster_setup.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/errors.hpp"
#include "output/run_folder.hpp"
#include "run/located.hpp"
#include "run/training_run.hpp"

namespace csgd {
namespace {

using AnyRun = std::variant<PreparedRun<float>, PreparedRun<double>>;


// Algorithm 2 sends to every j ≠ i with W_ij ≠ 0 (W is symmetric, so in- and out-neighbours agree).
std::vector<std::vector<int>> neighbour_lists(const MixingMatrix& W) {
  std::vector<std::vector<int>> lists(static_cast<std::size_t>(W.N()));
  for (int i = 0; i < W.N(); ++i)
    for (const auto& [j, w] : W.in_weights[static_cast<std::size_t>(i)])
      if (j != i) lists[static_cast<std::size_t>(i)].push_back(j);
  return lists;
}

// Median wall time of a few real stochastic gradients of worker 0 at x̂ (compute.measured_factor).
// The one timing input that depends on the machine: documented as such.
template <class S> double measure_step_seconds(Problem<S>& problem, std::uint64_t seed) {
  Vector<S> x(problem.dimension()), g(problem.dimension());
  problem.initial_point({x.data(), static_cast<std::size_t>(x.size())});
  Rng rng(seed, stream::worker(0));
  std::vector<double> times;
  for (int k = 0; k < 7; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    problem.stochastic_gradient(0, {x.data(), static_cast<std::size_t>(x.size())}, {g.data(), static_cast<std::size_t>(g.size())}, rng);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(times.begin(), times.begin() + 3, times.end());
  return times[3];
}

template <class S> PreparedRun<S> prepare(const RunPlan& plan, const RunOptions& options) {
  const ExperimentConfig& c = plan.config;
  PreparedRun<S> run;
  run.plan = &plan;
  run.problem = located(plan, "problem", [&] { return make_problem<S>(c.problem, c.N, c.seed); });
  if (!options.timing_only) {
    // Training allocates x_i and u_i per worker (Algorithm 2 also its two mixing buffers): refused
    // here, before any of it, when it cannot fit.
    const int vectors = AlgorithmRegistry::find(c.algorithm.name)->mixes ? 4 : 2;
    const auto d = static_cast<double>(run.problem->dimension());
    located(plan, "workers", [&] {
      require_fits_in_memory(c.N * vectors * d * sizeof(S), "the workers' model and momentum vectors",
                             fmt::format("{} workers × {} vectors × {:.0f} parameters × {} bytes", c.N, vectors, d,
                                         sizeof(S)));
    });
  }
  const ResolvedCluster cluster = resolve_cluster(plan);
  run.topology = cluster.topology;
  run.algorithm = located(plan, "algorithm", [&] { return make_algorithm<S>(c.algorithm, cluster.W ? &*cluster.W : nullptr); });
  ClockSetup setup;
  setup.topology = cluster.topology;
  setup.collective = cluster.collective;
  setup.N = c.N;
  setup.seed = c.seed;
  if (c.timing.compute.measured_factor) setup.measured_step_s = measure_step_seconds(*run.problem, c.seed);
  if (const MixingMatrix* W = run.algorithm->mixing()) setup.neighbours = neighbour_lists(*W);
  if (options.trace) {
    run.trace = std::make_unique<TraceRecorder>();
    setup.trace = run.trace.get();
  }
  run.clock = located(plan, "timing", [&] { return make_cluster_clock(c.timing, setup); });
  return run;
}

}  // namespace

namespace {
std::string csv_field(const std::string& value) {
  std::string quoted(1, '"');
  for (char ch : value) {
    if (ch == '"') quoted.push_back('"');
    quoted.push_back(ch);
  }
  quoted.push_back('"');
  return quoted;
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
  std::vector<std::string> names;
  for (const RunPlan& rp : plan.runs) names.push_back(rp.run_name);
  check_results_folder_writable(options.out_dir, names);
  std::vector<AnyRun> runs;
  runs.reserve(plan.runs.size());
  for (const RunPlan& rp : plan.runs) {
    check_run_folder_free(options.out_dir / rp.run_name, options.force);
    if (rp.config.precision == Precision::float32) {
      runs.emplace_back(prepare<float>(rp, options));
    } else {
      runs.emplace_back(prepare<double>(rp, options));
    }
  }

  if (options.dry_run) {
    if (options.on_prepared) options.on_prepared();
    return {};
  }
  // One writer per results folder; what was free before the lock is checked again under it.
  const ResultsFolderLock lock(options.out_dir);
  for (const RunPlan& rp : plan.runs) check_run_folder_free(options.out_dir / rp.run_name, options.force);
  if (options.on_prepared) options.on_prepared();
  const bool sweep = !plan.sweep_keys.empty();
  std::string combined;
  if (sweep) combined = fmt::format("run,{},{}\n", fmt::join(plan.sweep_keys, ","), MetricsRow::csv_header());
  std::vector<RunResult> results;
  for (auto& any : runs) {
    RunResult result = std::visit(
        [&](auto& run) {
          // RFC 4180 quoting: run names and list values contain commas.
          std::string prefix = csv_field(run.plan->run_name);
          for (const auto& kv : run.plan->swept) prefix.append(1, ',').append(csv_field(kv.second));
          const auto on_row = [&](const MetricsRow& row) {
            if (sweep) combined += prefix + "," + row.csv() + "\n";
          };
          const auto dir = options.out_dir / run.plan->run_name;
          try {
            return options.timing_only ? simulate_timing(run, dir, options, on_row) : train(run, dir, options, on_row);
          } catch (const OutputError& e) {
            mark_run_failed(dir, e.what());
            throw;
          } catch (const std::filesystem::filesystem_error& e) {  // creating the run folder
            mark_run_failed(dir, e.what());
            throw OutputError(fmt::format("{}cannot write {}: {}", e.code() == std::errc::no_space_on_device ? "disk full: " : "",
                                          e.path1().string(), e.code().message()));
          }
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
