// Binary logistic regression: labels y > 0 are +1, all others −1 (so ±1 and 0/1 files both work);
// ℓ(x; a, y) = log(1 + exp(−y·z)), z = wᵀa + b; prediction sign(z) with z > 0 ↦ +1.
#include <algorithm>
#include <cmath>

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

}  // namespace csgd
