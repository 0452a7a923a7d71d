#pragma once
// Messages whose last byte is on its way. Deliveries due at the same instant and scheduled one
// after another (a batch of flows finishing together) share one engine event that calls them in
// the order given — the order separate events would have run them in, since nothing was scheduled
// between them — each run of one receiver's messages in one delivered_all call. The receivers and
// tags wait in reused groups, so a delivery allocates nothing in steady state.
#include <cstdint>
#include <span>
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
      groups_[static_cast<std::size_t>(open_)].add(to, tag);
      return;
    }
    const int group = take_slot(free_, groups_);
    groups_[static_cast<std::size_t>(group)].add(to, tag);
    open_ = group;
    open_at_ = at;
    open_seq_ = engine_.schedule_at(at, [this, group] { fire(group); }).seq;
  }

  // The same as deliver_in(delay, *a.to, a.tag) for each in turn (flows that finish together
  // and pay the same latency: one group check for them all).
  void deliver_all_in(double delay, std::span<const Addressee> batch) {
    if (batch.empty()) return;
    deliver_in(delay, *batch[0].to, batch[0].tag);  // joins or opens the group the rest would join
    Group& g = groups_[static_cast<std::size_t>(open_)];
    for (const Addressee& a : batch.subspan(1)) g.add(*a.to, a.tag);
  }

  std::uint64_t completed() const { return completed_; }

 private:
  struct Group {  // receivers and tags apart, so that a run of one receiver's tags is a span
    std::vector<Receiver*> to;
    std::vector<std::uint64_t> tags;
    void add(Receiver& r, std::uint64_t tag) {
      to.push_back(&r);
      tags.push_back(tag);
    }
  };

  void fire(int group) {
    if (open_ == group) open_ = -1;  // closed: a receiver that delivers again starts another group
    // Indexed afresh after every call: a receiver may grow groups_ (moving the Group, never its
    // closed vectors' storage, which the spans handed out point into).
    const std::size_t n = groups_[static_cast<std::size_t>(group)].to.size();
    for (std::size_t k = 0; k < n;) {
      const Group& g = groups_[static_cast<std::size_t>(group)];
      Receiver* const to = g.to[k];
      std::size_t end = k + 1;
      while (end < n && g.to[end] == to) ++end;
      completed_ += end - k;
      if (end == k + 1)  // a lone message (most under contention) skips the batch loop
        to->delivered(g.tags[k]);
      else
        to->delivered_all({g.tags.data() + k, end - k});
      k = end;
    }
    Group& g = groups_[static_cast<std::size_t>(group)];
    g.to.clear();
    g.tags.clear();
    free_.push_back(group);
  }

  EventEngine& engine_;
  std::vector<Group> groups_;
  std::vector<int> free_;
  int open_ = -1;  // the group later deliveries may join (−1: none)
  double open_at_ = 0;
  std::uint64_t open_seq_ = 0;
  std::uint64_t completed_ = 0;
};

}  // namespace csgd
