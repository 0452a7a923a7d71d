#include "run/run_ledger.hpp"

#include "run/summary_parts.hpp"

namespace csgd {

MetricsRow RunLedger::row(const RunSchedule& plan, int N, const ClusterClock& clock, double lr, double wall_s) const {
  MetricsRow r;
  r.iteration = t;
  r.epoch = plan.iterations_per_epoch > 0 ? static_cast<double>(t) / plan.iterations_per_epoch : 0;
  r.rounds = rounds;
  r.bytes_total = bytes_total;
  r.bytes_per_worker = bytes_total / N;
  r.sim_time_s = clock.now_s();
  r.lr = lr;
  r.wall_s = wall_s;
  return r;
}

nlohmann::json RunLedger::summary(const RunPlan& rp, const RunSchedule& plan, const ClusterClock& clock,
                                  const PhysicalTopology* topology, const char* status, double wall_s) const {
  const ExperimentConfig& c = rp.config;
  nlohmann::json s = {{"status", status},
                      {"experiment", c.name},
                      {"run", rp.run_name},
                      {"csgd_version", CSGD_VERSION},
                      {"workers", c.N},
                      {"timing_model", clock.describe()},
                      {"model_bytes", plan.model_bytes},
                      {"iterations", t},
                      {"iterations_planned", plan.T},
                      {"rounds", rounds},
                      {"bytes_total", bytes_total},
                      {"bytes_per_worker", bytes_total / c.N},
                      {"bytes_per_worker_max", bytes_max_worker},
                      {"wall_s", wall_s}};
  s.update(clock_summary(clock));
  if (topology) s["topology"] = topology_summary(*topology);
  return s;
}

}  // namespace csgd
