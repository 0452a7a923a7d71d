#pragma once
// Which flows cross which link, kept up to date as flows start and end, so that a rate update
// can find the flows a change may affect — the connected component of the sharing graph around
// the links where flows started or ended — in time proportional to that component, not to every
// flow in flight (SimGrid's "selective update"). Flows are small integer ids chosen by the caller.
//
// Removal is lazy: an ending flow only bumps its generation and the links' live counts, and its
// entries in the link lists die where they are (an entry is live while its generation is the
// flow's). A search drops the dead entries of every list it reads, and a list that only grows is
// compacted once it is twice its live size, so lists stay within about twice their live flows.
// Removing a flow thus touches no list — at 16k hosts those are cache misses, one or two per hop.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace csgd {

class LinkFlows {
 public:
  explicit LinkFlows(int links);

  // route: the link ids the flow crosses; both O(route length), whatever the flows per link.
  // Inline: each is on every message's path.
  // True when the flow is alone on every link of its route (no live flow was there before it).
  bool add(int flow, std::span<const int> route);
  void remove(int flow, std::span<const int> route);  // the same route it was added with

  // The flows sharing a link, directly or through other flows, with a link in `changed`, each
  // once, in no particular order. A link without flows contributes none. `route_of(flow)` gives a
  // flow's route. The span stays valid until the next call.
  template <class RouteOf>
  std::span<const int> component(std::span<const int> changed, RouteOf route_of);

  std::size_t flows_on(int link) const { return static_cast<std::size_t>(live_[static_cast<std::size_t>(link)]); }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] static void misuse(int flow, const char* what);
  bool mark_link(int link);  // true the first time `link` is seen in this search
  bool mark_flow(int flow);

  struct Entry {
    int flow;
    std::uint32_t generation;  // live while the flow's generation is still this
  };
  struct Flow {                // per flow id; the search's mark beside the generation it checks
    std::uint32_t generation = 0;
    std::uint32_t seen = 0;    // epoch of the last search that reached it
    int hops = -1;             // −1: not added
  };
  bool live(const Entry& e) const { return flows_[static_cast<std::size_t>(e.flow)].generation == e.generation; }
  void compact(std::vector<Entry>& list);

  std::vector<std::vector<Entry>> on_;  // per link: its flows, unordered, dead entries among them
  std::vector<int> live_;                // per link: its live entries (apart: most reads want only these)
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> link_seen_;  // epoch of the last search that reached it
  std::uint32_t epoch_ = 0;
  std::vector<int> queue_, found_;
};

[[gnu::always_inline]] inline bool LinkFlows::add(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= flows_.size()) flows_.resize(f + 1);
  Flow& x = flows_[f];
  if (x.hops >= 0) [[unlikely]]
    misuse(flow, "added twice");
  x.hops = static_cast<int>(route.size());
  bool alone = true;
  for (int l : route) {
    std::vector<Entry>& on = on_[static_cast<std::size_t>(l)];
    int& live = live_[static_cast<std::size_t>(l)];
    // A list no search has read lately: drop its dead entries once they are half of it — all of
    // them at once when none is live (a link each step reuses: no entry to test).
    if (live == 0) {
      on.clear();
    } else {
      alone = false;
      if (on.size() >= 2 * static_cast<std::size_t>(live) + 8) compact(on);
    }
    on.push_back({flow, x.generation});
    ++live;
  }
  return alone;
}

[[gnu::always_inline]] inline void LinkFlows::remove(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= flows_.size() || flows_[f].hops != static_cast<int>(route.size())) [[unlikely]]
    misuse(flow, "is not on these links");
  for (int l : route) --live_[static_cast<std::size_t>(l)];
  Flow& x = flows_[f];
  ++x.generation;  // its entries die where they are
  x.hops = -1;
}

inline bool LinkFlows::mark_link(int link) {
  auto& seen = link_seen_[static_cast<std::size_t>(link)];
  if (seen == epoch_) return false;
  seen = epoch_;
  return true;
}

inline bool LinkFlows::mark_flow(int flow) {
  auto& seen = flows_[static_cast<std::size_t>(flow)].seen;
  if (seen == epoch_) return false;
  seen = epoch_;
  return true;
}

template <class RouteOf>
std::span<const int> LinkFlows::component(std::span<const int> changed, RouteOf route_of) {
  if (++epoch_ == 0) {  // wrapped: forget every old mark
    std::fill(link_seen_.begin(), link_seen_.end(), 0u);
    for (Flow& f : flows_) f.seen = 0;
    epoch_ = 1;
  }
  queue_.clear();
  found_.clear();
  for (int l : changed)
    if (mark_link(l)) queue_.push_back(l);
  // Breadth-first over links: a link's flows, then their other links. Each list read is
  // compacted on the way (live entries slide forward over dead ones).
  for (std::size_t head = 0; head < queue_.size(); ++head) {
    std::vector<Entry>& list = on_[static_cast<std::size_t>(queue_[head])];
    std::size_t kept = 0;
    for (const Entry e : list) {
      if (!live(e)) continue;
      list[kept++] = e;
      if (!mark_flow(e.flow)) continue;
      found_.push_back(e.flow);
      for (int l : route_of(e.flow))
        if (mark_link(l)) queue_.push_back(l);
    }
    list.resize(kept);
  }
  return found_;
}

}  // namespace csgd
