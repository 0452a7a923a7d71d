#include "network/link_flows.hpp"

#include <stdexcept>
#include <string>

namespace csgd {

LinkFlows::LinkFlows(int links)
    : links_(static_cast<std::size_t>(links)), link_seen_(static_cast<std::size_t>(links), 0) {}

void LinkFlows::add(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= flows_.size()) flows_.resize(f + 1);
  Flow& x = flows_[f];
  if (x.hops >= 0) throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " added twice");
  x.hops = static_cast<int>(route.size());
  for (int l : route) {
    Link& link = links_[static_cast<std::size_t>(l)];
    // A list no search has read lately: drop its dead entries once they are half of it — all of
    // them at once when none is live (a link each step reuses: no entry to test).
    if (link.live == 0) link.on.clear();
    else if (link.on.size() >= 2 * static_cast<std::size_t>(link.live) + 8) compact(link.on);
    link.on.push_back({flow, x.generation});
    ++link.live;
  }
}

void LinkFlows::remove(int flow, std::span<const int> route) {
  const auto f = static_cast<std::size_t>(flow);
  if (f >= flows_.size() || flows_[f].hops != static_cast<int>(route.size()))
    throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " is not on these links");
  for (int l : route) --links_[static_cast<std::size_t>(l)].live;
  Flow& x = flows_[f];
  ++x.generation;  // its entries die where they are
  x.hops = -1;
}

void LinkFlows::compact(std::vector<Entry>& list) {
  std::erase_if(list, [this](const Entry& e) { return !live(e); });
}

}  // namespace csgd
