#include <doctest/doctest.h>

#include <cmath>

#include "csgd/algorithm.hpp"
#include "csgd/errors.hpp"

using csgd::learning_rate;
using csgd::LrSpec;

TEST_CASE("a constant schedule returns its initial rate at every iteration") {
  LrSpec lr;
  lr.initial = 0.3;
  CHECK(learning_rate(lr, 1, 10, 100, 8) == 0.3);
  CHECK(learning_rate(lr, 100, 10, 100, 8) == 0.3);
}

TEST_CASE("a step schedule multiplies by the factor once each milestone epoch is reached") {
  LrSpec lr;
  lr.schedule = "step";
  lr.initial = 0.3;
  lr.milestones_epochs = {80, 120};
  lr.factor = 0.1;
  const double ipe = 10;  // iterations per epoch
  CHECK(learning_rate(lr, 800, ipe, 2000, 8) == doctest::Approx(0.3));   // epoch 79.9 before it
  CHECK(learning_rate(lr, 801, ipe, 2000, 8) == doctest::Approx(0.03));  // epoch 80 reached
  CHECK(learning_rate(lr, 1201, ipe, 2000, 8) == doctest::Approx(0.003));
}

TEST_CASE("iteration milestones decay after the named iteration") {
  LrSpec lr;
  lr.schedule = "step";
  lr.initial = 1.0;
  lr.milestones_iterations = {5};
  lr.factor = 0.5;
  CHECK(learning_rate(lr, 5, 0, 10, 1) == 1.0);
  CHECK(learning_rate(lr, 6, 0, 10, 1) == 0.5);
}

TEST_CASE("the theory schedule is sqrt(N/T) as in Corollaries 1 to 3") {
  LrSpec lr;
  lr.schedule = "theory";
  CHECK(learning_rate(lr, 1, 0, 10000, 16) == doctest::Approx(std::sqrt(16.0 / 10000.0)));
  lr.scale = 0.5;
  CHECK(learning_rate(lr, 7, 0, 10000, 16) == doctest::Approx(0.5 * 0.04));
}

TEST_CASE("linear warm-up ramps to the scheduled rate") {
  LrSpec lr;
  lr.initial = 0.4;
  lr.warmup_iterations = 4;
  CHECK(learning_rate(lr, 1, 0, 100, 1) == doctest::Approx(0.1));
  CHECK(learning_rate(lr, 2, 0, 100, 1) == doctest::Approx(0.2));
  CHECK(learning_rate(lr, 4, 0, 100, 1) == doctest::Approx(0.4));
  LrSpec by_epoch;
  by_epoch.initial = 0.4;
  by_epoch.warmup_epochs = 1;
  CHECK(learning_rate(by_epoch, 5, 10, 100, 1) == doctest::Approx(0.2));  // 1 epoch = 10 iterations
}

TEST_CASE("learning-rate settings that break a rule are refused with the field named") {
  LrSpec lr;
  lr.initial = 0;
  CHECK_THROWS_AS(lr.validate(), csgd::ValidationError);
  lr.initial = 0.1;
  lr.schedule = "cosine";
  CHECK_THROWS_WITH(lr.validate(), doctest::Contains("constant, step, theory"));
  lr.schedule = "step";
  lr.milestones_epochs = {3, 2};
  CHECK_THROWS_WITH(lr.validate(), doctest::Contains("increasing"));
  // Two warm-ups would silently mean the longer one: refused.
  LrSpec both;
  both.warmup_epochs = 1;
  both.warmup_iterations = 3;
  CHECK_THROWS_WITH(both.validate(), doctest::Contains("warmup_epochs or warmup_iterations, not both"));
}
