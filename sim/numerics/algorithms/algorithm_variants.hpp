#pragma once
// What Algorithm 1 and its baselines share: an all-reduce every I-th iteration. Each algorithm
// is one source file that registers itself (csgd/algorithm_registry.hpp).
#include <memory>

#include "csgd/algorithm.hpp"

namespace csgd {

// Algorithm 1 and its baselines: free local steps, and an all-reduce round every I-th iteration
// carrying `copies` parameter vectors (x and u: 2; x alone: 1).
template <class S>
class PeriodicAveraging : public Algorithm<S> {
 public:
  PeriodicAveraging(const AlgorithmSpec& spec, int copies)
      : Algorithm<S>(static_cast<S>(spec.beta), spec.nesterov), I_(spec.I), copies_(copies) {}

  std::optional<CommRound> round_after(std::int64_t t, double model_bytes) const final {
    if (t % I_ != 0) return std::nullopt;
    return CommRound{RoundKind::all_reduce, copies_ * model_bytes};
  }

 private:
  std::int64_t I_;
  int copies_;
};

}  // namespace csgd
