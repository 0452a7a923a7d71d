// The event engine: a binary min-heap on (time, priority, seq) over small keys, the actions in a
// reusable slot pool, and a step that pops and runs the earliest event. Nothing model-specific
// belongs here.
#include "csgd/event_engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

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

void EventEngine::schedule_at(double time, Action action, int priority) {
  if (!std::isfinite(time) || time < now_)
    throw std::logic_error("EventEngine: cannot schedule an event at t = " + std::to_string(time) +
                           " s (the clock reads " + std::to_string(now_) + " s)");
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(actions_.size());
    actions_.push_back(std::move(action));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    actions_[slot] = std::move(action);
  }
  heap_.push_back(Key{time, next_seq_++, priority, slot});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

bool EventEngine::step() {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const Key next = heap_.back();
  heap_.pop_back();
  // Moved out before it runs: the action may schedule events and so grow the pool.
  Action action = std::move(actions_[next.slot]);
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
  while (!heap_.empty() && heap_.front().time <= time) step();
  if (std::isfinite(time)) now_ = time;  // run_until(∞) drains the heap and keeps the last event's time
}

}  // namespace csgd
