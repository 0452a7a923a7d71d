#include "network/max_min_sharing.hpp"

#include <algorithm>
#include <functional>

namespace csgd {

MaxMinSharing::MaxMinSharing(std::vector<double> capacity)
    : capacity_(std::move(capacity)),
      left_(capacity_.size(), 0),
      unfixed_(capacity_.size(), 0),
      begin_(capacity_.size(), 0),
      end_(capacity_.size(), 0) {}

double MaxMinSharing::share(int link) const {
  const auto l = static_cast<std::size_t>(link);
  return std::max(left_[l], 0.0) / unfixed_[l];  // rounding may leave a hair below zero
}

void MaxMinSharing::solve(std::span<const std::span<const int>> routes, std::span<double> rates) {
  // Group flow indices by link: a counting sort over the links in use only.
  touched_.clear();
  for (const auto& route : routes)
    for (int l : route)
      if (unfixed_[static_cast<std::size_t>(l)]++ == 0) touched_.push_back(l);
  int total = 0;
  for (int l : touched_) {
    const auto i = static_cast<std::size_t>(l);
    total += unfixed_[i];
    begin_[i] = end_[i] = total;
    left_[i] = capacity_[i];
  }
  members_.resize(static_cast<std::size_t>(total));
  for (std::size_t f = routes.size(); f-- > 0;)  // from the back: each link's flows end up ascending
    for (int l : routes[f]) members_[static_cast<std::size_t>(--begin_[static_cast<std::size_t>(l)])] = static_cast<int>(f);

  heap_.clear();
  for (int l : touched_) heap_.emplace_back(share(l), l);
  const std::greater<> later;
  std::make_heap(heap_.begin(), heap_.end(), later);
  fixed_.assign(routes.size(), 0);

  // Progressive filling. Shares only grow as flows are fixed, so an entry whose share no longer
  // matches its link is stale and skipped; every link ends with unfixed_ = 0, ready for the next call.
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const auto [s, l] = heap_.back();
    heap_.pop_back();
    const auto i = static_cast<std::size_t>(l);
    if (unfixed_[i] == 0 || s != share(l)) continue;
    for (int m = begin_[i]; m < end_[i]; ++m) {
      const auto f = static_cast<std::size_t>(members_[static_cast<std::size_t>(m)]);
      if (fixed_[f]) continue;
      fixed_[f] = 1;
      rates[f] = s;
      for (int other : routes[f]) {
        const auto j = static_cast<std::size_t>(other);
        left_[j] -= s;
        if (--unfixed_[j] > 0 && other != l) {
          heap_.emplace_back(share(other), other);
          std::push_heap(heap_.begin(), heap_.end(), later);
        }
      }
    }
  }
}

}  // namespace csgd
