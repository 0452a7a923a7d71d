#pragma once
// The theory-check problem with exactly known L, σ, κ and f* (see synthetic_problem.cpp).
#include <cstdint>
#include <memory>

#include "csgd/problem.hpp"

namespace csgd {

// Throws ValidationError("kappa", ...) when kappa > 0 and N = 1.
template <class S>
std::unique_ptr<Problem<S>> make_synthetic_problem(const ProblemSpec& spec, int N, std::uint64_t seed);

}  // namespace csgd
