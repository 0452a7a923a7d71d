// Baseline: local momentum SGD that averages only the models x_i every I iterations; each
// worker keeps its own momentum buffer u_i (what common frameworks' model averagers do).
// Only x crosses the network.
#include "csgd/algorithm_registry.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class LocalSgdLocalMomentum final : public PeriodicAveraging<S> {
 public:
  explicit LocalSgdLocalMomentum(const AlgorithmSpec& spec) : PeriodicAveraging<S>(spec, 1) {}  // x only

  std::string name() const override { return "local-sgd-local-momentum"; }

  void communicate(const WorkerBlock<S>& workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
  }
};

template <class S> std::unique_ptr<Algorithm<S>> make(const AlgorithmSpec& spec, const MixingMatrix*) {
  return std::make_unique<LocalSgdLocalMomentum<S>>(spec);
}

const bool registered = AlgorithmRegistry::add({
    .name = "local-sgd-local-momentum",
    .help = "baseline: every I steps average x, keep each worker's own u",
    .keys = {kSyncIntervalKey},
    .make_float = make<float>,
    .make_double = make<double>,
});

}  // namespace
}  // namespace csgd
