#pragma once
// What training runs and timing-only runs share: the schedule the clock replays, the running
// totals of rounds and bytes, the timing columns of a metrics row, and the summary fields both
// write.
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "csgd/algorithm.hpp"
#include "csgd/experiment.hpp"
#include "csgd/problem.hpp"
#include "csgd/timing.hpp"
#include "run/metrics_row.hpp"
#include "run/training_run.hpp"

namespace csgd {

// What iteration t does, for the clock: every worker's gradient FLOPs and the algorithm's round.
// A pure function of t, so the clock may look ahead.
template <class S>
Schedule make_schedule(const Problem<S>& problem, const Algorithm<S>& algorithm, int N, double model_bytes) {
  auto flops = std::make_shared<std::vector<double>>(static_cast<std::size_t>(N));
  for (int i = 0; i < N; ++i) (*flops)[static_cast<std::size_t>(i)] = problem.gradient_flops(i);
  return [flops, &algorithm, model_bytes](std::int64_t t) {
    return IterationOps{*flops, algorithm.round_after(t, model_bytes)};
  };
}

// Why a run that nothing stopped sooner ended: its cap, stop.iterations or stop.epochs.
inline const char* cap_reason(const StopSpec& stop) { return stop.iterations ? "iterations" : "epochs"; }

// The problem's summary.json fields: its description and parameter count m.
template <class S> nlohmann::json problem_fields(const Problem<S>& problem) {
  return {{"problem", problem.describe()}, {"parameters", problem.dimension()}};
}

// Running totals after t iterations.
struct RunLedger {
  std::int64_t t = 0, rounds = 0;
  double bytes_total = 0, bytes_max_worker = 0;

  void add(const IterationTiming& timing) {
    bytes_total += timing.bytes_total;
    bytes_max_worker += timing.bytes_max_worker;
  }
  // A metrics row with the timing columns filled (iteration, epoch, rounds, bytes, sim time, lr,
  // wall); the training loop adds the model's metrics.
  MetricsRow row(const RunSchedule& plan, int N, const ClusterClock& clock, double lr, double wall_s) const;
  // The summary.json fields every run writes: status, names, workers, the clock and the totals.
  nlohmann::json summary(const RunPlan& rp, const RunSchedule& plan, const ClusterClock& clock,
                         const PhysicalTopology* topology, const char* status, double wall_s) const;
};

}  // namespace csgd
