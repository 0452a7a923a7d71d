#pragma once
// Max-min fair rates of flows over capacitated links by progressive filling: repeatedly the link
// with the smallest fair share (remaining capacity ÷ flows not yet fixed) fixes the rate of every
// flow through it. Scratch buffers are kept between calls, so a solve allocates nothing once they
// have grown, and only links that carry a flow are touched: O(P log P) for P = Σ route lengths.
#include <span>
#include <utility>
#include <vector>

namespace csgd {

class MaxMinSharing {
 public:
  explicit MaxMinSharing(std::vector<double> capacity);  // per link id

  // rates[i] = the max-min fair rate of the flow over routes[i] (non-empty, link ids).
  void solve(std::span<const std::span<const int>> routes, std::span<double> rates);

 private:
  double share(int link) const;

  std::vector<double> capacity_, left_;    // per link: capacity, capacity not yet handed out
  std::vector<int> unfixed_, begin_, end_;  // per link: flows without a rate; members_ range
  std::vector<int> touched_, members_;      // links in use; flows of each link, by flow index
  std::vector<char> fixed_;                 // per flow
  std::vector<std::pair<double, int>> heap_;  // (share, link), lazily updated min-heap
};

}  // namespace csgd
