#include "network/max_min_sharing.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace csgd {

MaxMinSharing::MaxMinSharing(std::vector<double> capacity)
    : capacity_(std::move(capacity)),
      left_(capacity_.size(), 0),
      usage_(capacity_.size(), 0),
      unfixed_(capacity_.size(), 0),
      begin_(capacity_.size(), 0),
      end_(capacity_.size(), 0) {}

double MaxMinSharing::share(int link) const {
  const auto l = static_cast<std::size_t>(link);
  return std::max(left_[l], 0.0) / unfixed_[l];  // rounding may leave a hair below zero
}

double MaxMinSharing::weighted_share(int link) const {
  const auto l = static_cast<std::size_t>(link);
  return std::max(left_[l], 0.0) / usage_[l];
}

// Counts the flows of every link in use into unfixed_ and lists those links in touched_; true if
// no link carries two of them.
bool MaxMinSharing::count_by_link(std::span<const std::span<const int>> routes) {
  touched_.clear();
  bool alone = true;
  for (const auto& route : routes)
    for (int l : route)
      if (unfixed_[static_cast<std::size_t>(l)]++ == 0)
        touched_.push_back(l);
      else
        alone = false;
  return alone;
}

// Groups flow indices by link, a counting sort over the links in use only (counted already):
// members_[begin_[l], end_[l]) are link l's flows, ascending; unfixed_[l] their count; left_[l]
// its capacity.
void MaxMinSharing::group_by_link(std::span<const std::span<const int>> routes) {
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
}

void MaxMinSharing::solve(std::span<const std::span<const int>> routes, std::span<double> rates, FlowTerms terms) {
  if (!terms.weights.empty() || !terms.bounds.empty()) return solve_weighted(routes, rates, terms);
  if (count_by_link(routes)) {
    // No link is shared (every step of a ring on a ring, say): progressive filling would fix each
    // flow at its first-popped link's share, capacity ÷ 1 — its route's smallest capacity.
    for (std::size_t f = 0; f < routes.size(); ++f) rates[f] = smallest_capacity(routes[f]);
    for (int l : touched_) unfixed_[static_cast<std::size_t>(l)] = 0;
    return;
  }
  group_by_link(routes);
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

bool MaxMinSharing::may_bind(std::span<const int> route, double bound) const {
  return std::isfinite(bound) && bound < 2 * smallest_capacity(route);
}

// The weighted solve for one flow: its links' levels are capacity / w (usage is w alone), the
// lowest — the smallest capacity's, as rounding keeps the order of quotients by one w — pops
// first unless the bound's entry is as low (a bound's id sorts first on a tie), and then fixes
// the flow at min(level × w, bound).
double MaxMinSharing::alone_rate(std::span<const int> route, double weight, double bound) const {
  const double level = smallest_capacity(route) / weight;
  if (may_bind(route, bound) && bound / weight <= level) return bound;
  return std::min(level * weight, bound);
}

// Progressive filling over levels of "rate per unit of weight": a link at level s fixes each of
// its unfixed flows at s·w_f; a bounded flow reaches its bound b_f at level b_f / w_f, an entry of
// its own in the heap (encoded as link −1 − f). Equal weights and no bounds give solve()'s rates.
void MaxMinSharing::solve_weighted(std::span<const std::span<const int>> routes, std::span<double> rates,
                                   FlowTerms terms) {
  const auto weight = [&](std::size_t f) { return terms.weights.empty() ? 1.0 : terms.weights[f]; };
  const auto bound = [&](std::size_t f) {
    return terms.bounds.empty() ? std::numeric_limits<double>::infinity() : terms.bounds[f];
  };
  count_by_link(routes);
  group_by_link(routes);
  for (int l : touched_) usage_[static_cast<std::size_t>(l)] = 0;
  for (std::size_t f = 0; f < routes.size(); ++f)
    for (int l : routes[f]) usage_[static_cast<std::size_t>(l)] += weight(f);
  heap_.clear();
  for (int l : touched_) heap_.emplace_back(weighted_share(l), l);
  // A bound entry only for a flow whose bound may bind: a flow's rate never exceeds a link of its
  // route (s·w_f ≤ left ≤ capacity while it is unfixed there), so it is fixed by a link before
  // the level reaches bound/w_f once bound ≥ 2 × its smallest capacity (2: room for rounding in
  // the running sums), and min(s·w_f, bound) is then s·w_f. The TCP window bound of CM02 is
  // mostly hundreds of times the link rate: skipping those entries halves the heap.
  for (std::size_t f = 0; f < routes.size(); ++f)
    if (may_bind(routes[f], bound(f))) heap_.emplace_back(bound(f) / weight(f), -1 - static_cast<int>(f));
  const std::greater<> later;
  std::make_heap(heap_.begin(), heap_.end(), later);
  fixed_.assign(routes.size(), 0);

  const auto fix = [&](std::size_t f, double rate, int at) {
    fixed_[f] = 1;
    rates[f] = rate;
    for (int other : routes[f]) {
      const auto j = static_cast<std::size_t>(other);
      left_[j] -= rate;
      usage_[j] -= weight(f);
      if (--unfixed_[j] > 0 && other != at) {
        heap_.emplace_back(weighted_share(other), other);
        std::push_heap(heap_.begin(), heap_.end(), later);
      }
    }
  };
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const auto [s, l] = heap_.back();
    heap_.pop_back();
    if (l < 0) {  // a flow reaching its own bound before any of its links fills
      const auto f = static_cast<std::size_t>(-1 - l);
      if (!fixed_[f]) fix(f, bound(f), -1);
      continue;
    }
    const auto i = static_cast<std::size_t>(l);
    if (unfixed_[i] == 0 || s != weighted_share(l)) continue;
    for (int m = begin_[i]; m < end_[i]; ++m) {
      const auto f = static_cast<std::size_t>(members_[static_cast<std::size_t>(m)]);
      if (!fixed_[f]) fix(f, std::min(s * weight(f), bound(f)), l);
    }
  }
}

}  // namespace csgd
