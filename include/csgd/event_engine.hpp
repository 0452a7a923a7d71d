#pragma once
// The discrete-event core: a simulated clock and a heap of (time, priority, sequence, action).
// The sequence number makes equal-time events run in the order they were scheduled, so a
// simulation is deterministic; `priority` lets a model run a step after every ordinary event of
// the same instant (the flow network batches same-time flow starts into one rate update that
// way). Nothing model-specific lives here.
#include <cstdint>
#include <functional>
#include <vector>

namespace csgd {

class EventEngine {
 public:
  using Action = std::function<void()>;  // keep captures ≤ 16 bytes: no allocation per event

  double now() const { return now_; }
  // Runs `action` at `time` (≥ now). Lower priority runs first among events of the same time.
  void schedule_at(double time, Action action, int priority = 0);
  void schedule_in(double delay, Action action, int priority = 0) { schedule_at(now_ + delay, std::move(action), priority); }

  bool step();                 // runs the next event; false when none is left
  void run();                  // until no event is left
  void run_until(double time); // events with time ≤ `time`; the clock then reads `time`
  template <class Done> void run_while_not(Done done) {  // until done() holds or no event is left
    while (!done() && step()) {}
  }

  bool empty() const { return heap_.empty(); }
  std::uint64_t events_processed() const { return processed_; }

 private:
  // The heap orders small keys; the actions wait in a slot pool, so a sift moves 24 bytes
  // instead of a std::function.
  struct Key {
    double time;
    std::uint64_t seq;
    int priority;
    std::uint32_t slot;
  };

  std::vector<Key> heap_;
  std::vector<Action> actions_;            // by slot
  std::vector<std::uint32_t> free_slots_;  // reused before the pool grows
  double now_ = 0;
  std::uint64_t next_seq_ = 0, processed_ = 0;
};

}  // namespace csgd
