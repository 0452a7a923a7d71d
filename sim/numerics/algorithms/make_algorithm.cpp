#include "csgd/errors.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"

namespace csgd {

template <class S>
std::unique_ptr<Algorithm<S>> make_algorithm(const AlgorithmSpec& spec, int N, const Graph* network) {
  spec.validate();
  if (spec.name == "pr-sgd-momentum") return make_pr_sgd_momentum<S>(spec);
  if (spec.name == "local-sgd-reset-momentum") return make_local_sgd_reset_momentum<S>(spec);
  if (spec.name == "local-sgd-local-momentum") return make_local_sgd_local_momentum<S>(spec);
  if (spec.name == "decentralized-momentum") {
    MixingSpec mixing = spec.mixing;
    if (mixing.topology == "auto" && network) mixing.topology = "network";
    return make_decentralized_momentum<S>(spec, build_mixing_matrix(mixing, N, network));
  }
  throw ValidationError("name", "unknown algorithm '" + spec.name + "'");  // validate() lists the valid ones
}

template std::unique_ptr<Algorithm<float>> make_algorithm<float>(const AlgorithmSpec&, int, const Graph*);
template std::unique_ptr<Algorithm<double>> make_algorithm<double>(const AlgorithmSpec&, int, const Graph*);

}  // namespace csgd
