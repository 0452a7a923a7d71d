#include "csgd/errors.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"

namespace csgd {

template <class S>
std::unique_ptr<Algorithm<S>> make_algorithm(const AlgorithmSpec& spec, int N) {
  spec.validate();
  if (spec.name == "pr-sgd-momentum") return make_pr_sgd_momentum<S>(spec);
  if (spec.name == "local-sgd-reset-momentum") return make_local_sgd_reset_momentum<S>(spec);
  if (spec.name == "local-sgd-local-momentum") return make_local_sgd_local_momentum<S>(spec);
  if (spec.name == "decentralized-momentum") return make_decentralized_momentum<S>(spec, build_mixing_matrix(spec.mixing, N));
  throw ValidationError("name", "unknown algorithm '" + spec.name + "'");  // validate() lists the valid ones
}

template std::unique_ptr<Algorithm<float>> make_algorithm<float>(const AlgorithmSpec&, int);
template std::unique_ptr<Algorithm<double>> make_algorithm<double>(const AlgorithmSpec&, int);

}  // namespace csgd
