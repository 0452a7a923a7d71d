// Baseline of Remark 1 (CNTK-style model averaging): local momentum SGD, and every I
// iterations average the models x_i and reset every momentum buffer u_i to zero.
// Only x crosses the network.
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class LocalSgdResetMomentum final : public PeriodicAveraging<S> {
 public:
  explicit LocalSgdResetMomentum(const AlgorithmSpec& spec) : PeriodicAveraging<S>(spec, 1) {}  // x only

  std::string name() const override { return "local-sgd-reset-momentum"; }

  void communicate(std::span<WorkerState<S>> workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
    for (auto& w : workers) w.u.setZero();
  }
};

}  // namespace

template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_reset_momentum(const AlgorithmSpec& spec) {
  return std::make_unique<LocalSgdResetMomentum<S>>(spec);
}
template std::unique_ptr<Algorithm<float>> make_local_sgd_reset_momentum<float>(const AlgorithmSpec&);
template std::unique_ptr<Algorithm<double>> make_local_sgd_reset_momentum<double>(const AlgorithmSpec&);

}  // namespace csgd
