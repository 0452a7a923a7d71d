#pragma once
// Where each worker's simulated time goes (WorkerTime): its steps are compute; inside a round
// its time is comm while at least one of its own messages of that round (sent or expected) is in
// flight, and wait while it is blocked with nothing of its own moving. The round's books
// (TrafficBooks) split a worker's time inside the round; the ledger adds it up when it leaves.
#include <vector>

#include "csgd/timing.hpp"
#include "csgd/traffic_books.hpp"

namespace csgd {

class WorkerLedger {
 public:
  explicit WorkerLedger(int N) : times_(static_cast<std::size_t>(N)), inside_(static_cast<std::size_t>(N), nullptr) {}

  void add_compute(int w, double seconds) { times_[at(w)].compute_s += seconds; }
  void enter_round(int w, TrafficBooks& round);
  void leave_round(int w);

  // Every worker's times so far, a round it is inside counted up to now.
  std::vector<WorkerTime> times() const;

 private:
  static std::size_t at(int w) { return static_cast<std::size_t>(w); }

  std::vector<WorkerTime> times_;
  std::vector<TrafficBooks*> inside_;  // per worker: the round it is in, if any
};

}  // namespace csgd
