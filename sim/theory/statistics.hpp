#pragma once
// Small statistics for the theory checks (mean and standard error: csgd/mean_se.hpp): least-squares
// slopes on log-log axes (with the standard error carried from each point), and non-negative
// least squares for fitting the constants of the O-terms of Theorem 3.
#include <Eigen/Core>
#include <cstddef>
#include <span>
#include <vector>

#include "csgd/mean_se.hpp"

namespace csgd {


// y ≈ intercept + slope·x by ordinary least squares. `slope_se` propagates independent
// standard errors `y_se` of the points (0 when none are given): the slope is Σ w_j y_j with
// w_j = (x_j − x̄)/Σ(x_k − x̄)², so its variance is Σ w_j² se_j².
struct LineFit {
  double slope = 0, intercept = 0, slope_se = 0;
};
LineFit least_squares_line(std::span<const double> x, std::span<const double> y, std::span<const double> y_se = {});

// The exponent p of y ∝ x^p: least squares of log y on log x. `y_se` are standard errors of
// the y (not of log y): se(log y) ≈ se/y. Every x and y must be > 0 (std::invalid_argument).
LineFit log_log_slope(std::span<const double> x, std::span<const double> y, std::span<const double> y_se = {});

// Lawson–Hanson active-set non-negative least squares: argmin ||A c − b||² over c ≥ 0.
Eigen::VectorXd nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b);

}  // namespace csgd
