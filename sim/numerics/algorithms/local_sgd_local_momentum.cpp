// Baseline: local momentum SGD that averages only the models x_i every I iterations; each
// worker keeps its own momentum buffer u_i (what common frameworks' model averagers do).
// Only x crosses the network.
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class LocalSgdLocalMomentum final : public PeriodicAveraging<S> {
 public:
  explicit LocalSgdLocalMomentum(const AlgorithmSpec& spec) : PeriodicAveraging<S>(spec, 1) {}  // x only

  std::string name() const override { return "local-sgd-local-momentum"; }

  void communicate(std::span<WorkerState<S>> workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
  }
};

}  // namespace

template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_local_momentum(const AlgorithmSpec& spec) {
  return std::make_unique<LocalSgdLocalMomentum<S>>(spec);
}
template std::unique_ptr<Algorithm<float>> make_local_sgd_local_momentum<float>(const AlgorithmSpec&);
template std::unique_ptr<Algorithm<double>> make_local_sgd_local_momentum<double>(const AlgorithmSpec&);

}  // namespace csgd
