#include "run/summary_parts.hpp"

#include <algorithm>

namespace csgd {

nlohmann::json topology_summary(const PhysicalTopology& t) {
  const std::vector<int> d = t.host_degrees();
  double mean = 0;
  for (int x : d) mean += x;
  return {{"name", t.name},
          {"hosts", t.hosts},
          {"switches", t.nodes - t.hosts},
          {"links", t.links.size() / 2},
          {"diameter_hops", t.diameter_hops()},
          {"host_degree", {{"min", *std::min_element(d.begin(), d.end())},
                           {"max", *std::max_element(d.begin(), d.end())},
                           {"mean", mean / static_cast<double>(d.size())}}}};
}

double mean_worker_time(const ClusterClock& clock, double WorkerTime::*field) {
  const auto times = clock.worker_times();
  double sum = 0;
  for (const WorkerTime& w : times) sum += w.*field;
  return times.empty() ? 0.0 : sum / static_cast<double>(times.size());
}

nlohmann::json clock_summary(const ClusterClock& clock) {
  nlohmann::json per_worker = nlohmann::json::array();
  for (const WorkerTime& w : clock.worker_times())
    per_worker.push_back({{"compute_s", w.compute_s}, {"comm_s", w.comm_s}, {"wait_s", w.wait_s}});
  return {{"sim_time_s", clock.now_s()},
          {"sim_compute_s", mean_worker_time(clock, &WorkerTime::compute_s)},
          {"sim_comm_s", mean_worker_time(clock, &WorkerTime::comm_s)},
          {"sim_wait_s", mean_worker_time(clock, &WorkerTime::wait_s)},
          {"worker_times", per_worker}};
}

}  // namespace csgd
