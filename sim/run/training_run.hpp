#pragma once
// One run's training loop: N workers step in parallel on the TBB pool, the algorithm
// communicates, the cluster clock advances, and metrics are written at evaluation points.
#include <filesystem>
#include <functional>
#include <memory>

#include "csgd/algorithm.hpp"
#include "csgd/problem.hpp"
#include "csgd/runner.hpp"
#include "csgd/timing.hpp"
#include "run/metrics_row.hpp"

namespace csgd {

template <class S>
struct PreparedRun {
  const RunPlan* plan = nullptr;
  std::unique_ptr<Problem<S>> problem;
  std::unique_ptr<Algorithm<S>> algorithm;
  std::unique_ptr<ClusterClock> clock;
};

// Trains and writes dir/{config.resolved.yaml, metrics.csv, summary.json, model.npy}.
// `on_row` sees every metrics row (for the sweep's combined CSV).
template <class S>
RunResult train(PreparedRun<S>& run, const std::filesystem::path& dir, const RunOptions& options,
                const std::function<void(const MetricsRow&)>& on_row);

}  // namespace csgd
