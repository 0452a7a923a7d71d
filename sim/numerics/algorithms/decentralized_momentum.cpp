// Algorithm 2, decentralized momentum SGD: every iteration each worker takes the local step
// (16)/(17) to x̃_i, ũ_i, then replaces both by the neighbourhood averages of eq. (18):
// u_i = Σ_j ũ_j W_ji, x_i = Σ_j x̃_j W_ji. β = 0 is D-PSGD.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "csgd/algorithm_registry.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"

namespace csgd {
namespace {

constexpr Eigen::Index kBlock = 4096;

template <class S>
class DecentralizedMomentum final : public Algorithm<S> {
 public:
  DecentralizedMomentum(const AlgorithmSpec& spec, MixingMatrix W)
      : Algorithm<S>(static_cast<S>(spec.beta), spec.nesterov), W_(std::move(W)) {}

  std::string name() const override { return "decentralized-momentum"; }

  std::optional<CommRound> round_after(std::int64_t, double model_bytes) const override {
    return CommRound{RoundKind::neighbour_exchange, 2 * model_bytes};  // x̃ and ũ
  }

  void prepare(WorkerState<S>& w) const override {
    w.mix_x.resize(w.x.size());
    w.mix_u.resize(w.u.size());
  }

  void communicate(std::span<WorkerState<S>> workers) const override {
    // Eq. (18) reads every x̃_j before any x_i changes, so mix into the buffers, then swap.
    const Eigen::Index m = workers.front().x.size();
    const Eigen::Index blocks = (m + kBlock - 1) / kBlock;
    const auto tasks = static_cast<Eigen::Index>(workers.size()) * blocks;
    tbb::parallel_for(Eigen::Index{0}, tasks, [&](Eigen::Index task) {
      const auto i = static_cast<std::size_t>(task / blocks);
      const Eigen::Index begin = (task % blocks) * kBlock, len = std::min(kBlock, m - begin);
      mix(workers, i, begin, len, &WorkerState<S>::x, &WorkerState<S>::mix_x);
      mix(workers, i, begin, len, &WorkerState<S>::u, &WorkerState<S>::mix_u);
    });
    for (auto& w : workers) {
      w.x.swap(w.mix_x);
      w.u.swap(w.mix_u);
    }
  }

  const MixingMatrix* mixing() const override { return &W_; }

 private:
  // out_i = Σ_j W_ji in_j over one block of coordinates, j ascending (fixed order).
  void mix(std::span<WorkerState<S>> workers, std::size_t i, Eigen::Index begin, Eigen::Index len,
           Vector<S> WorkerState<S>::*in, Vector<S> WorkerState<S>::*out) const {
    auto target = (workers[i].*out).segment(begin, len);
    bool first = true;
    for (const auto& [j, weight] : W_.in_weights[i]) {
      const auto source = (workers[static_cast<std::size_t>(j)].*in).segment(begin, len);
      if (first) {
        target = static_cast<S>(weight) * source;
        first = false;
      } else {
        target += static_cast<S>(weight) * source;
      }
    }
  }

  MixingMatrix W_;
};

template <class S> std::unique_ptr<Algorithm<S>> make(const AlgorithmSpec& spec, const MixingMatrix* W) {
  return std::make_unique<DecentralizedMomentum<S>>(spec, *W);
}

const bool registered = AlgorithmRegistry::add({
    .name = "decentralized-momentum",
    .help = "Algorithm 2: every step mix x and u with the doubly stochastic W (eqs. 16-18)",
    .mixes = true,
    .make_float = make<float>,
    .make_double = make<double>,
});

}  // namespace
}  // namespace csgd
