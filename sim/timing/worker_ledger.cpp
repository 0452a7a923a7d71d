// Settling a worker's time inside a round into comm or wait.
#include "timing/worker_ledger.hpp"

#include "timing/round_traffic.hpp"

namespace csgd {

void WorkerLedger::leave_round(int w, double now) {
  if (inside_[at(w)].round) settle(w, now);
  inside_[at(w)].round = nullptr;
}

}  // namespace csgd
