// Binary logistic regression: labels y > 0 are +1, all others −1 (so ±1 and 0/1 files both work);
// ℓ(x; a, y) = log(1 + exp(−y·z)), z = wᵀa + b; prediction sign(z) with z > 0 ↦ +1.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "csgd/errors.hpp"
#include "csgd/model_registry.hpp"
#include "numerics/problems/linear_model.hpp"

namespace csgd {
namespace {

struct LogisticLink {
  static constexpr const char* name = "logistic";
  static constexpr bool classifies = true;

  template <class S>
  static LinkValue<S> eval(S z, double y) {
    const bool positive = y > 0;
    const S t = positive ? -z : z;  // t = −y·z
    // log(1 + e^t) and σ(t) = e^t/(1 + e^t) without overflow: only e^{−|t|} is ever formed.
    const S e = std::exp(-std::abs(t));
    const double softplus = std::max(static_cast<double>(t), 0.0) + std::log1p(static_cast<double>(e));
    const S sigma = t >= S(0) ? S(1) / (S(1) + e) : e / (S(1) + e);
    return {softplus, positive ? -sigma : sigma, (z > S(0)) == positive};  // dℓ/dz = −y·σ(t)
  }
};

}  // namespace

template <class S>
std::unique_ptr<Model<S>> make_logistic_regression(Eigen::Index d, bool bias) {
  return std::make_unique<LinearModel<S, LogisticLink>>(d, bias);
}

template std::unique_ptr<Model<float>> make_logistic_regression<float>(Eigen::Index, bool);
template std::unique_ptr<Model<double>> make_logistic_regression<double>(Eigen::Index, bool);

namespace {

const Key<ProblemSpec> kBias{"bias", &ProblemSpec::bias, "append a bias term (default false)"};

// The labels must split into the two sides the model maps them to.
template <class S> void check_binary_labels(const ProblemSpec& spec, const Dataset<S>& train) {
  const int C = model_classes(spec, train);
  const auto& v = train.label_values;
  if (C > 2)
    throw InputError(fmt::format("model 'logistic' is binary, but {} has {} classes; use model: softmax",
                                 train.source, C));
  if (C == 2 && (v[0] > 0 || v[1] <= 0))
    throw InputError(fmt::format("model 'logistic' maps labels > 0 to +1 and the others to −1, but the labels of "
                                 "{} are {} and {}, so every sample falls on one side",
                                 train.source, v[0], v[1]));
}

const bool registered = ModelRegistry::add({
    .name = "logistic",
    .help = "binary logistic regression, labels > 0 ↦ +1, others ↦ −1",
    .order = 3,
    .keys = {kBias},
    .model_float = [](const ProblemSpec& s, const Dataset<float>& train) {
      check_binary_labels(s, train);
      return make_logistic_regression<float>(train.dim(), s.bias);
    },
    .model_double = [](const ProblemSpec& s, const Dataset<double>& train) {
      check_binary_labels(s, train);
      return make_logistic_regression<double>(train.dim(), s.bias);
    },
});

}  // namespace
}  // namespace csgd
