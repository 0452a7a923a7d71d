#pragma once
// Messages whose last byte is on its way. Deliveries due at the same instant and scheduled one
// after another (a batch of flows finishing together) share one engine event that calls them in
// the order given — the order separate events would have run them in, since nothing was scheduled
// between them. The (receiver, tag) pairs wait in reused groups, so a delivery allocates nothing
// in steady state.
#include <cstdint>
#include <vector>

#include "base/free_slots.hpp"
#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"

namespace csgd {

// Who hears of a message's arrival, and the tag it is told.
struct Addressee {
  Receiver* to;
  std::uint64_t tag;
};

class Deliveries {
 public:
  explicit Deliveries(EventEngine& engine) : engine_(engine) {}
  Deliveries(const Deliveries&) = delete;  // events hold `this`
  Deliveries& operator=(const Deliveries&) = delete;

  // Calls to.delivered(tag) after `delay` seconds; it counts as completed when it runs.
  void deliver_in(double delay, Receiver& to, std::uint64_t tag) {
    const double at = engine_.now() + delay;
    // Joins the open group only if its event is still the engine's latest: then no event can
    // run between the group's calls that would not also have run between separate events.
    if (open_ >= 0 && at == open_at_ && engine_.events_scheduled() == open_seq_ + 1) {
      groups_[static_cast<std::size_t>(open_)].push_back({&to, tag});
      return;
    }
    const int group = take_slot(free_, groups_);
    groups_[static_cast<std::size_t>(group)].push_back({&to, tag});
    open_ = group;
    open_at_ = at;
    open_seq_ = engine_.schedule_at(at, [this, group] { fire(group); }).seq;
  }

  std::uint64_t completed() const { return completed_; }

 private:
  void fire(int group) {
    if (open_ == group) open_ = -1;  // closed: a receiver that delivers again starts another group
    // Indexed afresh on every call: a receiver may grow groups_.
    for (std::size_t k = 0; k < groups_[static_cast<std::size_t>(group)].size(); ++k) {
      const Addressee d = groups_[static_cast<std::size_t>(group)][k];
      ++completed_;
      d.to->delivered(d.tag);
    }
    groups_[static_cast<std::size_t>(group)].clear();
    free_.push_back(group);
  }

  EventEngine& engine_;
  std::vector<std::vector<Addressee>> groups_;
  std::vector<int> free_;
  int open_ = -1;  // the group later deliveries may join (−1: none)
  double open_at_ = 0;
  std::uint64_t open_seq_ = 0;
  std::uint64_t completed_ = 0;
};

}  // namespace csgd
