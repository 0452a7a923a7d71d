#pragma once
// The discrete-event core: a simulated clock and a heap of (time, priority, sequence, action).
// The sequence number makes equal-time events run in the order they were scheduled, so a
// simulation is deterministic; `priority` lets a model run a step after every ordinary event of
// the same instant (the flow network batches same-time flow starts into one rate update that
// way). An event can be cancelled before it runs: it then neither runs nor moves the clock (the
// flow network withdraws a completion it predicted when rates change). Nothing model-specific
// lives here.
#include <cstdint>
#include <functional>
#include <vector>

namespace csgd {

class EventEngine {
 public:
  using Action = std::function<void()>;  // keep captures ≤ 16 bytes: no allocation per event
  struct EventId {  // names one scheduled event; stays harmless after it ran
    std::uint32_t slot = 0;
    std::uint64_t seq = ~std::uint64_t{0};
  };

  double now() const { return now_; }
  // Runs `action` at `time` (≥ now). Lower priority runs first among events of the same time.
  EventId schedule_at(double time, Action action, int priority = 0);
  EventId schedule_in(double delay, Action action, int priority = 0) {
    return schedule_at(now_ + delay, std::move(action), priority);
  }
  // The event will not run (its action is released now); a no-op if it already ran or was cancelled.
  void cancel(EventId id);

  bool step();                 // runs the next event; false when none is left
  void run();                  // until no event is left
  void run_until(double time); // events with time ≤ `time`; the clock then reads `time`
  template <class Done> void run_while_not(Done done) {  // until done() holds or no event is left
    while (!done() && step()) {}
  }

  bool empty() const { return heap_.size() == cancelled_; }
  // The time of the earliest event still to run (+∞ if none): a model that finds it later than
  // now() may do now what it would otherwise schedule for the end of this instant.
  double next_time();
  std::uint64_t events_processed() const { return processed_; }
  // Events scheduled so far: an event whose EventId::seq + 1 equals this was the last scheduled.
  std::uint64_t events_scheduled() const { return next_seq_; }

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
  void drop_cancelled();  // pops cancelled events off the front of the heap

  std::vector<Action> actions_;            // by slot
  std::vector<std::uint64_t> slot_seq_;    // by slot: the seq of the event holding it
  std::vector<char> slot_cancelled_;       // by slot
  std::vector<std::uint32_t> free_slots_;  // reused before the pool grows
  std::size_t cancelled_ = 0;              // cancelled events still in the heap
  double now_ = 0;
  std::uint64_t next_seq_ = 0, processed_ = 0;
};

}  // namespace csgd
