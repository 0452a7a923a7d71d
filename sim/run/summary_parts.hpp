#pragma once
// Pieces of summary.json shared by training runs and timing-only runs.
#include <nlohmann/json.hpp>

#include "csgd/network.hpp"
#include "csgd/timing.hpp"

namespace csgd {

nlohmann::json topology_summary(const PhysicalTopology& topology);
// sim_time_s, the workers' mean compute/comm/wait seconds, and "worker_times" per worker.
nlohmann::json clock_summary(const ClusterClock& clock);
double mean_worker_time(const ClusterClock& clock, double WorkerTime::*field);

}  // namespace csgd
