#include "network/link_flows.hpp"

#include <stdexcept>
#include <string>

namespace csgd {

LinkFlows::LinkFlows(int links)
    : on_(static_cast<std::size_t>(links)), live_(static_cast<std::size_t>(links), 0), link_seen_(static_cast<std::size_t>(links), 0) {}

void LinkFlows::misuse(int flow, const char* what) {
  throw std::logic_error("LinkFlows: flow " + std::to_string(flow) + " " + what);
}

void LinkFlows::compact(std::vector<Entry>& list) {
  std::erase_if(list, [this](const Entry& e) { return !live(e); });
}

}  // namespace csgd
