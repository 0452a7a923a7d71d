#pragma once
// Softmax cross-entropy on a C × b block of logits (one sample per column), shared by softmax
// regression and the MLP: ℓ = log Σ_c exp(z_c) − z_y, computed as a stable log-sum-exp.
#include <cmath>
#include <cstdint>
#include <span>

#include "numerics/problems/data_problem.hpp"

namespace csgd {

// Overwrites the logits with δ = scale·(softmax(z) − e_y), the loss gradient w.r.t. z.
// Prediction = first largest logit.
template <class S>
LossSum softmax_cross_entropy_backward(Eigen::Map<Matrix<S>> z, std::span<const std::int32_t> classes, S scale) {
  LossSum sum;
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    auto col = z.col(j);
    const Eigen::Index c = classes[static_cast<std::size_t>(j)];
    Eigen::Index predicted = 0;
    const S top = col.maxCoeff(&predicted);
    const S zc = col(c);
    col = (col.array() - top).exp().matrix();
    const S total = col.sum();
    sum.loss += std::log(static_cast<double>(total)) + static_cast<double>(top) - static_cast<double>(zc);
    sum.correct += predicted == c;
    col *= scale / total;
    col(c) -= scale;
  }
  return sum;
}

// The same loss without the gradient (evaluation).
template <class Derived>
LossSum softmax_cross_entropy(const Eigen::MatrixBase<Derived>& z, std::span<const std::int32_t> classes) {
  using S = typename Derived::Scalar;
  LossSum sum;
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const auto col = z.col(j);
    const Eigen::Index c = classes[static_cast<std::size_t>(j)];
    Eigen::Index predicted = 0;
    const S top = col.maxCoeff(&predicted);
    const S total = (col.array() - top).exp().sum();
    sum.loss += std::log(static_cast<double>(total)) + static_cast<double>(top) - static_cast<double>(col(c));
    sum.correct += predicted == c;
  }
  return sum;
}

}  // namespace csgd
