#pragma once
// Max-min fair rates of flows over capacitated links by progressive filling: repeatedly the link
// with the smallest fair share (remaining capacity ÷ flows not yet fixed) fixes the rate of every
// flow through it. Scratch buffers are kept between calls, so a solve allocates nothing once they
// have grown, and only links that carry a flow are touched: O(P log P) for P = Σ route lengths.
// Progressive filling never mixes numbers of different components of the sharing graph, and a
// component's own steps keep their order whatever else is in the heap, so solving one component
// alone (its flows in the same relative order) gives a full solve's bits: the flow network
// re-solves only the component a change touched (link_flows.hpp).
// Weighted max-min (FlowTerms): on a shared bottleneck each flow gets a share proportional to its
// weight, and a flow never exceeds its own bound: SimGrid's LMM with sharing penalty 1/weight and
// variable bounds (its CM02 and LV08 models, sharing_models in flow_network.cpp).
#include <algorithm>
#include <span>
#include <utility>
#include <vector>

namespace csgd {

// Per-flow terms of weighted max-min: empty spans mean weight 1 and no bound for every flow.
struct FlowTerms {
  std::span<const double> weights;  // > 0: on a shared bottleneck, rates are proportional to weights
  std::span<const double> bounds;   // > 0, +∞ for none: the flow's own cap on its rate
};

class MaxMinSharing {
 public:
  explicit MaxMinSharing(std::vector<double> capacity);  // per link id

  // rates[i] = the max-min fair rate of the flow over routes[i] (non-empty, link ids).
  void solve(std::span<const std::span<const int>> routes, std::span<double> rates, FlowTerms terms = {});

  // What solve() gives a flow alone on every link of its route (unweighted): its smallest capacity.
  double smallest_capacity(std::span<const int> route) const {
    double rate = capacity_[static_cast<std::size_t>(route.front())];
    for (int l : route) rate = std::min(rate, capacity_[static_cast<std::size_t>(l)]);
    return rate;
  }
  // The same with a weight and a bound, bit for bit what the weighted solve gives it.
  double alone_rate(std::span<const int> route, double weight, double bound) const;

 private:
  bool count_by_link(std::span<const std::span<const int>> routes);
  void group_by_link(std::span<const std::span<const int>> routes);
  double share(int link) const;
  double weighted_share(int link) const;  // capacity left per unit of unfixed weight
  bool may_bind(std::span<const int> route, double bound) const;  // a bound that needs its heap entry
  void solve_weighted(std::span<const std::span<const int>> routes, std::span<double> rates, FlowTerms terms);

  std::vector<double> capacity_, left_;    // per link: capacity, capacity not yet handed out
  std::vector<double> usage_;               // per link: Σ weights of its unfixed flows (weighted solve)
  std::vector<int> unfixed_, begin_, end_;  // per link: flows without a rate; members_ range
  std::vector<int> touched_, members_;      // links in use; flows of each link, by flow index
  std::vector<char> fixed_;                 // per flow
  std::vector<std::pair<double, int>> heap_;  // (share, link), lazily updated min-heap
};

}  // namespace csgd
