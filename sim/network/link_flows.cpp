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
  auto& where = where_[f];  // a reused id keeps its capacity: no allocation in steady state
  if (!where.empty()) throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " added twice");
  for (std::size_t hop = 0; hop < route.size(); ++hop) {
    auto& list = on_[static_cast<std::size_t>(route[hop])];
    where.push_back(static_cast<int>(list.size()));
    list.push_back({flow, static_cast<int>(hop)});
  }
}

void LinkFlows::remove(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= where_.size() || where_[f].size() != route.size())
    throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " is not on these links");
  for (std::size_t hop = 0; hop < route.size(); ++hop) {
    auto& list = on_[static_cast<std::size_t>(route[hop])];
    const auto at = static_cast<std::size_t>(where_[f][hop]);
    // The last entry moves into the hole: order within a link does not matter (callers order
    // what they find).
    const Entry moved = list.back();
    list[at] = moved;
    where_[static_cast<std::size_t>(moved.flow)][static_cast<std::size_t>(moved.hop)] = static_cast<int>(at);
    list.pop_back();
  }
  where_[f].clear();
}

}  // namespace csgd
