#pragma once
// Where each worker's simulated time goes (WorkerTime): its steps are compute; inside a round
// its time is comm while at least one of its own messages of that round (sent or expected) is in
// flight, and wait while it is blocked with nothing of its own moving.
#include <vector>

#include "csgd/timing.hpp"

namespace csgd {

class RoundTraffic;

class WorkerLedger {
 public:
  explicit WorkerLedger(int N) : times_(static_cast<std::size_t>(N)), inside_(static_cast<std::size_t>(N)) {}

  void add_compute(int w, double seconds) { times_[at(w)].compute_s += seconds; }
  void enter_round(int w, const RoundTraffic& round, double now) { inside_[at(w)] = {&round, now}; }
  void leave_round(int w, double now);
  // A round calls this just before the number of its messages in flight at `w` changes.
  void before_traffic_change(int w, const RoundTraffic& round, double now) {
    if (inside_[at(w)].round == &round) settle(w, now);
  }

  const std::vector<WorkerTime>& times() const { return times_; }

 private:
  struct Inside {
    const RoundTraffic* round = nullptr;  // the round the worker is in, if any
    double since = 0;                     // accounted up to here
  };
  static std::size_t at(int w) { return static_cast<std::size_t>(w); }
  inline void settle(int w, double now);  // defined in round_traffic.hpp, on the per-message path

  std::vector<WorkerTime> times_;
  std::vector<Inside> inside_;
};

}  // namespace csgd
