// The theory checks: their statistics helpers on exact inputs, the fast subset of all five checks
// (every verdict must pass, with the same thresholds as the full set), the report files, and the
// command line's bad-input exits.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <vector>

#include "support/temp_dir.hpp"
#include "theory/statistics.hpp"
#include "theory/theory_checks.hpp"
#include "support/test_paths.hpp"

using namespace csgd;
using csgd::testing::read_file;
using csgd::testing::write_file;

namespace {

int exit_code_of(const std::string& args) {
  const int status = std::system((csgd::testing::csgd_binary() + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("mean and standard error match a hand computation") {
  const std::vector<double> v{1, 2, 3, 4};
  const MeanSe m = mean_se(v);
  CHECK(m.mean == doctest::Approx(2.5));
  CHECK(m.sd == doctest::Approx(std::sqrt(5.0 / 3.0)));  // Σ(v − 2.5)² = 5, n − 1 = 3
  CHECK(m.se == doctest::Approx(std::sqrt(5.0 / 3.0) / 2));
  CHECK(m.z() == doctest::Approx(2.5 / (std::sqrt(5.0 / 3.0) / 2)));
  CHECK(mean_se(std::vector<double>{7}).se == 0);
}

TEST_CASE("the log-log slope of an exact power law is its exponent") {
  const std::vector<double> N{1, 2, 4, 8, 16};
  for (double p : {-0.5, 1.0, 2.0, 2.7}) {
    std::vector<double> y;
    for (double n : N) y.push_back(3.5 * std::pow(n, p));
    const LineFit f = log_log_slope(N, y);
    CHECK(f.slope == doctest::Approx(p).epsilon(1e-12));
    CHECK(f.intercept == doctest::Approx(std::log(3.5)).epsilon(1e-12));
    CHECK(f.slope_se == 0);
  }
  CHECK_THROWS_AS(log_log_slope(N, std::vector<double>{1, 2, 0, 4, 5}), std::invalid_argument);
}

TEST_CASE("the slope's standard error propagates each point's error") {
  // x = −1, 0, 1: weights −1/2, 0, 1/2, so se(slope) = √(¼se₀² + ¼se₂²).
  const std::vector<double> x{-1, 0, 1}, y{0, 1, 2}, se{0.2, 5.0, 0.4};
  const LineFit f = least_squares_line(x, y, se);
  CHECK(f.slope == doctest::Approx(1));
  CHECK(f.slope_se == doctest::Approx(std::sqrt(0.25 * 0.04 + 0.25 * 0.16)));
  // On log axes a relative error se/y becomes an absolute error of log y.
  const LineFit g =
      log_log_slope(std::vector<double>{1, std::exp(1.0)}, std::vector<double>{1, 10}, std::vector<double>{0.1, 1});
  CHECK(g.slope_se == doctest::Approx(std::sqrt(0.01 + 0.01)));
}

TEST_CASE("non-negative least squares recovers a known non-negative mixture") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.1, 1.0);
  Eigen::MatrixXd A(12, 4);
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j) A(i, j) = u(rng);
  const Eigen::Vector4d truth(2.0, 0.0, 0.5, 3.0);
  const Eigen::VectorXd c = nnls(A, A * truth);
  for (Eigen::Index j = 0; j < 4; ++j) CHECK(c(j) == doctest::Approx(truth(j)).epsilon(1e-9));
}

TEST_CASE("non-negative least squares clamps a negative coefficient and meets the optimality conditions") {
  // b is explained best by a negative second coefficient; NNLS must set it to 0 and fit the rest.
  Eigen::MatrixXd A(4, 2);
  A << 1, 1, 1, 2, 1, 3, 1, 4;
  const Eigen::Vector4d b(4, 3, 2, 1);  // = 5 − x: unconstrained solution (5, −1)
  const Eigen::VectorXd c = nnls(A, b);
  CHECK(c(1) == 0);
  CHECK(c(0) == doctest::Approx(2.5));  // the mean of b, the best constant
  const Eigen::VectorXd gradient = A.transpose() * (A * c - b);
  CHECK(gradient(0) == doctest::Approx(0).epsilon(1e-12));
  CHECK(gradient(1) >= 0);  // KKT: a clamped coefficient may not want to grow
}

TEST_CASE("the fast subset of the theory checks passes every check and writes its report") {
  testing::TempDir scratch, out;
  CheckSettings settings;
  settings.fast = true;
  settings.experiments_dir = csgd::testing::source_dir() + "/experiments/theory";
  settings.scratch_dir = scratch.path();
  int rows = 0;
  settings.on_row = [&](const CheckSection&, const CheckRow&) { ++rows; };
  const std::vector<CheckSection> sections = run_theory_checks(settings);
  REQUIRE(sections.size() == 5);
  int judged = 0;
  for (const CheckSection& s : sections) {
    CAPTURE(s.title);
    CHECK(s.seeds >= 8);
    CHECK(s.runs > 0);
    for (const CheckRow& r : s.rows) {
      INFO(format_check_row(s, r));
      CHECK(r.verdict != Verdict::fail);
      judged += r.verdict == Verdict::pass;
    }
    CHECK(s.passed());
  }
  CHECK(rows > 0);
  CHECK(judged == 13 + 3 + 6 + 6 + 1);  // every judged case of checks 1..5 is there (check 3: 2 cases × 3 β)

  ReportInfo info;
  info.fast = true;
  info.command = "test";
  write_check_report(sections, info, out.path());
  const std::string md = read_file(out / "REPORT.md"), csv = read_file(out / "checks.csv");
  CHECK(md.find("overall: **all checks pass**") != std::string::npos);
  CHECK(md.find("## 4. Theorem 3") != std::string::npos);
  CHECK(md.find("seeds 1–16 (K = 16)") != std::string::npos);
  CHECK(csv.rfind("check,title,case,predicted,measured,ratio_or_slope,verdict,seeds\n", 0) == 0);
  CHECK(csv.find(",FAIL,") == std::string::npos);
}

TEST_CASE("csgd check refuses bad input with exit code 2") {
  CHECK(exit_code_of("check") == 2);
  CHECK(exit_code_of("check nothing") == 2);
  CHECK(exit_code_of("check theory --seeds 1") == 2);
  CHECK(exit_code_of("check theory --experiments /nonexistent") == 2);
  CHECK(exit_code_of("check theory --no-such-option") == 2);
  CHECK(exit_code_of("check --help") == 0);
  // --out naming a file is refused before any check runs (it used to run them all, then fail).
  csgd::testing::TempDir tmp;
  write_file(tmp / "a-file", "");
  CHECK(exit_code_of("check theory --fast --only 5 --seeds 2 --out " + (tmp / "a-file").string()) == 2);
  CHECK(read_file(tmp / "a-file").empty());
}
