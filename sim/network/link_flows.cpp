#include "network/link_flows.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace csgd {

LinkFlows::LinkFlows(int links)
    : on_(static_cast<std::size_t>(links)), link_seen_(static_cast<std::size_t>(links), 0) {}

void LinkFlows::add(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= where_.size()) where_.resize(f + 1);
  Where& w = where_[f];
  if (w.hops >= 0) throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " added twice");
  const int hops = static_cast<int>(route.size());
  if (hops > w.capacity) {
    w.capacity = std::max(hops, 2 * w.capacity);
    w.offset = static_cast<std::uint32_t>(where_pool_.size());
    where_pool_.resize(where_pool_.size() + static_cast<std::size_t>(w.capacity));
  }
  int* where = where_pool_.data() + w.offset;
  for (std::size_t hop = 0; hop < route.size(); ++hop) {
    auto& list = on_[static_cast<std::size_t>(route[hop])];
    where[hop] = static_cast<int>(list.size());
    list.push_back({flow, static_cast<int>(hop)});
  }
  w.hops = hops;
}

void LinkFlows::remove(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= where_.size() || where_[f].hops != static_cast<int>(route.size()))
    throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " is not on these links");
  const int* where = where_pool_.data() + where_[f].offset;
  for (std::size_t hop = 0; hop < route.size(); ++hop) {
    auto& list = on_[static_cast<std::size_t>(route[hop])];
    const auto at = static_cast<std::size_t>(where[hop]);
    // The last entry moves into the hole: order within a link does not matter (callers order
    // what they find).
    const Entry moved = list.back();
    list[at] = moved;
    where_pool_[where_[static_cast<std::size_t>(moved.flow)].offset + static_cast<std::size_t>(moved.hop)] = static_cast<int>(at);
    list.pop_back();
  }
  where_[f].hops = -1;
}

}  // namespace csgd
