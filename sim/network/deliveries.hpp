#pragma once
// Messages whose last byte is on its way: each `done` waits in a reused slot and an engine event
// of two words (this, slot) calls it, so a delivery allocates nothing in steady state however
// large the caller's callback is.
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "csgd/event_engine.hpp"

namespace csgd {

class Deliveries {
 public:
  explicit Deliveries(EventEngine& engine) : engine_(engine) {}
  Deliveries(const Deliveries&) = delete;  // events hold `this`
  Deliveries& operator=(const Deliveries&) = delete;

  // Calls `done` after `delay` seconds; it counts as completed when it runs.
  void deliver_in(double delay, std::function<void()> done) {
    int slot;
    if (free_.empty()) {
      slot = static_cast<int>(slots_.size());
      slots_.push_back(std::move(done));
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[static_cast<std::size_t>(slot)] = std::move(done);
    }
    engine_.schedule_in(delay, [this, slot] { fire(slot); });
  }

  std::uint64_t completed() const { return completed_; }

 private:
  void fire(int slot) {
    // Freed before the call: `done` may send again and reuse the slot.
    std::function<void()> done = std::move(slots_[static_cast<std::size_t>(slot)]);
    slots_[static_cast<std::size_t>(slot)] = nullptr;
    free_.push_back(slot);
    ++completed_;
    if (done) done();
  }

  EventEngine& engine_;
  std::vector<std::function<void()>> slots_;
  std::vector<int> free_;
  std::uint64_t completed_ = 0;
};

}  // namespace csgd
