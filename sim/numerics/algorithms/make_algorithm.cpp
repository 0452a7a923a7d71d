// make_algorithm: the registry entry algorithm.name picks; W only for the algorithms that mix.
#include "csgd/algorithm_registry.hpp"
#include "csgd/errors.hpp"

namespace csgd {

template <class S>
std::unique_ptr<Algorithm<S>> make_algorithm(const AlgorithmSpec& spec, const MixingMatrix* W) {
  spec.validate();
  const AlgorithmEntry& entry = *AlgorithmRegistry::find(spec.name);  // validate() checked the name
  if (entry.mixes && !W) throw std::invalid_argument("make_algorithm: " + spec.name + " needs W");
  if constexpr (std::is_same_v<S, float>) return entry.make_float(spec, entry.mixes ? W : nullptr);
  else return entry.make_double(spec, entry.mixes ? W : nullptr);
}

template <class S>
std::unique_ptr<Algorithm<S>> make_algorithm(const AlgorithmSpec& spec, int N, const Graph* network) {
  spec.validate();
  if (!AlgorithmRegistry::find(spec.name)->mixes) return make_algorithm<S>(spec, nullptr);
  const MixingMatrix W = build_mixing_matrix(spec.mixing, N, network);
  return make_algorithm<S>(spec, &W);
}

template std::unique_ptr<Algorithm<float>> make_algorithm<float>(const AlgorithmSpec&, const MixingMatrix*);
template std::unique_ptr<Algorithm<double>> make_algorithm<double>(const AlgorithmSpec&, const MixingMatrix*);
template std::unique_ptr<Algorithm<float>> make_algorithm<float>(const AlgorithmSpec&, int, const Graph*);
template std::unique_ptr<Algorithm<double>> make_algorithm<double>(const AlgorithmSpec&, int, const Graph*);

}  // namespace csgd
