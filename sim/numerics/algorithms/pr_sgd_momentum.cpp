// Algorithm 1, PR-SGD-Momentum: local momentum steps (4)/(5); every I iterations both the
// models x_i AND the momentum buffers u_i are replaced by their node averages, eq. (6).
// I = 1 is classical parallel mini-batch momentum SGD; β = 0 is local SGD.
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class PrSgdMomentum final : public PeriodicAveraging<S> {
 public:
  explicit PrSgdMomentum(const AlgorithmSpec& spec) : PeriodicAveraging<S>(spec, 2) {}  // x and u

  std::string name() const override { return "pr-sgd-momentum"; }

  void communicate(std::span<WorkerState<S>> workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
    replace_by_node_average(workers, &WorkerState<S>::u);
  }
};

}  // namespace

template <class S> std::unique_ptr<Algorithm<S>> make_pr_sgd_momentum(const AlgorithmSpec& spec) {
  return std::make_unique<PrSgdMomentum<S>>(spec);
}
template std::unique_ptr<Algorithm<float>> make_pr_sgd_momentum<float>(const AlgorithmSpec&);
template std::unique_ptr<Algorithm<double>> make_pr_sgd_momentum<double>(const AlgorithmSpec&);

}  // namespace csgd
