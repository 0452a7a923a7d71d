#pragma once
// One run's training loop: N workers step in parallel on the TBB pool, the algorithm
// communicates, the cluster clock advances, and metrics are written at evaluation points.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "csgd/algorithm.hpp"
#include "csgd/problem.hpp"
#include "csgd/rank_team.hpp"
#include "csgd/runner.hpp"
#include "csgd/timing.hpp"
#include "run/metrics_row.hpp"

namespace csgd {

template <class S>
struct PreparedRun {
  using Scalar = S;
  const RunPlan* plan = nullptr;
  // Shared by the runs of a training group (experiment_runner.cpp): the group's first run trains
  // with it, the others only read it.
  std::shared_ptr<Problem<S>> problem;
  std::string numerics_key;  // runs with equal keys are one training group
  std::unique_ptr<Algorithm<S>> algorithm;
  std::unique_ptr<ClusterClock> clock;
  std::shared_ptr<const PhysicalTopology> topology;  // flow model only: built once, shared with the clock
  std::unique_ptr<TraceRecorder> trace;      // --trace: spans the clock records
};

// What a run will do, derived from the config and the problem: T, evaluation spacing, epochs.
struct RunSchedule {
  std::int64_t T = 0;
  std::int64_t eval_every = 1;
  double samples_per_iteration = 0;
  double iterations_per_epoch = 0;  // 0 when the problem has no epochs
  double model_bytes = 0;
  bool grad_norm = false;
  bool track_mean_grad_norm = false;  // exact (1/T) Σ ||∇f(x̄^(t))||², the left side of Theorems 1–3
  std::int64_t R = -1;                // Remark 2's random output iteration
};
template <class S> RunSchedule make_run_schedule(const ExperimentConfig& c, const Problem<S>& problem);

// Where one run's files go; `on_row` sees every metrics row (for the sweep's combined CSV).
template <class S>
struct RunOutput {
  PreparedRun<S>* run = nullptr;
  std::filesystem::path dir;
  std::function<void(const MetricsRow&)> on_row;
};

// Trains once for a group of runs whose numerics are the same (they differ only in timing keys;
// see experiment_runner.cpp) and drives every run's clock from the same iterations. Writes each
// run's dir/{config.resolved.yaml, metrics.csv, summary.json, model.npy}: the same bytes as
// training that run alone, apart from wall times. Results in the order of `outputs`.
// The team's ranks train together, each holding its block of workers (RankTeam::block), with the
// same bits as one process; its rank 0 alone writes the files (and returns full results, the
// others only each run's status).
template <class S>
std::vector<RunResult> train(std::span<RunOutput<S>> outputs, const RunOptions& options, const RankTeam& team);

// --timing-only: advances the clock through the run's schedule and writes the timing columns.
template <class S>
RunResult simulate_timing(PreparedRun<S>& run, const std::filesystem::path& dir, const RunOptions& options,
                          const std::function<void(const MetricsRow&)>& on_row);

}  // namespace csgd
