#pragma once
// Internal to the dataset layer: the readers behind load_dataset. Each fills features, y and
// source; load_dataset derives label_values and classes afterwards.
#include <cstdint>
#include <optional>
#include <string>

#include "csgd/dataset.hpp"

namespace csgd::data {

template <class S>
struct RawTrainTest {
  Dataset<S> train;
  std::optional<Dataset<S>> test;
};

// Fashion-MNIST IDX files (gzip'd or plain) in spec.path; always has a test set.
template <class S> RawTrainTest<S> read_fashion_mnist(const DatasetSpec& spec);

// LIBSVM text files spec.train_file and, if set, spec.test_file.
template <class S> RawTrainTest<S> read_libsvm(const DatasetSpec& spec);

// Synthetic classification blobs or linear regression, reproducible from seed.
template <class S> RawTrainTest<S> generate_dataset(const DatasetSpec& spec, std::uint64_t seed);

}  // namespace csgd::data
