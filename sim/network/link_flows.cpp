#include "network/link_flows.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace csgd {

LinkFlows::LinkFlows(int links)
    : on_(static_cast<std::size_t>(links)), link_seen_(static_cast<std::size_t>(links), 0) {}

void LinkFlows::add(int flow, std::span<const int> route) {
  for (int l : route) on_[static_cast<std::size_t>(l)].push_back(flow);
}

void LinkFlows::remove(int flow, std::span<const int> route) {
  for (int l : route) {
    auto& flows = on_[static_cast<std::size_t>(l)];
    const auto it = std::find(flows.begin(), flows.end(), flow);
    if (it == flows.end())
      throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " is not on link " + std::to_string(l));
    *it = flows.back();  // order within a link does not matter: callers order what they find
    flows.pop_back();
  }
}

}  // namespace csgd
