// Synthetic data drawn from one Rng(seed, stream::problem), always in this order: the model
// (class means or w*), the training set, the test set. So the training set does not change
// when only test_samples does, and float and double runs see the same numbers (up to rounding).
//
// classification: class means μ_c ~ N(0, I_d); sample = μ_{c} + noise·N(0, I_d). Features then
//   have per-coordinate variance ≈ 1 + noise², and two means lie about √(2d) apart, so with
//   noise σ the pairwise Bayes error is about Φ(−√(2d)/(2σ)): noise ≲ √d is well above chance,
//   noise ≫ √d approaches it. Classes are balanced (k mod C, then shuffled).
// regression: w* ~ N(0, I_d/d), a ~ N(0, I_d), y = <w*, a> + noise·N(0, 1), so Var<w*,a> ≈ 1.
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/random.hpp"
#include "csgd/dataset_registry.hpp"
#include "csgd/require.hpp"
#include "numerics/data/readers.hpp"

namespace csgd::data {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError("generated dataset: " + what);
}

void validate(const DatasetSpec& spec) {
  require(spec.samples >= 1, "problem.dataset.samples must be at least 1, got " + std::to_string(spec.samples));
  require(spec.test_samples >= 0,
          "problem.dataset.test_samples must be 0 (no test set) or more, got " + std::to_string(spec.test_samples));
  require(spec.generated_features >= 1,
          "problem.dataset.generated_features must be at least 1, got " + std::to_string(spec.generated_features));
  require(std::isfinite(spec.noise) && spec.noise >= 0, "problem.dataset.noise must be a finite number >= 0");
  // The draws are made in double, then kept in S: both copies for a moment.
  require_fits_in_memory((static_cast<double>(spec.samples) + spec.test_samples) * spec.generated_features * 16.0 +
                             static_cast<double>(spec.classes) * spec.generated_features * 8.0,
                         "the generated dataset",
                         std::to_string(spec.samples + static_cast<long long>(spec.test_samples)) + " rows × " +
                             std::to_string(spec.generated_features) + " features × 16 bytes");
  if (spec.regression) return;
  require(spec.classes >= 2, "problem.dataset.classes must be at least 2, got " + std::to_string(spec.classes));
  require(spec.samples >= spec.classes, "problem.dataset.samples (" + std::to_string(spec.samples) +
                                            ") must be at least problem.dataset.classes (" +
                                            std::to_string(spec.classes) + ") so that every class occurs");
}

Matrix<double> draw_normal(Rng& rng, Eigen::Index rows, Eigen::Index cols, double scale) {
  Matrix<double> m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = scale * rng.normal();
  return m;
}

// Balanced labels in random order: k mod C, shuffled (Fisher–Yates).
std::vector<double> balanced_labels(Rng& rng, int n, int classes) {
  std::vector<double> y(static_cast<std::size_t>(n));
  for (std::size_t k = 0; k < y.size(); ++k) y[k] = static_cast<double>(k % static_cast<std::size_t>(classes));
  for (std::size_t k = y.size(); k > 1; --k) std::swap(y[k - 1], y[rng.below(k)]);
  return y;
}

template <class S>
Dataset<S> blobs(Rng& rng, const Matrix<double>& means, int n, double noise) {
  Dataset<S> set;
  set.y = balanced_labels(rng, n, static_cast<int>(means.cols()));
  set.features.resize(means.rows(), n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto mean = means.col(static_cast<Eigen::Index>(set.y[static_cast<std::size_t>(k)]));
    for (Eigen::Index i = 0; i < means.rows(); ++i) set.features(i, k) = static_cast<S>(mean(i) + noise * rng.normal());
  }
  return set;
}

template <class S>
Dataset<S> linear(Rng& rng, const Vector<double>& w, int n, double noise) {
  Dataset<S> set;
  set.features.resize(w.size(), n);
  set.y.resize(static_cast<std::size_t>(n));
  for (Eigen::Index k = 0; k < n; ++k) {
    double target = 0;  // from the stored (rounded) features, so the relation is exact for S = float too
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      set.features(i, k) = static_cast<S>(rng.normal());
      target += w(i) * static_cast<double>(set.features(i, k));
    }
    set.y[static_cast<std::size_t>(k)] = target + noise * rng.normal();
  }
  return set;
}

std::string describe(const DatasetSpec& spec, std::uint64_t seed) {
  std::string s = spec.regression ? "generated regression (" : "generated classification (";
  s += std::to_string(spec.generated_features) + " features, ";
  if (!spec.regression) s += std::to_string(spec.classes) + " classes, ";
  char noise[32];
  std::snprintf(noise, sizeof noise, "%g", spec.noise);
  return s + "noise " + noise + ", seed " + std::to_string(seed) + ")";
}

}  // namespace

template <class S>
RawTrainTest<S> generate_dataset(const DatasetSpec& spec, std::uint64_t seed) {
  validate(spec);
  Rng rng(seed, stream::problem);
  const Eigen::Index d = spec.generated_features;
  RawTrainTest<S> out;
  if (spec.regression) {
    const Vector<double> w = draw_normal(rng, d, 1, 1.0 / std::sqrt(static_cast<double>(d)));
    out.train = linear<S>(rng, w, spec.samples, spec.noise);
    if (spec.test_samples > 0) out.test = linear<S>(rng, w, spec.test_samples, spec.noise);
  } else {
    const Matrix<double> means = draw_normal(rng, d, spec.classes, 1.0);
    out.train = blobs<S>(rng, means, spec.samples, spec.noise);
    if (spec.test_samples > 0) out.test = blobs<S>(rng, means, spec.test_samples, spec.noise);
  }
  out.train.source = describe(spec, seed);
  if (out.test) out.test->source = out.train.source;
  return out;
}

template RawTrainTest<float> generate_dataset<float>(const DatasetSpec&, std::uint64_t);
template RawTrainTest<double> generate_dataset<double>(const DatasetSpec&, std::uint64_t);

namespace {

const bool registered = DatasetRegistry::add({
    .name = "generated",
    .help = "a reproducible synthetic classification (or regression) set made from the seed",
    .order = 3,
    .keys = {{"samples", &DatasetSpec::samples, "training rows (default 2000)"},
             {"test_samples", &DatasetSpec::test_samples, "test rows (default 500; 0: no test set)"},
             {"features", &DatasetSpec::generated_features, "features per row (default 20)"},
             {"classes", &DatasetSpec::classes, "classes (default 2)"},
             {"noise", &DatasetSpec::noise, "label noise (default 0.1)"},
             {"regression", &DatasetSpec::regression, "linear targets instead of classes (default false)"}},
    .validate = [](const DatasetSpec& s) {
      require_at_least("samples", s.samples, 1);
      require_at_least("test_samples", s.test_samples, 0);
      require_at_least("features", s.generated_features, 1);
      if (!s.regression) require_at_least("classes", s.classes, 2);
      require_non_negative("noise", s.noise);
    },
    .seeded = true,
    .read_float = [](const DatasetSpec& s, std::uint64_t seed) { return generate_dataset<float>(s, seed); },
    .read_double = [](const DatasetSpec& s, std::uint64_t seed) { return generate_dataset<double>(s, seed); },
});

}  // namespace
}  // namespace csgd::data
