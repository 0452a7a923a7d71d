// Baseline of Remark 1 (CNTK-style model averaging): local momentum SGD, and every I
// iterations average the models x_i and reset every momentum buffer u_i to zero.
// Only x crosses the network.
#include "csgd/algorithm_registry.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class LocalSgdResetMomentum final : public PeriodicAveraging<S> {
 public:
  explicit LocalSgdResetMomentum(const AlgorithmSpec& spec) : PeriodicAveraging<S>(spec, 1) {}  // x only

  std::string name() const override { return "local-sgd-reset-momentum"; }

  void communicate(const WorkerBlock<S>& workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
    for (auto& w : workers.local) w.u.setZero();
  }
};

template <class S> std::unique_ptr<Algorithm<S>> make(const AlgorithmSpec& spec, const MixingMatrix*) {
  return std::make_unique<LocalSgdResetMomentum<S>>(spec);
}

const bool registered = AlgorithmRegistry::add({
    .name = "local-sgd-reset-momentum",
    .help = "baseline: every I steps average x and reset u to 0 (Remark 1)",
    .keys = {kSyncIntervalKey},
    .make_float = make<float>,
    .make_double = make<double>,
});

}  // namespace
}  // namespace csgd
