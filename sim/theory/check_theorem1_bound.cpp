// Check 1: Theorems 1 and 2 hold. For Option I and II, κ = 0 and κ ≠ 0, and three (γ, I, N)
// settings inside the conditions, the seed average of (1/T)Σ_t ||∇f(x̄⁽ᵗ⁾)||² must be below the
// right-hand side by more than two standard errors, with the standard error under 10% of it.
#include <fmt/format.h>

#include <algorithm>

#include "csgd/theory.hpp"
#include "theory/statistics.hpp"
#include "theory/theory_checks.hpp"

namespace csgd {
namespace {

struct Setting {
  double gamma;
  std::int64_t I;
  int N;
};

// Inside both theorems' conditions for L = 9, β = 0.9 (see theorem-bounds.yaml): a large step
// at I = 1, the largest I at a middle step, a long interval at a small step.
constexpr Setting kSettings[] = {{5e-4, 1, 4}, {2e-4, 9, 8}, {5e-5, 32, 16}};
constexpr double kKappas[] = {0.0, 2.0};
constexpr double kMaxSeFraction = 0.10;   // SE of the mean < 10% of the bound (the rule)
constexpr double kTightRatio = 1.0 / 20;  // some case must have measured/bound ≥ 1/20

}  // namespace

CheckSection check_theorem_bounds(CheckRunner& runner) {
  CheckSection s;
  s.number = 1;
  s.id = "theorem_bounds";
  s.title = "Theorems 1 and 2 hold";
  s.file = "theorem-bounds.yaml";
  const std::int64_t T = runner.pick<std::int64_t>(20000, 5000);
  double tightest = 0;
  std::string tightest_case;
  std::vector<std::string> terms;
  for (bool nesterov : {false, true}) {
    for (double kappa : kKappas) {
      for (const Setting& st : kSettings) {
        const std::string name = fmt::format("Option {} (Theorem {}), κ = {}, γ = {}, I = {}, N = {}",
                                             nesterov ? "II" : "I", nesterov ? 2 : 1, kappa, st.gamma, st.I, st.N);
        const auto runs =
            runner.run(s.file,
                       {fmt::format("algorithm.nesterov={}", nesterov), fmt::format("problem.kappa={}", kappa),
                        fmt::format("algorithm.lr={}", st.gamma), fmt::format("algorithm.sync_interval={}", st.I),
                        fmt::format("workers={}", st.N), fmt::format("stop.iterations={}", T)},
                       name);
        // The bound of each seed (its own f(x̄⁰) − f*); the theorem holds per problem, so it holds
        // for the average over seeds of both sides.
        Algorithm1Bound mean_bound{};
        double bound = 0;
        bool conditions = true;
        for (const SeedRun& r : runs) {
          const auto& k = r.summary.at("problem_constants");
          BoundInputs in;
          in.L = k.at("L");
          in.sigma = k.at("sigma");
          in.kappa = k.at("kappa");
          in.beta = r.summary.at("algorithm").at("momentum");
          in.nesterov = nesterov;
          in.gamma = st.gamma;
          in.I = st.I;
          in.N = st.N;
          in.T = T;
          in.f_gap = r.f_gap;
          const Algorithm1Bound b = algorithm1_bound(in);
          conditions = conditions && b.conditions_hold();
          bound += b.total() / static_cast<double>(runs.size());
          mean_bound.optimisation_term += b.optimisation_term / static_cast<double>(runs.size());
          mean_bound.noise_term += b.noise_term / static_cast<double>(runs.size());
          mean_bound.drift_noise_term += b.drift_noise_term / static_cast<double>(runs.size());
          mean_bound.heterogeneity_term += b.heterogeneity_term / static_cast<double>(runs.size());
        }
        const MeanSe m = mean_se(column(runs, &SeedRun::mean_grad_norm_sq));
        const double ratio = m.mean / bound;
        if (ratio > tightest) {
          tightest = ratio;
          tightest_case = name;
        }
        const bool below = m.mean + 2 * m.se < bound;
        const bool precise = m.se < kMaxSeFraction * bound;
        CheckRow row;
        row.case_name = name;
        row.predicted = fmt::format("≤ {}", fmt_num(bound));
        row.measured = fmt_mean_se(m.mean, m.se);
        row.ratio = fmt::format("{:.3f} (SE/bound {:.1f}%)", ratio, 100 * m.se / bound);
        row.verdict = conditions && below && precise ? Verdict::pass : Verdict::fail;
        if (!conditions) row.ratio += "; conditions of the theorem violated";
        runner.emit(s, row);
        terms.push_back(fmt::format("| {} | {} | {} | {} | {} | {} |", name, fmt_num(mean_bound.optimisation_term),
                                    fmt_num(mean_bound.noise_term), fmt_num(mean_bound.drift_noise_term),
                                    fmt_num(mean_bound.heterogeneity_term), fmt_num(bound)));
      }
    }
  }
  CheckRow tight;
  tight.case_name = "tightest case (the check is not too easy)";
  tight.predicted = fmt::format("some ratio ≥ {:.2f}", kTightRatio);
  tight.measured = tightest_case;
  tight.ratio = fmt::format("{:.3f}", tightest);
  tight.verdict = tightest >= kTightRatio ? Verdict::pass : Verdict::fail;
  runner.emit(s, tight);

  s.notes.push_back(fmt::format(
      "Problem: synthetic, m = 20, a = 1, λ = 4 (L = 9, non-convex), σ = 2, init_radius 3 (f(x̄⁰) − f* ≈ 25), β = 0.9, "
      "T = {}. A case passes when mean + 2·SE < bound (measured is below the bound by more than two standard errors) "
      "and SE < 10% of the bound, and both conditions of the theorem hold. `predicted` is the seed average of each "
      "seed's right-hand side (f(x̄⁰) depends on the seed's start direction).",
      T));
  s.notes.push_back(
      "Right-hand side term by term (seed averages):\n\n"
      "| case | 2(1−β)(f(x̄⁰)−f*)/(γT) | Lγσ²/((1−β)²N) | 4L²γ²Iσ²/(1−β)² | 9L²γ²I²κ²/(1−β)² | total |\n"
      "| --- | --- | --- | --- | --- | --- |\n" +
      fmt::format("{}", fmt::join(terms, "\n")));
  s.notes.push_back(
      "Why the ratios sit near 0.3–0.5: for small γ, momentum SGD follows the gradient flow of rate γ/(1−β), so "
      "Σ_t ||∇f(x̄⁽ᵗ⁾)||² ≈ (1−β)(f(x̄⁰) − f(x̄ᵀ))/γ, half the first term; the noise floor near x = 0, where the "
      "curvature is exactly L, is (1−β)/2 of the second. κ barely moves the measurement: heterogeneity drifts the "
      "local models apart, but x̄ feels the drift only through the curvature of λ·Σφ (second order), while the bound "
      "charges it at first order.");
  return s;
}

}  // namespace csgd
