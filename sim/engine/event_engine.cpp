// The event engine: a binary min-heap on (time, priority, seq) over small keys, the actions in a
// reusable slot pool, and a step that pops and runs the earliest event. Nothing model-specific
// belongs here.
#include "csgd/event_engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "base/free_slots.hpp"

namespace csgd {
namespace {

// "a runs after b": the heap comparator that keeps the earliest event at the front.
struct Later {
  template <class Key> bool operator()(const Key& a, const Key& b) const {
    if (a.time != b.time) return a.time > b.time;
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.seq > b.seq;
  }
};

}  // namespace

EventEngine::EventId EventEngine::schedule_at(double time, Action action, int priority) {
  if (!std::isfinite(time) || time < now_)
    throw std::logic_error("EventEngine: cannot schedule an event at t = " + std::to_string(time) +
                           " s (the clock reads " + std::to_string(now_) + " s)");
  const std::uint32_t slot = take_slot(free_slots_, actions_, slot_seq_, slot_cancelled_);
  actions_[slot] = std::move(action);
  const std::uint64_t seq = next_seq_++;
  slot_seq_[slot] = seq;
  heap_.push_back(Key{time, seq, priority, slot});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return {slot, seq};
}

void EventEngine::cancel(EventId id) {
  // A slot that ran was freed; if reused, it holds a later seq. Either way: nothing to cancel.
  if (id.slot >= slot_seq_.size() || slot_seq_[id.slot] != id.seq || slot_cancelled_[id.slot]) return;
  slot_cancelled_[id.slot] = 1;
  actions_[id.slot] = nullptr;
  ++cancelled_;
}

void EventEngine::drop_cancelled() {
  while (!heap_.empty() && slot_cancelled_[heap_.front().slot]) {
    const std::uint32_t slot = heap_.front().slot;
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
    slot_cancelled_[slot] = 0;
    slot_seq_[slot] = ~std::uint64_t{0};
    free_slots_.push_back(slot);
    --cancelled_;
  }
}

double EventEngine::next_time() {
  drop_cancelled();
  return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.front().time;
}

bool EventEngine::step() {
  drop_cancelled();
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const Key next = heap_.back();
  heap_.pop_back();
  // Moved out before it runs: the action may schedule events and so grow the pool.
  Action action = std::move(actions_[next.slot]);
  slot_seq_[next.slot] = ~std::uint64_t{0};  // ran: a late cancel() finds nothing
  free_slots_.push_back(next.slot);
  now_ = next.time;
  ++processed_;
  action();
  return true;
}

void EventEngine::run() {
  while (step()) {}
}

void EventEngine::run_until(double time) {
  if (std::isnan(time) || time < now_)
    throw std::logic_error("EventEngine: cannot run until t = " + std::to_string(time) + " s (the clock reads " +
                           std::to_string(now_) + " s)");
  for (drop_cancelled(); !heap_.empty() && heap_.front().time <= time; drop_cancelled()) step();
  if (std::isfinite(time)) now_ = time;  // run_until(∞) drains the heap and keeps the last event's time
}

}  // namespace csgd
