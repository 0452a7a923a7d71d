#pragma once
// Which flows cross which link, kept up to date as flows start and end, so that a rate update
// can find the flows a change may affect — the connected component of the sharing graph around
// the links where flows started or ended — in time proportional to that component, not to every
// flow in flight (SimGrid's "selective update"). Flows are small integer ids chosen by the caller.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace csgd {

class LinkFlows {
 public:
  explicit LinkFlows(int links);

  // route: the link ids the flow crosses; both O(route length), whatever the flows per link.
  void add(int flow, std::span<const int> route);
  void remove(int flow, std::span<const int> route);  // the same route it was added with

  // The flows sharing a link, directly or through other flows, with a link in `changed`, each
  // once, in no particular order. A link without flows contributes none. `route_of(flow)` gives a
  // flow's route. The span stays valid until the next call.
  template <class RouteOf>
  std::span<const int> component(std::span<const int> changed, RouteOf route_of);

  std::size_t flows_on(int link) const { return on_[static_cast<std::size_t>(link)].size(); }

 private:
  bool mark_link(int link);  // true the first time `link` is seen in this search
  bool mark_flow(int flow);

  struct Entry {
    int flow, hop;  // the flow, and which link of its route this list is
  };
  std::vector<std::vector<Entry>> on_;  // per link: its flows, unordered
  // Per flow, per hop: its index in that link's list, in a segment of one shared array (no
  // allocation or header to chase per flow). A flow id keeps its segment for later flows of
  // that id; a longer route gets a segment twice as large at the end, so the array stays
  // within twice the longest routes the ids ever carried.
  struct Where {
    std::uint32_t offset = 0;
    int capacity = 0;
    int hops = -1;  // −1: not added
  };
  std::vector<Where> where_;
  std::vector<int> where_pool_;
  std::vector<std::uint32_t> link_seen_, flow_seen_;  // epoch of the last search that reached it
  std::uint32_t epoch_ = 0;
  std::vector<int> queue_, found_;
};

inline bool LinkFlows::mark_link(int link) {
  auto& seen = link_seen_[static_cast<std::size_t>(link)];
  if (seen == epoch_) return false;
  seen = epoch_;
  return true;
}

inline bool LinkFlows::mark_flow(int flow) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= flow_seen_.size()) flow_seen_.resize(f + 1, 0);
  if (flow_seen_[f] == epoch_) return false;
  flow_seen_[f] = epoch_;
  return true;
}

template <class RouteOf>
std::span<const int> LinkFlows::component(std::span<const int> changed, RouteOf route_of) {
  if (++epoch_ == 0) {  // wrapped: forget every old mark
    std::fill(link_seen_.begin(), link_seen_.end(), 0u);
    std::fill(flow_seen_.begin(), flow_seen_.end(), 0u);
    epoch_ = 1;
  }
  queue_.clear();
  found_.clear();
  for (int l : changed)
    if (mark_link(l)) queue_.push_back(l);
  // Breadth-first over links: a link's flows, then their other links.
  for (std::size_t head = 0; head < queue_.size(); ++head)
    for (const Entry& e : on_[static_cast<std::size_t>(queue_[head])]) {
      if (!mark_flow(e.flow)) continue;
      found_.push_back(e.flow);
      for (int l : route_of(e.flow))
        if (mark_link(l)) queue_.push_back(l);
    }
  return found_;
}

}  // namespace csgd
