// Theorems 1–3 and Corollaries 1–2 as formulas, against numbers worked out by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "csgd/errors.hpp"
#include "csgd/theory.hpp"

using namespace csgd;

namespace {
BoundInputs example() {
  BoundInputs in;
  in.L = 2;
  in.sigma = 3;
  in.kappa = 0.5;
  in.beta = 0.5;
  in.gamma = 0.01;
  in.I = 4;
  in.N = 8;
  in.T = 1000;
  in.f_gap = 10;
  return in;
}
}  // namespace

TEST_CASE("Theorem 1's right-hand side matches a hand computation term by term") {
  const Algorithm1Bound b = algorithm1_bound(example());
  CHECK(b.optimisation_term == doctest::Approx(2 * 0.5 * 10 / (0.01 * 1000)));         // 1
  CHECK(b.noise_term == doctest::Approx(2 * 0.01 * 9 / (0.25 * 8)));                   // 0.09
  CHECK(b.drift_noise_term == doctest::Approx(4 * 4 * 1e-4 * 4 * 9 / 0.25));           // 0.2304
  CHECK(b.heterogeneity_term == doctest::Approx(9 * 4 * 1e-4 * 16 * 0.25 / 0.25));     // 0.0576
  CHECK(b.total() == doctest::Approx(1 + 0.09 + 0.2304 + 0.0576));
  // γ ≤ (1−β)²/((1+β)L) = 0.25/3; I ≤ (1−β)/(6Lγ) = 0.5/0.12 = 4.1667
  CHECK(b.gamma_condition.limit == doctest::Approx(0.25 / 3));
  CHECK(b.I_condition.limit == doctest::Approx(0.5 / 0.12));
  CHECK(b.largest_I == 4);
  CHECK(b.conditions_hold());
}

TEST_CASE("Theorem 2 uses the Nesterov step-size condition and the same bound") {
  BoundInputs in = example();
  in.nesterov = true;
  const Algorithm1Bound b = algorithm1_bound(in);
  CHECK(b.gamma_condition.limit == doctest::Approx(0.25 / (2 * 1.125)));  // (1−β)²/(L(1+β³))
  CHECK(b.total() == doctest::Approx(algorithm1_bound(example()).total()));
}

TEST_CASE("a violated condition is reported, not clipped") {
  BoundInputs in = example();
  in.I = 5;
  const Algorithm1Bound b = algorithm1_bound(in);
  CHECK_FALSE(b.I_condition.holds());
  CHECK_FALSE(b.conditions_hold());
  CHECK(b.drift_noise_term == doctest::Approx(4 * 4 * 1e-4 * 5 * 9 / 0.25));
}

TEST_CASE("Corollaries 1 and 2 prescribe gamma = sqrt(N/T) and the largest intervals") {
  BoundInputs in = example();
  in.T = 1'000'000;
  const CorollaryPrescription c = corollary_prescription(in);
  CHECK(c.gamma == doctest::Approx(std::sqrt(8e-6)));
  CHECK(c.T_min_corollary1 == doctest::Approx(36 * 4 * 8 / 0.25));
  CHECK(c.T_min_corollary2 == doctest::Approx(2.25 * 4 * 8 / 0.0625));
  CHECK(c.I_max_identical == doctest::Approx(0.5 / 12 * 1000 / std::pow(8, 1.5)));      // 1.473
  CHECK(c.I_max_non_identical == doctest::Approx(0.5 / 12 * std::pow(1e6, 0.25) / std::pow(8, 0.75)));
  CHECK(c.rounds_identical == doctest::Approx(1e6));  // ⌊1.473⌋ = 1: every iteration
}

TEST_CASE("Corollary 1's stated T does not imply Theorem 1's step-size condition: at beta = 0.9 it binds") {
  BoundInputs in = example();  // L = 2, N = 8
  in.beta = 0.9;
  const CorollaryPrescription c = corollary_prescription(in);
  CHECK(c.T_min_corollary1 == doctest::Approx(3600 * 4 * 8));   // 36L²N/(1−β)² = 3,600·L²N
  CHECK(c.T_min_theorem_gamma == doctest::Approx(36100 * 4 * 8));  // ((1+β)/(1−β)²)²·L²N = 36,100·L²N
  CHECK(c.T_min_corollary1_exact() == c.T_min_theorem_gamma);
  // At exactly that T, γ = √(N/T) meets Theorem 1's condition with equality.
  in.T = static_cast<std::int64_t>(std::ceil(c.T_min_theorem_gamma)) + 1;
  in.gamma = std::sqrt(8.0 / static_cast<double>(in.T));
  CHECK(algorithm1_bound(in).gamma_condition.holds());
  in.T -= 1000;
  in.gamma = std::sqrt(8.0 / static_cast<double>(in.T));
  CHECK_FALSE(algorithm1_bound(in).gamma_condition.holds());
  // Small β: Corollary 1's own 36L²N/(1−β)² binds (β = 0.5: 144·L²N against 36·L²N).
  in.beta = 0.5;
  const CorollaryPrescription small = corollary_prescription(in);
  CHECK(small.T_min_corollary1_exact() == small.T_min_corollary1);
  // Option II (Theorem 2): (1+β³) in place of (1+β).
  in.beta = 0.9;
  in.nesterov = true;
  CHECK(corollary_prescription(in).T_min_theorem_gamma == doctest::Approx(std::pow(1.729 / 0.01, 2) * 4 * 8));
}

TEST_CASE("Corollary 3's stated T implies Theorem 3's step-size condition at gamma = sqrt(N/T)") {
  for (const double sqrt_rho : {0.1, 0.5, 0.9, 0.99}) {
    const Algorithm2Conditions a = algorithm2_conditions(example(), sqrt_rho);
    CHECK(a.T_min_corollary3 >= a.T_min_theorem3_gamma);
    BoundInputs in = example();
    in.T = static_cast<std::int64_t>(std::ceil(a.T_min_theorem3_gamma)) + 1;
    in.gamma = std::sqrt(in.N / static_cast<double>(in.T));
    CHECK(algorithm2_conditions(in, sqrt_rho).gamma_condition.holds());
  }
}

TEST_CASE("Theorem 3's step size shrinks with the spectral gap") {
  const Algorithm2Conditions a = algorithm2_conditions(example(), 0.8);
  // min{0.25·0.04/12, 0.5·0.2/8} = min{8.33e-4, 0.0125}
  CHECK(a.gamma_condition.limit == doctest::Approx(0.25 * 0.04 / 12));
  CHECK_FALSE(a.gamma_condition.holds());  // γ = 0.01
  CHECK(algorithm2_conditions(example(), 0.9).gamma_condition.limit < a.gamma_condition.limit);
}

TEST_CASE("bad quantities are refused with their names") {
  for (auto [change, field] : std::vector<std::pair<void (*)(BoundInputs&), const char*>>{
           {[](BoundInputs& b) { b.L = 0; }, "L"},
           {[](BoundInputs& b) { b.sigma = -1; }, "sigma"},
           {[](BoundInputs& b) { b.beta = 1; }, "beta"},
           {[](BoundInputs& b) { b.T = 0; }, "T"},
           {[](BoundInputs& b) { b.gamma = 0; }, "gamma"}}) {
    BoundInputs in = example();
    change(in);
    try {
      in.validate();
      FAIL("accepted");
    } catch (const ValidationError& e) {
      CHECK(e.field() == field);
    }
  }
}
