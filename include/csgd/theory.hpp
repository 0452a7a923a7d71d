#pragma once
#include <algorithm>
// The paper's guarantees as formulas: Theorems 1–3 and Corollaries 1–3.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csgd {

// The quantities a bound depends on.
struct BoundInputs {
  double L = 0, sigma = 0, kappa = 0;  // Assumption 1
  double beta = 0;                     // momentum β ∈ [0, 1)
  double gamma = 0;                    // learning rate γ > 0
  std::int64_t I = 1;                  // sync interval
  int N = 1;                           // workers
  std::int64_t T = 1;                  // iterations
  double f_gap = 0;                    // f(x̄⁽⁰⁾) − f* ≥ 0
  bool nesterov = false;               // Option II (Theorem 2) instead of Option I (Theorem 1)

  void validate() const;  // ValidationError naming the quantity ("L", "sigma", …)
};

struct Condition {
  std::string rule;   // e.g. "γ ≤ (1−β)²/((1+β)L)"
  double limit = 0;   // right-hand side
  double value = 0;   // left-hand side
  bool holds() const { return value <= limit * (1 + 1e-12); }
};

// Theorem 1 (Option I) or Theorem 2 (Option II): the right-hand side term by term.
struct Algorithm1Bound {
  Condition gamma_condition, I_condition;
  std::int64_t largest_I = 0;  // ⌊(1−β)/(6Lγ)⌋
  double optimisation_term = 0;   // 2(1−β)(f(x̄⁰) − f*)/(γT)
  double noise_term = 0;          // Lγσ²/((1−β)²N)
  double drift_noise_term = 0;    // 4L²γ²Iσ²/(1−β)²
  double heterogeneity_term = 0;  // 9L²γ²I²κ²/(1−β)²
  double total() const { return optimisation_term + noise_term + drift_noise_term + heterogeneity_term; }
  bool conditions_hold() const { return gamma_condition.holds() && I_condition.holds(); }
};
Algorithm1Bound algorithm1_bound(const BoundInputs& in);

// Corollaries 1 and 2: γ = √(N/T) and the largest I they allow, with the rounds T/I implies.
struct CorollaryPrescription {
  double gamma = 0;                      // √(N/T)
  double T_min_corollary1 = 0;           // 36L²N/(1−β)² (I = 1), as Corollary 1 states it
  double T_min_corollary2 = 0;           // (1+β)²L²N/(1−β)⁴, as Corollary 2 states it
  // What Theorem 1's (Option II: Theorem 2's) γ condition needs at γ = √(N/T):
  // T ≥ ((1+β)L/(1−β)²)²N (Option II: ((1+β³)L/(1−β)²)²N). Corollary 1's stated T does not imply
  // it (β = 0.9: 36,100·L²N against 3,600·L²N), so Corollary 1 holds from the larger of the two.
  double T_min_theorem_gamma = 0;
  double T_min_corollary1_exact() const { return std::max(T_min_corollary1, T_min_theorem_gamma); }
  double I_max_identical = 0;            // κ = 0: (1−β)/(6L)·√T/N^{3/2}
  double I_max_non_identical = 0;        // κ ≠ 0: (1−β)/(6L)·T^{1/4}/N^{3/4}
  double rounds_identical = 0;           // T / ⌊I_max⌋ (T when ⌊I_max⌋ < 1)
  double rounds_non_identical = 0;
};
CorollaryPrescription corollary_prescription(const BoundInputs& in);

// Theorem 3 (Algorithm 2): the step-size condition from W's √ρ, and Corollary 3's T.
struct Algorithm2Conditions {
  double sqrt_rho = 0;
  Condition gamma_condition;  // γ ≤ min{(1−β)²(1−√ρ)²/(6L), (1−β)(1−√ρ)/(4L)}
  double first_term = 0, second_term = 0;  // the two arguments of that min
  double T_min_corollary3 = 0;  // max{36NL²/((1−β)⁴(1−√ρ)⁴), 32NL²/((1−β)²(1−√ρ)²)}, as stated
  // What Theorem 3's γ condition needs at γ = √(N/T): max{36NL²/((1−β)⁴(1−√ρ)⁴), 16NL²/((1−β)²(1−√ρ)²)};
  // the stated T_min_corollary3 implies it (32 ≥ 16).
  double T_min_theorem3_gamma = 0;
};
Algorithm2Conditions algorithm2_conditions(const BoundInputs& in, double sqrt_rho);

}  // namespace csgd
