#pragma once
// Training and test data held in memory, one sample per column, plus how to load them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "csgd/linalg.hpp"

namespace csgd {

template <class S>
struct Dataset {
  Matrix<S> features;     // d × n: sample k is column k (contiguous in memory)
  std::vector<double> y;  // raw label or regression target of each sample, as in the file
  // When every label is an integer and there are at most 1000 distinct ones: the sorted
  // distinct values, and each sample's index into them (its class). Empty otherwise.
  std::vector<double> label_values;
  std::vector<std::int32_t> classes;
  std::string source;     // where it came from, for summaries
  int channels = 0, height = 0, width = 0;  // image shape (C×H×W, channel-major per column); 0 = not an image

  int num_classes() const { return static_cast<int>(label_values.size()); }

  Eigen::Index size() const { return features.cols(); }
  Eigen::Index dim() const { return features.rows(); }
};

// Settings of problem.dataset.
struct DatasetSpec {
  std::string name = "fashion-mnist";  // fashion-mnist | libsvm | generated
  std::string path = "/usr/share/datasets/fashion-mnist";  // fashion-mnist folder
  std::string train_file, test_file;   // libsvm (test optional)
  int features = 0;                    // libsvm: feature count (0 = largest index seen)
  // generated: a reproducible synthetic classification or regression set
  int samples = 2000, test_samples = 500, generated_features = 20, classes = 2;
  double noise = 0.1;
  bool regression = false;             // generated: linear targets instead of classes
};

template <class S>
struct TrainTest {
  std::shared_ptr<const Dataset<S>> train;
  std::shared_ptr<const Dataset<S>> test;  // may be null
};

// Loads (or generates, from seed) the data. Throws csgd::InputError with a message that
// names the missing file and the Debian package that provides it.
template <class S> TrainTest<S> load_dataset(const DatasetSpec& spec, std::uint64_t seed);

}  // namespace csgd
