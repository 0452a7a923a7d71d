// Hierarchical ring all-reduce over hosts laid out row-major on a grid d0 × d1 × … × d(k−1) (the
// last side varies fastest; host (c0, …, c(k−1)) = Σ c_j · Π_{i>j} d_i). With P_j = Π_{i≥j} d_i:
//   (1) for j = k−1 down to 1: ring reduce-scatter along side j, chunks of M/P_j, d_j − 1 steps —
//       afterwards a host holds one shard of M/P_j reduced over its sub-grid of sides ≥ j;
//   (2) ring all-reduce of that shard along side 0, chunks M/N, 2(d0 − 1) steps;
//   (3) for j = 1 up to k−1: ring all-gather along side j, chunks M/P_j, d_j − 1 steps.
// On 2 sides (rows × cols) that is row reduce-scatter, column all-reduce, row all-gather. Rows map
// to a torus dimension, the hosts of one leaf or edge switch, or a pod, so most bytes stay local:
// per host 2·Σ_j (d_j − 1)/P_j · M bytes over Σ_j 2(d_j − 1) steps, instead of a flat ring's 2(N−1).
// Steps are send-receive pairs as in ring_allreduce.cpp.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <utility>

#include "csgd/collective_registry.hpp"
#include "csgd/errors.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

class HierarchicalRing final : public CollectiveProgram {
 public:
  HierarchicalRing(std::vector<int> grid, double M) : grid_(std::move(grid)) {
    const int k = static_cast<int>(grid_.size());
    stride_.assign(grid_.size(), 1);
    for (int j = k - 2; j >= 0; --j) stride_[static_cast<std::size_t>(j)] = stride_[static_cast<std::size_t>(j) + 1] * side(j + 1);
    const auto chunk = [&](int j) { return M / (static_cast<double>(stride_[static_cast<std::size_t>(j)]) * side(j)); };
    for (int j = k - 1; j >= 1; --j) add_phase(j, side(j) - 1, chunk(j));
    add_phase(0, 2 * (side(0) - 1), chunk(0));
    for (int j = 1; j < k; ++j) add_phase(j, side(j) - 1, chunk(j));
  }

  int hosts() const override { return stride_.front() * grid_.front(); }
  int steps(int) const override { return steps_; }

  void write_step(int host, int s, CollectiveStep& out) const override { out = at(host, s); }

 private:
  CollectiveStep at(int host, int s) const {
    // The phase holding step s: the last phase beginning at or before it.
    const auto it = std::upper_bound(phases_.begin(), phases_.end(), s, [](int v, const Phase& p) { return v < p.begin; }) - 1;
    const int j = it->side, stride = stride_[static_cast<std::size_t>(j)];
    const int c = host / stride % side(j);
    const int next = host + ((c + 1) % side(j) - c) * stride, prev = host + ((c + side(j) - 1) % side(j) - c) * stride;
    return {.send_to = next, .send_bytes = it->chunk, .dst_step = s, .recv_from = prev, .await_send = true};
  }

  struct Phase {
    int begin, side;  // first step; the grid side it runs along
    double chunk;     // bytes per message
  };
  int side(int j) const { return grid_[static_cast<std::size_t>(j)]; }
  void add_phase(int j, int steps, double chunk) {
    if (steps == 0) return;  // a side of 1 has no ring
    phases_.push_back({steps_, j, chunk});
    steps_ += steps;
  }

  std::vector<int> grid_, stride_;
  std::vector<Phase> phases_;
  int steps_ = 0;
};

}  // namespace

std::unique_ptr<CollectiveProgram> hierarchical_ring_program(std::vector<int> grid, double M) {
  return std::make_unique<HierarchicalRing>(std::move(grid), M);
}

namespace {

const bool registered = CollectiveRegistry::add({
    .name = "hierarchical-ring",
    .help = "over a host grid: ring reduce-scatter along rows, then along each coarser side, ring all-reduce "
            "along the first, ring all-gathers back",
    .program = [](const CollectiveSpec& c, int, double M) { return hierarchical_ring_program(c.grid, M); },
    .validate = [](const CollectiveSpec& c, int N) {
      const long long hosts = std::accumulate(c.grid.begin(), c.grid.end(), 1LL, std::multiplies<>{});
      const bool positive = std::all_of(c.grid.begin(), c.grid.end(), [](int d) { return d >= 1; });
      if (c.grid.empty() || !positive || hosts != N)
        throw ValidationError("collective", fmt::format("hierarchical-ring needs a grid layout of the {} hosts (a "
                                                        "torus, mesh, leaf-spine or fat-tree topology); got [{}]",
                                                        N, fmt::join(c.grid, " × ")));
    },
});

}  // namespace
}  // namespace csgd
