// Least squares: ℓ(x; a, y) = ½(wᵀa + b − y)², y the regression target as read. No accuracy.
#include "csgd/errors.hpp"
#include "csgd/model_registry.hpp"
#include "numerics/problems/linear_model.hpp"

namespace csgd {
namespace {

struct LeastSquaresLink {
  static constexpr const char* name = "least-squares";
  static constexpr bool classifies = false;

  template <class S>
  static LinkValue<S> eval(S z, double y) {
    const S r = z - static_cast<S>(y);
    return {0.5 * static_cast<double>(r) * static_cast<double>(r), r, false};
  }
};

}  // namespace

template <class S>
std::unique_ptr<Model<S>> make_least_squares(Eigen::Index d, bool bias) {
  return std::make_unique<LinearModel<S, LeastSquaresLink>>(d, bias);
}

template std::unique_ptr<Model<float>> make_least_squares<float>(Eigen::Index, bool);
template std::unique_ptr<Model<double>> make_least_squares<double>(Eigen::Index, bool);

namespace {

const Key<ProblemSpec> kBias{"bias", &ProblemSpec::bias, "append a bias term (default false)"};

const bool registered = ModelRegistry::add({
    .name = "least-squares",
    .help = "linear regression: the mean of (a^T x - y)^2 / 2 over a worker's rows",
    .order = 2,
    .keys = {kBias},
    .model_float = [](const ProblemSpec& s, const Dataset<float>& train) { return make_least_squares<float>(train.dim(), s.bias); },
    .model_double = [](const ProblemSpec& s, const Dataset<double>& train) { return make_least_squares<double>(train.dim(), s.bias); },
});

}  // namespace
}  // namespace csgd
