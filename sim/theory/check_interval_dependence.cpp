// Check 3: the I dependence of Theorem 1. At fixed γ the right-hand side grows with I through
// 4L²γ²Iσ²/(1−β)² (σ-driven) and 9L²γ²I²κ²/(1−β)² (κ-driven): exponents 1 and 2 as I → ∞, an
// upper bound on the growth. What the growth is over a finite window of I is predicted by the
// drift model below, which depends on β; the measured exponents over I ∈ {16..128} are judged
// against it at β ∈ {0, 0.5, 0.9}, within ±kTolerance, and Theorem 1's 1 and 2 are reported as the
// asymptotic reference.
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

constexpr double kTolerance = 0.2;  // |measured − drift model| on the exponent
constexpr double kBetas[] = {0.0, 0.5, 0.9};
constexpr std::int64_t kIntervals[] = {1, 2, 4, 8, 16, 32, 64, 128};
// The window of the verdict: I ≫ 1/(1−β) = 2, where the drift between rounds has settled to its
// asymptotic growth (see interval-dependence.yaml).
constexpr std::int64_t kFitFrom = 16, kFitTo = 128;
constexpr double kMinZ = 3;  // every excess in the window must be positive by 3 standard errors

struct Case {
  const char* name;
  double sigma, kappa, exponent;  // exponent: Theorem 1's, as I → ∞
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
  const double L = base.problem.a + 2 * base.problem.lambda, base_beta = base.algorithm.beta,
               base_gamma = base.algorithm.lr.initial;
  const Case cases[] = {{"σ-driven (σ = 48, κ = 0)", 48, 0, 1}, {"κ-driven (σ = 0, κ = 7)", 0, 7, 2}};
  for (const double beta : kBetas) {
    // γ/(1−β), the step momentum effectively takes, is the same for every β: so is the drift's
    // scale, and I = 128 ≤ (1−β)/(6Lγ) holds for each (Theorem 1's condition).
    const double gamma = base_gamma * (1 - beta) / (1 - base_beta);
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
        const auto runs = runner.run(
            s.file,
            {fmt::format("problem.sigma={}", c.sigma), fmt::format("problem.kappa={}", c.kappa),
             fmt::format("algorithm.momentum={}", beta), fmt::format("algorithm.lr={}", gamma),
             fmt::format("algorithm.sync_interval={}", I), fmt::format("stop.iterations={}", T)},
            fmt::format("{} β={} I={}", c.name, beta, I));
        measured.push_back(column(runs, &SeedRun::mean_grad_norm_sq));
      }
      // Paired excess over I = 1, seed by seed: the same problem, start and noise streams.
      std::vector<MeanSe> excess;
      std::vector<std::string> table;
      const MeanSe base_mean = mean_se(measured.front());
      table.push_back(fmt::format("| {} | {} | 1 | {} | — |", c.name, beta, fmt_mean_se(base_mean.mean, base_mean.se)));
      for (std::size_t j = 0; j < measured.size(); ++j) {
        std::vector<double> d;
        for (std::size_t k = 0; k < measured[j].size(); ++k) d.push_back(measured[j][k] - measured[0][k]);
        excess.push_back(mean_se(d));
        if (j > 0) {
          const MeanSe m = mean_se(measured[j]);
          table.push_back(fmt::format("| {} | {} | {} | {} | {} |", c.name, beta, kIntervals[j], fmt_mean_se(m.mean, m.se),
                                      fmt_mean_se(excess[j].mean, excess[j].se)));
        }
      }
      std::vector<double> Is, ys, ses;
      double min_z = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < excess.size(); ++j) {
        if (kIntervals[j] < kFitFrom || kIntervals[j] > kFitTo) continue;
        Is.push_back(static_cast<double>(kIntervals[j]));
        ys.push_back(excess[j].mean);
        ses.push_back(excess[j].se);
        min_z = std::min(min_z, excess[j].z());
      }
      const bool positive = *std::min_element(ys.begin(), ys.end()) > 0;
      std::optional<LineFit> fit;
      if (positive) fit = log_log_slope(Is, ys, ses);
      const double model = drift_model_exponent(beta, c.kappa > 0, kFitFrom, kFitTo);

      CheckRow row;
      row.case_name = fmt::format("{}, β = {}, γ = {:.3g}, I ∈ {{16, 32, 64, 128}}", c.name, beta, gamma);
      row.predicted = fmt::format("drift model: exponent {:.2f} ± {}", model, kTolerance);
      row.measured = fmt::format("excess I = 16: {}; I = 128: {}", fmt_mean_se(excess[4].mean, excess[4].se),
                                 fmt_mean_se(excess.back().mean, excess.back().se));
      if (fit) {
        row.ratio = fmt::format("exponent {:.3f} ± {:.3f} (min z {:.0f})", fit->slope, fit->slope_se, min_z);
        row.verdict = conditions && min_z >= kMinZ && std::abs(fit->slope - model) <= kTolerance ? Verdict::pass
                                                                                               : Verdict::fail;
      } else {
        row.ratio = "an excess is ≤ 0: no exponent";
        row.verdict = Verdict::fail;
      }
      if (!conditions) row.ratio += "; Theorem 1's conditions violated";
      runner.emit(s, row);

      CheckRow reference;  // what the theorem says: a bound on the growth, reached as I → ∞
      reference.case_name = fmt::format("{}, β = {}: Theorem 1 (reference, not judged)", c.name, beta);
      reference.predicted = fmt::format("at most exponent {} as I → ∞ ({})", c.exponent, c.kappa > 0 ? "I²κ²" : "Iσ²");
      reference.measured = "the same runs";
      reference.ratio = fit ? fmt::format("exponent {:.3f}; drift model {:.2f}", fit->slope, model) : "no exponent";
      reference.verdict = Verdict::info;
      runner.emit(s, reference);
      s.notes.push_back("| case | β | I | (1/T)Σ‖∇f(x̄⁽ᵗ⁾)‖² | excess over I = 1 (paired) |\n| --- | --- | --- | --- | --- |\n" +
                        fmt::format("{}", fmt::join(table, "\n")));
    }
  }
  s.notes.insert(
      s.notes.begin(),
      fmt::format(
          "Problem: synthetic, m = 10, a = 0.1, λ = 0.45 (L = {}), init_radius 3, N = {}, T = {}; β ∈ {{0, 0.5, 0.9}} "
          "with γ = {}·(1−β)/{} so that γ/(1−β) is the same for every β and I = 128 ≤ (1−β)/(6Lγ) = {:.1f} holds. "
          "Exponent: least squares of log(excess) on log I over I ∈ {{16, 32, 64, 128}}, excess = seed mean of "
          "measured(I) − measured(1) (paired by seed); ± propagated from the excesses' SEs. A row passes when the "
          "exponent is within ±{} of the drift model's and every excess in the window is positive by ≥ {} SE.",
          fmt_num(L), base.N, T, base_gamma, 1 - base_beta, (1 - base_beta) / (6 * L * base_gamma), kTolerance, kMinZ));
  s.notes.insert(
      s.notes.begin() + 1,
      "What is judged, and against what. Theorem 1 bounds the growth from above: its Iσ² and I²κ² terms give "
      "exponents 1 and 2 as I → ∞ (the reference rows). It does not predict the growth over a finite window of I; "
      "the drift model does. x̄⁽ᵗ⁾ is observed at every phase s = t mod I of a round, so the excess follows the phase "
      "average of the drift, (1/I)Σ_{s<I} E‖x_i − x̄‖², with D_s = Σ_{r≤s} c_r (κ) or Var D_s = Σ_{r≤s} c_r² (σ) and "
      "c_r = (1−β^r)/(1−β): eq. (6) averages the momentum buffers, so u_i − ū restarts from 0 at each round and the "
      "drift grows faster than s (σ) or s² (κ) for the first ~1/(1−β) steps. Over I ∈ {16..128} that gives exponents "
      "near 1 and 2 at β = 0 and 0.5 but 1.67 and 2.69 at β = 0.9, where 1/(1−β) = 10 is not small against 16: "
      "measured exponents above Theorem 1's there are what the model predicts, not a violation of the theorem.");
  return s;
}

}  // namespace csgd
