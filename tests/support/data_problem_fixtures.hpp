#pragma once
// Shared pieces of the model tests: row lists and the float/double agreement of a problem.
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "csgd/problem.hpp"

namespace csgd::testing {

using Rows = std::vector<std::vector<std::uint32_t>>;

// Every worker gets rows 0..n−1.
inline Rows all_rows(int n, int N = 1) {
  std::vector<std::uint32_t> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), 0u);
  return Rows(static_cast<std::size_t>(N), rows);
}

// ‖g32 − g64‖ / ‖g64‖ for worker 1's stochastic gradient at the double problem's initial point,
// both drawn from the same stream; `x64` and `x32` receive that point.
inline double float_double_gradient_gap(Problem<double>& p64, Problem<float>& p32, std::vector<double>& x64,
                                        std::vector<float>& x32) {
  x64.assign(static_cast<std::size_t>(p64.dimension()), 0.0);
  p64.initial_point(x64);
  x32.assign(x64.begin(), x64.end());
  std::vector<double> g64(x64.size());
  std::vector<float> g32(x64.size());
  Rng r64(5, stream::worker(1)), r32(5, stream::worker(1));
  p64.stochastic_gradient(1, x64, g64, r64);
  p32.stochastic_gradient(1, x32, g32, r32);
  double diff = 0, norm = 0;
  for (std::size_t k = 0; k < g64.size(); ++k) {
    diff += (g64[k] - g32[k]) * (g64[k] - g32[k]);
    norm += g64[k] * g64[k];
  }
  return std::sqrt(diff / norm);
}

}  // namespace csgd::testing
