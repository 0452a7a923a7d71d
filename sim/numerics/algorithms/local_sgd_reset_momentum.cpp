// Baseline of Remark 1 (CNTK-style model averaging): local momentum SGD, and every I
// iterations average the models x_i and reset every momentum buffer u_i to zero.
// Only x crosses the network.
#include "numerics/algorithms/algorithm_variants.hpp"
#include "numerics/algorithms/node_average.hpp"

namespace csgd {
namespace {

template <class S>
class LocalSgdResetMomentum final : public Algorithm<S> {
 public:
  explicit LocalSgdResetMomentum(const AlgorithmSpec& spec)
      : Algorithm<S>(static_cast<S>(spec.beta), spec.nesterov), I_(spec.I) {}

  std::string name() const override { return "local-sgd-reset-momentum"; }

  std::optional<CommRound> round_after(std::int64_t t, double model_bytes) const override {
    if (t % I_ != 0) return std::nullopt;
    return CommRound{RoundKind::all_reduce, model_bytes};  // x only
  }

  void communicate(std::span<WorkerState<S>> workers) const override {
    replace_by_node_average(workers, &WorkerState<S>::x);
    for (auto& w : workers) w.u.setZero();
  }

 private:
  std::int64_t I_;
};

}  // namespace

template <class S> std::unique_ptr<Algorithm<S>> make_local_sgd_reset_momentum(const AlgorithmSpec& spec) {
  return std::make_unique<LocalSgdResetMomentum<S>>(spec);
}
template std::unique_ptr<Algorithm<float>> make_local_sgd_reset_momentum<float>(const AlgorithmSpec&);
template std::unique_ptr<Algorithm<double>> make_local_sgd_reset_momentum<double>(const AlgorithmSpec&);

}  // namespace csgd
