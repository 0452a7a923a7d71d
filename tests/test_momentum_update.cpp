#include <doctest/doctest.h>

#include "numerics/algorithms/momentum_update.hpp"
#include "support/quadratic_problem.hpp"

using csgd::Vector;
using csgd::testing::vec;

TEST_CASE("Polyak's option I updates u then x exactly as eq. (4)") {
  Vector<double> x = vec({1.0, -2.0}), u = vec({0.5, 0.25});
  const Vector<double> g = vec({0.2, 0.4});
  csgd::polyak_step(0.9, 0.1, g, x, u);
  // u = 0.9·u + g = (0.65, 0.625); x = x − 0.1·u
  CHECK(u[0] == doctest::Approx(0.65));
  CHECK(u[1] == doctest::Approx(0.625));
  CHECK(x[0] == doctest::Approx(1.0 - 0.065));
  CHECK(x[1] == doctest::Approx(-2.0 - 0.0625));
}

TEST_CASE("Nesterov's option II steps with v = beta·u + g as eq. (5)") {
  Vector<double> x = vec({1.0}), u = vec({0.5});
  const Vector<double> g = vec({0.2});
  csgd::nesterov_step(0.9, 0.1, g, x, u);
  // u = 0.45 + 0.2 = 0.65; v = 0.9·0.65 + 0.2 = 0.785; x = 1 − 0.0785
  CHECK(u[0] == doctest::Approx(0.65));
  CHECK(x[0] == doctest::Approx(1.0 - 0.0785));
}

TEST_CASE("with beta = 0 both options reduce to a plain SGD step") {
  for (bool nesterov : {false, true}) {
    Vector<double> x = vec({3.0}), u = vec({7.0});
    const Vector<double> g = vec({0.5});
    if (nesterov) csgd::nesterov_step(0.0, 0.2, g, x, u);
    else csgd::polyak_step(0.0, 0.2, g, x, u);
    CHECK(x[0] == 3.0 - 0.2 * 0.5);
    CHECK(u[0] == 0.5);
  }
}
