#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "csgd/random.hpp"

using csgd::Rng;

TEST_CASE("the same seed and stream give the same sequence, other streams differ") {
  Rng a(42, csgd::stream::worker(3)), b(42, csgd::stream::worker(3)), c(42, csgd::stream::worker(4));
  bool any_difference = false;
  for (int k = 0; k < 100; ++k) {
    const auto va = a.next();
    CHECK(va == b.next());
    any_difference |= (va != c.next());
  }
  CHECK(any_difference);
}

TEST_CASE("uniform draws lie in [0,1) and have mean one half") {
  Rng r(7, 0);
  double sum = 0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  CHECK(sum / n == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("below(n) covers every value in [0,n) evenly") {
  Rng r(9, 1);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int k = 0; k < n; ++k) ++counts[r.below(7)];
  for (int c : counts) CHECK(c == doctest::Approx(n / 7.0).epsilon(0.05));
}

TEST_CASE("normal draws have mean zero and unit variance") {
  Rng r(11, 2);
  double sum = 0, sum_sq = 0;
  const int n = 400000;
  for (int k = 0; k < n; ++k) {
    const double z = r.normal();
    sum += z;
    sum_sq += z * z;
  }
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(sum_sq / n == doctest::Approx(1.0).epsilon(0.01));
}

TEST_CASE("gamma draws have mean equal to the shape, below and above one") {
  for (double shape : {0.3, 1.0, 4.5}) {
    Rng r(13, 3);
    double sum = 0;
    const int n = 200000;
    for (int k = 0; k < n; ++k) sum += r.gamma(shape);
    CHECK(sum / n == doctest::Approx(shape).epsilon(0.02));
  }
}
