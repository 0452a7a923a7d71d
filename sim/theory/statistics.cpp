// Log-log slopes and NNLS for the theory checks (see statistics.hpp).
#include "theory/statistics.hpp"

#include <Eigen/QR>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace csgd {

LineFit least_squares_line(std::span<const double> x, std::span<const double> y, std::span<const double> y_se) {
  if (x.size() != y.size() || x.size() < 2 || (!y_se.empty() && y_se.size() != y.size()))
    throw std::invalid_argument("least_squares_line: needs ≥ 2 points and matching sizes");
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxx = 0, sxy = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    sxx += (x[j] - mx) * (x[j] - mx);
    sxy += (x[j] - mx) * (y[j] - my);
  }
  if (!(sxx > 0)) throw std::invalid_argument("least_squares_line: the x values are all equal");
  LineFit f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  double var = 0;
  for (std::size_t j = 0; j < y_se.size(); ++j) {
    const double w = (x[j] - mx) / sxx;
    var += w * w * y_se[j] * y_se[j];
  }
  f.slope_se = std::sqrt(var);
  return f;
}

LineFit log_log_slope(std::span<const double> x, std::span<const double> y, std::span<const double> y_se) {
  std::vector<double> lx, ly, lse;
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (!(x[j] > 0) || !(y[j] > 0)) throw std::invalid_argument("log_log_slope: every x and y must be > 0");
    lx.push_back(std::log(x[j]));
    ly.push_back(std::log(y[j]));
    if (!y_se.empty()) lse.push_back(y_se[j] / y[j]);  // delta method: se(log y) ≈ se(y)/y
  }
  return least_squares_line(lx, ly, lse);
}

Eigen::VectorXd nnls(const Eigen::MatrixXd& A, const Eigen::VectorXd& b) {
  const Eigen::Index n = A.cols();
  if (A.rows() != b.size()) throw std::invalid_argument("nnls: A and b disagree in rows");
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(static_cast<std::size_t>(n), false);
  const double tol = 1e-12 * std::max(1.0, A.cwiseAbs().maxCoeff()) * std::max(1.0, b.cwiseAbs().maxCoeff()) *
                     static_cast<double>(std::max<Eigen::Index>(A.rows(), n));
  // Least squares restricted to the passive columns; zero elsewhere.
  const auto solve_passive = [&] {
    std::vector<Eigen::Index> cols;
    for (Eigen::Index j = 0; j < n; ++j)
      if (passive[static_cast<std::size_t>(j)]) cols.push_back(j);
    Eigen::MatrixXd Ap(A.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t k = 0; k < cols.size(); ++k) Ap.col(static_cast<Eigen::Index>(k)) = A.col(cols[k]);
    const Eigen::VectorXd sp = Ap.colPivHouseholderQr().solve(b);
    Eigen::VectorXd s = Eigen::VectorXd::Zero(n);
    for (std::size_t k = 0; k < cols.size(); ++k) s(cols[k]) = sp(static_cast<Eigen::Index>(k));
    return s;
  };
  for (int outer = 0; outer < 3 * static_cast<int>(n) + 10; ++outer) {
    const Eigen::VectorXd w = A.transpose() * (b - A * x);  // negative gradient of ½||Ax − b||²
    Eigen::Index best = -1;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!passive[static_cast<std::size_t>(j)] && w(j) > tol && (best < 0 || w(j) > w(best))) best = j;
    if (best < 0) break;  // Karush–Kuhn–Tucker conditions hold
    passive[static_cast<std::size_t>(best)] = true;
    for (int inner = 0; inner < 3 * static_cast<int>(n) + 10; ++inner) {
      const Eigen::VectorXd s = solve_passive();
      bool feasible = true;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && s(j) <= 0) feasible = false;
      if (feasible) {
        x = s;
        break;
      }
      // Step from x towards s as far as feasibility allows, then drop the columns that hit 0.
      double alpha = 1;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && s(j) <= 0) alpha = std::min(alpha, x(j) / (x(j) - s(j)));
      x += alpha * (s - x);
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && x(j) <= 1e-15) {
          passive[static_cast<std::size_t>(j)] = false;
          x(j) = 0;
        }
    }
  }
  return x;
}

}  // namespace csgd
