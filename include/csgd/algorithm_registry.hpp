#pragma once
// The distributed algorithms, one registry entry each (algorithm.name), in the file that
// implements the algorithm: sim/numerics/algorithms/<name>.cpp.
#include <memory>
#include <string_view>
#include <vector>

#include "csgd/algorithm.hpp"
#include "csgd/registry.hpp"

namespace csgd {

template <class S>
using AlgorithmFactory = std::unique_ptr<Algorithm<S>> (*)(const AlgorithmSpec& spec, const MixingMatrix* W);

struct AlgorithmEntry {
  std::string_view name;
  std::string_view help;               // one line: --help and the README
  std::vector<Key<AlgorithmSpec>> keys;  // keys under `algorithm:` beyond name, momentum, nesterov, lr
  bool mixes = false;                  // reads algorithm.mixing and gets W (Algorithm 2)
  AlgorithmFactory<float> make_float = nullptr;    // W is non-null exactly when `mixes`
  AlgorithmFactory<double> make_double = nullptr;
};

using AlgorithmRegistry = Registry<AlgorithmEntry>;

// The sync interval key of Algorithm 1 and its baselines.
inline const Key<AlgorithmSpec> kSyncIntervalKey{"sync_interval", &AlgorithmSpec::I,
                                                 "I: average every I-th iteration (default 1)"};

}  // namespace csgd
