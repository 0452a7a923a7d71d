#pragma once
// The data sets, one registry entry each (problem.dataset.name), in the file that reads or
// generates them: sim/numerics/data/fashion_mnist_idx.cpp, libsvm_reader.cpp, generated_data.cpp.
#include <cstdint>
#include <string_view>
#include <vector>

#include "csgd/dataset.hpp"
#include "csgd/registry.hpp"

namespace csgd {
namespace data {
template <class S> struct RawTrainTest;  // sim/numerics/data/readers.hpp
}

struct DatasetEntry {
  std::string_view name;
  std::string_view help;               // one line: --help and the README
  int order = 0;                       // documented order (fashion-mnist first)
  std::vector<Key<DatasetSpec>> keys;  // keys under problem.dataset besides name
  // Rules that need no file; ValidationError with the field relative to `dataset`.
  void (*validate)(const DatasetSpec& spec) = nullptr;
  bool seeded = false;                 // made from the seed (generated data), not read from files
  data::RawTrainTest<float> (*read_float)(const DatasetSpec& spec, std::uint64_t seed) = nullptr;
  data::RawTrainTest<double> (*read_double)(const DatasetSpec& spec, std::uint64_t seed) = nullptr;
};

using DatasetRegistry = Registry<DatasetEntry>;

}  // namespace csgd
