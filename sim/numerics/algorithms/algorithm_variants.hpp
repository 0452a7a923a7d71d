#pragma once
// Constructors of the algorithm variants, one source file each (see make_algorithm.cpp).
#include <memory>

#include "csgd/algorithm.hpp"

namespace csgd {

template <class S> std::unique_ptr<Algorithm<S>> make_pr_sgd_momentum(const AlgorithmSpec& spec);
template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_reset_momentum(const AlgorithmSpec& spec);
template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_local_momentum(const AlgorithmSpec& spec);
template <class S> std::unique_ptr<Algorithm<S>> make_decentralized_momentum(const AlgorithmSpec& spec, MixingMatrix W);

}  // namespace csgd
