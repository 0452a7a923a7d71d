// The event engine: a binary min-heap on (time, priority, seq) over one vector, and a step that
// pops and runs the earliest event. Nothing model-specific belongs here.
#include "csgd/event_engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace csgd {

// "a runs after b": the heap comparator that keeps the earliest event at the front.
bool EventEngine::later(const Entry& a, const Entry& b) {
  if (a.time != b.time) return a.time > b.time;
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.seq > b.seq;
}

void EventEngine::schedule_at(double time, Action action, int priority) {
  if (!std::isfinite(time) || time < now_)
    throw std::logic_error("EventEngine: cannot schedule an event at t = " + std::to_string(time) +
                           " s (the clock reads " + std::to_string(now_) + " s)");
  heap_.push_back(Entry{time, priority, next_seq_++, std::move(action)});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

bool EventEngine::step() {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  // Moved out before it runs: the action may schedule events and so reallocate the heap.
  Entry next = std::move(heap_.back());
  heap_.pop_back();
  now_ = next.time;
  ++processed_;
  next.action();
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
