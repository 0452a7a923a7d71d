// Settling a worker's time inside a round into comm or wait.
#include "timing/worker_ledger.hpp"

#include "timing/round_traffic.hpp"

namespace csgd {

void WorkerLedger::settle(int w, double now) {
  Inside& in = inside_[at(w)];
  const double dt = now - in.since;
  if (in.round->in_flight(w) > 0) times_[at(w)].comm_s += dt;
  else times_[at(w)].wait_s += dt;
  in.since = now;
}

void WorkerLedger::leave_round(int w, double now) {
  if (inside_[at(w)].round) settle(w, now);
  inside_[at(w)].round = nullptr;
}

}  // namespace csgd
