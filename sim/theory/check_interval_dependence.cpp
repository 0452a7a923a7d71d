// Check 3: the I dependence of Theorem 1. At fixed γ the right-hand side grows with I through
// 4L²γ²Iσ²/(1−β)² (σ-driven) and 9L²γ²I²κ²/(1−β)² (κ-driven); the measured excess over I = 1
// should grow with exponent 1 (κ = 0) and 2 (σ = 0), each within ±0.35.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "csgd/theory.hpp"
#include "theory/statistics.hpp"
#include "theory/theory_checks.hpp"

namespace csgd {
namespace {

constexpr double kTolerance = 0.35;
constexpr std::int64_t kIntervals[] = {1, 2, 4, 8, 16, 32, 64, 128};
// The window of the verdict: I ≫ 1/(1−β) = 2, where the drift between rounds has settled to its
// asymptotic growth (see interval-dependence.yaml). The small-I window is reported as info.
constexpr std::int64_t kFitFrom = 16, kFitTo = 128;
constexpr std::int64_t kSmallFrom = 2, kSmallTo = 16;
constexpr double kMinZ = 3;  // every excess in the window must be positive by 3 standard errors

struct Case {
  const char* name;
  double sigma, kappa, exponent;
};

// The exponent of the phase-averaged drift model, (1/I)Σ_{s<I} E D_s², for momentum β on the
// intervals [from, to]: D_s = Σ_{r≤s} c_r (κ) or Var D_s = Σ_{r≤s} c_r² (σ), c_r = (1−β^r)/(1−β),
// the deviation of u_i − ū r steps after a round (eq. 6 zeroes it). Reported beside the measurement.
double drift_model_exponent(double beta, bool kappa_driven, std::int64_t from, std::int64_t to) {
  std::vector<double> Is, ys;
  for (std::int64_t I : kIntervals) {
    if (I < from || I > to) continue;
    double D = 0, V = 0, sum = 0;
    for (std::int64_t s = 0; s < I; ++s) {  // phase s: s local steps since the last round
      sum += kappa_driven ? D * D : V;
      const double c = (1 - std::pow(beta, static_cast<double>(s + 1))) / (1 - beta);
      D += c;
      V += c * c;
    }
    Is.push_back(static_cast<double>(I));
    ys.push_back(sum / static_cast<double>(I));
  }
  return log_log_slope(Is, ys).slope;
}

}  // namespace

CheckSection check_interval_dependence(CheckRunner& runner) {
  CheckSection s;
  s.number = 3;
  s.id = "interval_dependence";
  s.title = "The I dependence of Theorem 1";
  s.file = "interval-dependence.yaml";
  const std::int64_t T = runner.pick<std::int64_t>(40000, 20000);
  const ExperimentConfig base = runner.config(s.file, {});
  const double L = base.problem.a + 2 * base.problem.lambda, beta = base.algorithm.beta,
               gamma = base.algorithm.lr.initial;
  const Case cases[] = {{"σ-driven (σ = 48, κ = 0)", 48, 0, 1}, {"κ-driven (σ = 0, κ = 7)", 0, 7, 2}};
  for (const Case& c : cases) {
    std::vector<std::vector<double>> measured;  // [interval][seed]
    bool conditions = true;
    for (std::int64_t I : kIntervals) {
      BoundInputs in;
      in.L = L;
      in.sigma = c.sigma;
      in.kappa = c.kappa;
      in.beta = beta;
      in.gamma = gamma;
      in.I = I;
      in.N = base.N;
      in.T = T;
      conditions = conditions && algorithm1_bound(in).conditions_hold();
      const auto runs = runner.run(s.file,
                                   {fmt::format("problem.sigma={}", c.sigma), fmt::format("problem.kappa={}", c.kappa),
                                    fmt::format("algorithm.sync_interval={}", I), fmt::format("stop.iterations={}", T)},
                                   fmt::format("{} I={}", c.name, I));
      measured.push_back(column(runs, &SeedRun::mean_grad_norm_sq));
    }
    // Paired excess over I = 1, seed by seed: the same problem, start and noise streams.
    std::vector<MeanSe> excess;
    std::vector<std::string> table;
    const MeanSe base_mean = mean_se(measured.front());
    table.push_back(fmt::format("| {} | 1 | {} | — |", c.name, fmt_mean_se(base_mean.mean, base_mean.se)));
    for (std::size_t j = 0; j < measured.size(); ++j) {
      std::vector<double> d;
      for (std::size_t k = 0; k < measured[j].size(); ++k) d.push_back(measured[j][k] - measured[0][k]);
      excess.push_back(mean_se(d));
      if (j > 0) {
        const MeanSe m = mean_se(measured[j]);
        table.push_back(fmt::format("| {} | {} | {} | {} |", c.name, kIntervals[j], fmt_mean_se(m.mean, m.se),
                                    fmt_mean_se(excess[j].mean, excess[j].se)));
      }
    }
    const auto fit_window = [&](std::int64_t from, std::int64_t to, double& min_z) {
      std::vector<double> Is, ys, ses;
      min_z = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < excess.size(); ++j) {
        if (kIntervals[j] < from || kIntervals[j] > to) continue;
        Is.push_back(static_cast<double>(kIntervals[j]));
        ys.push_back(excess[j].mean);
        ses.push_back(excess[j].se);
        min_z = std::min(min_z, excess[j].z());
      }
      if (*std::min_element(ys.begin(), ys.end()) <= 0) return std::optional<LineFit>{};
      return std::optional<LineFit>{log_log_slope(Is, ys, ses)};
    };
    double min_z = 0;
    const auto fit = fit_window(kFitFrom, kFitTo, min_z);
    CheckRow row;
    row.case_name = fmt::format("{}, I ∈ {{16, 32, 64, 128}}", c.name);
    row.predicted = fmt::format("exponent {} ± {} (drift model {:.2f})", c.exponent, kTolerance,
                                drift_model_exponent(beta, c.kappa > 0, kFitFrom, kFitTo));
    row.measured = fmt::format("excess I = 16: {}; I = 128: {}", fmt_mean_se(excess[4].mean, excess[4].se),
                               fmt_mean_se(excess.back().mean, excess.back().se));
    if (fit) {
      row.ratio = fmt::format("exponent {:.3f} ± {:.3f} (min z {:.0f})", fit->slope, fit->slope_se, min_z);
      row.verdict = conditions && min_z >= kMinZ && std::abs(fit->slope - c.exponent) <= kTolerance ? Verdict::pass
                                                                                                    : Verdict::fail;
    } else {
      row.ratio = "an excess is ≤ 0: no exponent";
      row.verdict = Verdict::fail;
    }
    if (!conditions) row.ratio += "; Theorem 1's conditions violated";
    runner.emit(s, row);

    double small_z = 0;
    const auto small = fit_window(kSmallFrom, kSmallTo, small_z);
    CheckRow info;
    info.case_name = fmt::format("{}, I ∈ {{2, 4, 8, 16}} (not judged)", c.name);
    info.predicted = fmt::format("drift model {:.2f}", drift_model_exponent(beta, c.kappa > 0, kSmallFrom, kSmallTo));
    info.measured = fmt::format("excess I = 2: {}", fmt_mean_se(excess[1].mean, excess[1].se));
    info.ratio = small ? fmt::format("exponent {:.3f} ± {:.3f}", small->slope, small->slope_se) : "an excess is ≤ 0";
    info.verdict = Verdict::info;
    runner.emit(s, info);
    s.notes.push_back("| case | I | (1/T)Σ‖∇f(x̄⁽ᵗ⁾)‖² | excess over I = 1 (paired) |\n| --- | --- | --- | --- |\n" +
                      fmt::format("{}", fmt::join(table, "\n")));
  }
  s.notes.insert(
      s.notes.begin(),
      fmt::format(
          "Problem: synthetic, m = 10, a = 0.1, λ = 0.45 (L = {}), init_radius 3, N = {}, β = {}, γ = {} (I = 128 ≤ "
          "(1−β)/(6Lγ) = {:.1f}), T = {}. Exponent: least squares of log(excess) on log I, excess = seed mean of "
          "measured(I) − measured(1) (paired by seed); ± propagated from the excesses' SEs. The verdict also needs "
          "every "
          "excess in the window positive by ≥ {} SE.",
          fmt_num(L), base.N, beta, gamma, (1 - beta) / (6 * L * gamma), T, kMinZ));
  s.notes.insert(
      s.notes.begin() + 1,
      "Why I ∈ {16..128}: x̄⁽ᵗ⁾ is observed at every phase s = t mod I of a round, so the excess follows the phase "
      "average of the drift, (1/I)Σ_{s<I} E‖x_i − x̄‖². Eq. (6) also averages the momentum buffers, so u_i − ū restarts "
      "from 0 at each round: the drift grows faster than s (σ) or s² (κ) for the first ~1/(1−β) steps, and "
      "(1/I)Σ_{s<I} s² = (I−1)(2I−1)/6 bends the curve at small I even at β = 0. Theorem 1's I and I² are the growth "
      "for I ≫ 1/(1−β); at small I the measured exponents are steeper, as the drift model (the `predicted` of the "
      "info rows) says. With the grid I ∈ {2, 4, 8, 16} the κ-driven exponent is outside 2 ± 0.35 for every β ≥ 0 "
      "(2.42 at β = 0 in the drift model).");
  return s;
}

}  // namespace csgd
