// Theorems 1–3 and Corollaries 1–3 of the paper, literally.
#include <cmath>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/theory.hpp"

namespace csgd {

void BoundInputs::validate() const {
  const auto require = [](bool ok, const char* field, const std::string& rule) {
    if (!ok) throw ValidationError(field, rule);
  };
  require(std::isfinite(L) && L > 0, "L", fmt::format("the smoothness L must be > 0, got {}", L));
  require(std::isfinite(sigma) && sigma >= 0, "sigma", fmt::format("σ must be ≥ 0, got {}", sigma));
  require(std::isfinite(kappa) && kappa >= 0, "kappa", fmt::format("κ must be ≥ 0, got {}", kappa));
  require(std::isfinite(beta) && beta >= 0 && beta < 1, "beta", fmt::format("β must be in [0, 1), got {}", beta));
  require(std::isfinite(gamma) && gamma > 0, "gamma", fmt::format("γ must be > 0, got {}", gamma));
  require(I >= 1, "I", fmt::format("I must be ≥ 1, got {}", I));
  require(N >= 1, "N", fmt::format("N must be ≥ 1, got {}", N));
  require(T >= 1, "T", fmt::format("T must be ≥ 1, got {}", T));
  require(std::isfinite(f_gap) && f_gap >= 0, "f0", fmt::format("f(x̄⁰) − f* must be ≥ 0, got {}", f_gap));
}

Algorithm1Bound algorithm1_bound(const BoundInputs& in) {
  in.validate();
  const double b = in.beta, L = in.L, g = in.gamma, one_b2 = (1 - b) * (1 - b);
  const double I = static_cast<double>(in.I), T = static_cast<double>(in.T), N = in.N;
  Algorithm1Bound r;
  r.gamma_condition = in.nesterov ? Condition{"γ ≤ (1−β)²/(L(1+β³))", one_b2 / (L * (1 + b * b * b)), g}
                                  : Condition{"γ ≤ (1−β)²/((1+β)L)", one_b2 / ((1 + b) * L), g};
  r.I_condition = {"I ≤ (1−β)/(6Lγ)", (1 - b) / (6 * L * g), I};
  r.largest_I = static_cast<std::int64_t>(std::floor(r.I_condition.limit * (1 + 1e-12)));
  r.optimisation_term = 2 * (1 - b) * in.f_gap / (g * T);
  r.noise_term = L * g * in.sigma * in.sigma / (one_b2 * N);
  r.drift_noise_term = 4 * L * L * g * g * I * in.sigma * in.sigma / one_b2;
  r.heterogeneity_term = 9 * L * L * g * g * I * I * in.kappa * in.kappa / one_b2;
  return r;
}

CorollaryPrescription corollary_prescription(const BoundInputs& in) {
  const double b = in.beta, L = in.L, N = in.N, T = static_cast<double>(in.T);
  CorollaryPrescription c;
  c.gamma = std::sqrt(N / T);
  c.T_min_corollary1 = 36 * L * L * N / ((1 - b) * (1 - b));
  c.T_min_corollary2 = (1 + b) * (1 + b) * L * L * N / std::pow(1 - b, 4);
  const double limit_times_L = in.nesterov ? (1 + b * b * b) : (1 + b);  // γ ≤ (1−β)²/(L·this)
  c.T_min_theorem_gamma = std::pow(limit_times_L * L / ((1 - b) * (1 - b)), 2) * N;
  c.I_max_identical = (1 - b) / (6 * L) * std::sqrt(T) / std::pow(N, 1.5);
  c.I_max_non_identical = (1 - b) / (6 * L) * std::pow(T, 0.25) / std::pow(N, 0.75);
  const auto rounds = [T](double I_max) { return I_max >= 1 ? T / std::floor(I_max) : T; };
  c.rounds_identical = rounds(c.I_max_identical);
  c.rounds_non_identical = rounds(c.I_max_non_identical);
  return c;
}

Algorithm2Conditions algorithm2_conditions(const BoundInputs& in, double sqrt_rho) {
  const double b = in.beta, L = in.L, N = in.N, gap = 1 - sqrt_rho;
  Algorithm2Conditions a;
  a.sqrt_rho = sqrt_rho;
  a.first_term = (1 - b) * (1 - b) * gap * gap / (6 * L);
  a.second_term = (1 - b) * gap / (4 * L);
  a.gamma_condition = {"γ ≤ min{(1−β)²(1−√ρ)²/(6L), (1−β)(1−√ρ)/(4L)}", std::min(a.first_term, a.second_term),
                       in.gamma};
  a.T_min_corollary3 = std::max(36 * N * L * L / (std::pow(1 - b, 4) * std::pow(gap, 4)),
                                32 * N * L * L / ((1 - b) * (1 - b) * gap * gap));
  a.T_min_theorem3_gamma = std::max(36 * N * L * L / (std::pow(1 - b, 4) * std::pow(gap, 4)),
                                    16 * N * L * L / ((1 - b) * (1 - b) * gap * gap));
  return a;
}

}  // namespace csgd
