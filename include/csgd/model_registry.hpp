#pragma once
// The problems and models, one registry entry each (problem.model), in the file that implements
// the model: sim/numerics/problems/<model>.cpp. A data model reads problem.dataset, partition,
// batch_size, sampling, l2 and eval_train_samples; the synthetic problem reads none of them.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "csgd/dataset.hpp"
#include "csgd/problem.hpp"
#include "csgd/registry.hpp"

namespace csgd {

template <class S> class Model;  // sim/numerics/problems/data_problem.hpp

template <class S>
using ModelFactory = std::unique_ptr<Model<S>> (*)(const ProblemSpec& spec, const Dataset<S>& train);
template <class S>
using ProblemFactory = std::unique_ptr<Problem<S>> (*)(const ProblemSpec& spec, int N, std::uint64_t seed);

struct ModelEntry {
  std::string_view name;
  std::string_view help;               // one line: --help and the README
  int order = 0;                       // documented order (synthetic first)
  std::vector<Key<ProblemSpec>> keys;  // the model's own keys under `problem:`
  void (*defaults)(ProblemSpec& spec) = nullptr;  // defaults that differ by model (cnn: hidden [128])
  // A data model: the model for the training set (InputError when the data does not fit it).
  ModelFactory<float> model_float = nullptr;
  ModelFactory<double> model_double = nullptr;
  // A problem without data (synthetic): the whole problem from the seed.
  ProblemFactory<float> problem_float = nullptr;
  ProblemFactory<double> problem_double = nullptr;

  bool data() const { return model_float != nullptr; }
};

using ModelRegistry = Registry<ModelEntry>;

}  // namespace csgd
