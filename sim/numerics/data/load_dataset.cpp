// Entry point of the dataset layer: pick the reader, then derive classes from the labels.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "csgd/dataset.hpp"
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csgd/dataset_registry.hpp"
#include "csgd/errors.hpp"
#include "numerics/data/readers.hpp"

namespace csgd {
namespace {

constexpr std::size_t kMaxClasses = 1000;

// Sorted distinct labels; empty when some label is not an integer or there are too many
// distinct ones to be classes (then the targets are treated as regression values).
std::vector<double> integer_label_values(const std::vector<double>& y) {
  std::vector<double> values;
  for (const double v : y) {
    if (v != std::floor(v)) return {};
    const auto it = std::lower_bound(values.begin(), values.end(), v);
    if (it != values.end() && *it == v) continue;
    if (values.size() == kMaxClasses) return {};
    values.insert(it, v);
  }
  return values;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Classes index into the TRAINING set's label values, so train and test agree on them.
template <class S>
void assign_classes(Dataset<S>& set, std::vector<double> label_values) {
  if (label_values.empty()) return;
  set.classes.resize(set.y.size());
  for (std::size_t k = 0; k < set.y.size(); ++k) {
    const auto it = std::lower_bound(label_values.begin(), label_values.end(), set.y[k]);
    if (it == label_values.end() || *it != set.y[k])
      throw InputError(set.source + ": test sample " + std::to_string(k + 1) + " has label " + number(set.y[k]) +
                       ", which no training sample has, so it has no class");
    set.classes[k] = static_cast<std::int32_t>(it - label_values.begin());
  }
  set.label_values = std::move(label_values);
}

template <class S>
data::RawTrainTest<S> read_raw(const DatasetSpec& spec, std::uint64_t seed) {
  const DatasetEntry* entry = DatasetRegistry::find(spec.name);
  if (!entry)
    throw InputError(fmt::format("problem.dataset.name '{}' is unknown; expected one of {}", spec.name,
                                 fmt::join(DatasetRegistry::names(), ", ")));
  if constexpr (std::is_same_v<S, float>) return entry->read_float(spec, seed);
  else return entry->read_double(spec, seed);
}

}  // namespace

template <class S>
TrainTest<S> load_dataset(const DatasetSpec& spec, std::uint64_t seed) {
  data::RawTrainTest<S> raw = read_raw<S>(spec, seed);
  std::vector<double> label_values = integer_label_values(raw.train.y);
  TrainTest<S> out;
  if (raw.test) {
    assign_classes(*raw.test, label_values);
    out.test = std::make_shared<const Dataset<S>>(std::move(*raw.test));
  }
  assign_classes(raw.train, std::move(label_values));
  out.train = std::make_shared<Dataset<S>>(std::move(raw.train));  // not const: a team compacts its own copy (data_problem.cpp)
  return out;
}

template TrainTest<float> load_dataset<float>(const DatasetSpec&, std::uint64_t);
template TrainTest<double> load_dataset<double>(const DatasetSpec&, std::uint64_t);

}  // namespace csgd
