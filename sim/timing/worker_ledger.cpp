// Adding up each worker's compute, comm and wait.
#include "timing/worker_ledger.hpp"

namespace csgd {
namespace {

void add(WorkerTime& time, const TrafficBooks::Split& inside_round) {
  time.comm_s += inside_round.busy_s;
  time.wait_s += inside_round.idle_s;
}

}  // namespace

void WorkerLedger::enter_round(int w, TrafficBooks& round) {
  round.watch(w);
  inside_[at(w)] = &round;
}

void WorkerLedger::leave_round(int w) {
  TrafficBooks* const round = inside_[at(w)];
  if (!round) return;
  add(times_[at(w)], round->unwatch(w));
  inside_[at(w)] = nullptr;
}

std::vector<WorkerTime> WorkerLedger::times() const {
  std::vector<WorkerTime> out = times_;
  for (std::size_t w = 0; w < out.size(); ++w)
    if (inside_[w]) add(out[w], inside_[w]->split(static_cast<int>(w)));
  return out;
}

}  // namespace csgd
