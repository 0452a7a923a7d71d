// Adding up each worker's compute, comm and wait.
#include "timing/worker_ledger.hpp"

namespace csgd {

void WorkerLedger::enter_round(int w, TrafficBooks& round) {
  round.watch(w);
  inside_[at(w)] = &round;
}

void WorkerLedger::leave_round(int w) {
  TrafficBooks* const round = inside_[at(w)];
  if (!round) return;
  const TrafficBooks::Split s = round->unwatch(w);
  times_[at(w)].comm_s += s.busy_s;
  times_[at(w)].wait_s += s.idle_s;
  inside_[at(w)] = nullptr;
}

std::vector<WorkerTime> WorkerLedger::times() const {
  std::vector<WorkerTime> out = times_;
  for (std::size_t w = 0; w < out.size(); ++w)
    if (inside_[w]) {
      const TrafficBooks::Split s = inside_[w]->split(static_cast<int>(w));
      out[w].comm_s += s.busy_s;
      out[w].wait_s += s.idle_s;
    }
  return out;
}

}  // namespace csgd
