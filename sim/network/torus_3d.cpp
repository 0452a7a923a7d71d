// torus-3d: a 3-D torus whose sides need not be given — the most cubic x ≤ y ≤ z with x·y·z = N
// (the shape of TPU-pod and Blue Gene style networks). A preset of `torus` with `dims: [x, y, z]`,
// and the worked example of adding a topology in one file (README, "Adding a topology").
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "csgd/graphs.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd::topology {
namespace {

// x: the largest divisor of N with x³ ≤ N; then y × z the squarest factorization of N / x.
std::vector<int> cubic_sides(int N) {
  int x = 1;
  for (int d = 1; static_cast<long long>(d) * d * d <= N; ++d)
    if (N % d == 0) x = d;
  const auto [y, z] = squarest_factorization(N / x);
  std::vector<int> sides{x, y, z};
  std::sort(sides.begin(), sides.end());  // a prime N / x gives 1 × N/x
  return sides;
}

const bool registered = TopologyRegistry::add({
    .name = "torus-3d",
    .help = "3-D torus with the most cubic sides x ≤ y ≤ z, x·y·z = N (torus with dims [x, y, z])",
    .build = [](const TopologySpec&, int N, const LinkDefaults& d) { return grid("torus", cubic_sides(N), N, d, true); },
    .host_grid = [](const TopologySpec&, const PhysicalTopology& t) -> std::optional<std::vector<int>> {
      return cubic_sides(t.hosts);  // as built: x × y × z, z fastest
    },
});

}  // namespace
}  // namespace csgd::topology
