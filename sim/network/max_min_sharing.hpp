#pragma once
// Max-min fair rates of flows over capacitated links by progressive filling: repeatedly the link
// with the smallest fair share (remaining capacity ÷ flows not yet fixed) fixes the rate of every
// flow through it. Scratch buffers are kept between calls, so a solve allocates nothing once they
// have grown, and only links that carry a flow are touched: O(P log P) for P = Σ route lengths.
// solve_changed re-solves only the components of the sharing graph that a change touched (the
// "selective update" of SimGrid's lazy models), with the same bits as a full solve.
// Weighted max-min (FlowTerms): on a shared bottleneck each flow gets a share proportional to its
// weight, and a flow never exceeds its own bound: SimGrid's LMM with sharing penalty 1/weight and
// variable bounds (its CM02 and LV08 models, sharing_models in flow_network.cpp).
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

  // As solve, but only for the flows that share a link, directly or through other flows, with a
  // link in `changed` (links where a flow started or ended); every other flow keeps its rate.
  // Progressive filling never mixes numbers of different components, and a component's own steps
  // keep their order whatever else is in the heap, so this equals solve() bit for bit when the
  // other flows' rates came from a solve of the same flows. O(P) to find the components.
  // Returns how many flows it re-solved.
  std::size_t solve_changed(std::span<const std::span<const int>> routes, std::span<const int> changed,
                            std::span<double> rates, FlowTerms terms = {});

 private:
  void group_by_link(std::span<const std::span<const int>> routes);
  double share(int link) const;
  double weighted_share(int link) const;  // capacity left per unit of unfixed weight
  void solve_weighted(std::span<const std::span<const int>> routes, std::span<double> rates, FlowTerms terms);
  int root(int link);  // union-find over the links in use (epoch_ marks which are initialised)

  std::vector<double> capacity_, left_;    // per link: capacity, capacity not yet handed out
  std::vector<double> usage_;               // per link: Σ weights of its unfixed flows (weighted solve)
  std::vector<int> unfixed_, begin_, end_;  // per link: flows without a rate; members_ range
  std::vector<int> touched_, members_;      // links in use; flows of each link, by flow index
  std::vector<char> fixed_;                 // per flow
  std::vector<std::pair<double, int>> heap_;  // (share, link), lazily updated min-heap

  // solve_changed's scratch: per link a union-find parent, the epoch it was last set in, and the
  // epoch its component was last marked changed in; the flows to re-solve and their routes/rates.
  std::vector<int> parent_;
  std::vector<unsigned> in_use_, changed_;
  unsigned epoch_ = 0;
  std::vector<int> picked_;
  std::vector<std::span<const int>> picked_routes_;
  std::vector<double> picked_rates_, picked_weights_, picked_bounds_;
};

}  // namespace csgd
