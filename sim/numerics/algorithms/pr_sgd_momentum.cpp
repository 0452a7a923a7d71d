// Algorithm 1, PR-SGD-Momentum: local momentum steps (4)/(5); every I iterations both the
// models x_i AND the momentum buffers u_i are replaced by their node averages, eq. (6).
// I = 1 is classical parallel mini-batch momentum SGD; β = 0 is local SGD.
#include "csgd/algorithm_registry.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class PrSgdMomentum final : public PeriodicAveraging<S> {
 public:
  explicit PrSgdMomentum(const AlgorithmSpec& spec) : PeriodicAveraging<S>(spec, 2) {}  // x and u

  std::string name() const override { return "pr-sgd-momentum"; }

  void communicate(const WorkerBlock<S>& workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
    replace_by_node_average(workers, &WorkerState<S>::u);
  }
};

template <class S> std::unique_ptr<Algorithm<S>> make(const AlgorithmSpec& spec, const MixingMatrix*) {
  return std::make_unique<PrSgdMomentum<S>>(spec);
}

const bool registered = AlgorithmRegistry::add({
    .name = "pr-sgd-momentum",
    .help = "Algorithm 1: local momentum steps; every I steps average x AND u (eq. 6)",
    .keys = {kSyncIntervalKey},
    .make_float = make<float>,
    .make_double = make<double>,
});

}  // namespace
}  // namespace csgd
