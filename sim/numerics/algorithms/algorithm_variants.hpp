#pragma once
// Constructors of the algorithm variants, one source file each (see make_algorithm.cpp).
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

template <class S> std::unique_ptr<Algorithm<S>> make_pr_sgd_momentum(const AlgorithmSpec& spec);
template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_reset_momentum(const AlgorithmSpec& spec);
template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_local_momentum(const AlgorithmSpec& spec);
template <class S> std::unique_ptr<Algorithm<S>> make_decentralized_momentum(const AlgorithmSpec& spec, MixingMatrix W);

}  // namespace csgd
