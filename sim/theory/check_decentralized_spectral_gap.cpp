// Check 4: Theorem 3 (Algorithm 2, Options I and II). The main text gives the bound only as
//   O(1/(γT)) + O(γσ²/N) + O(γ²σ²) + O(γ²κ²)
// with constants that depend on √ρ, so the check tests what that predicts: (A) the error floor
// grows as the spectral gap 1 − √ρ shrinks (complete < torus < ring < line at equal N and γ);
// (B) at γ = √(N/T) the average falls like 1/√N (Corollary 3); and it fits the constant of each
// O-term over all of its runs by non-negative least squares.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "csgd/theory.hpp"
#include "theory/statistics.hpp"
#include "theory/theory_checks.hpp"

namespace csgd {
namespace {

constexpr double kSlopeLow = -0.65, kSlopeHigh = -0.35;
constexpr double kMinZ = 3;  // each step of the order must hold by ≥ 3 SE of the paired log-ratio
constexpr const char* kTopologies[] = {"complete", "torus", "ring", "line"};  // 1 − √ρ decreasing
constexpr int kSpeedupNs[] = {4, 8, 16, 32};

// One configuration's seed average, as a row of the O-term fit.
struct FitPoint {
  double measured, f_gap, gamma, sigma, kappa, L;
  std::int64_t T;
  int N;
  std::string topology;
};

struct OFit {
  Eigen::VectorXd c;
  double rms = 0, worst = 0;  // relative residuals
  std::size_t rows = 0;
};

// measured ≈ c1·(f(x̄⁰)−f*)/(γT) + c2·Lγσ²/N + c3·L²γ²σ² + c4·L²γ²κ², c ≥ 0, over the points
// `use` keeps; each row divided by its measurement so that floors of 1e-8 and averages of 1e-5
// count alike (relative least squares).
template <class Keep>
OFit fit_o_terms(const std::vector<FitPoint>& points, Keep use) {
  std::vector<const FitPoint*> kept;
  for (const auto& p : points)
    if (use(p)) kept.push_back(&p);
  Eigen::MatrixXd A(static_cast<Eigen::Index>(kept.size()), 4);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(kept.size()));
  for (std::size_t j = 0; j < kept.size(); ++j) {
    const FitPoint& p = *kept[j];
    const auto r = static_cast<Eigen::Index>(j);
    A(r, 0) = p.f_gap / (p.gamma * static_cast<double>(p.T));
    A(r, 1) = p.L * p.gamma * p.sigma * p.sigma / p.N;
    A(r, 2) = p.L * p.L * p.gamma * p.gamma * p.sigma * p.sigma;
    A(r, 3) = p.L * p.L * p.gamma * p.gamma * p.kappa * p.kappa;
    A.row(r) /= p.measured;
  }
  OFit f;
  f.c = nnls(A, b);
  const Eigen::VectorXd rel = A * f.c - b;
  f.rms = std::sqrt(rel.squaredNorm() / static_cast<double>(rel.size()));
  f.worst = rel.cwiseAbs().maxCoeff();
  f.rows = kept.size();
  return f;
}

double bound_inputs_L(const nlohmann::json& summary) { return summary.at("problem_constants").at("L"); }

FitPoint fit_point(const std::vector<SeedRun>& runs, double gamma, std::int64_t T, const std::string& topology) {
  const auto& k = runs.front().summary.at("problem_constants");
  FitPoint p{};
  p.measured = mean_se(column(runs, &SeedRun::mean_grad_norm_sq)).mean;
  p.f_gap = mean_se(column(runs, &SeedRun::f_gap)).mean;
  p.gamma = gamma;
  p.sigma = k.at("sigma");
  p.kappa = k.at("kappa");
  p.L = k.at("L");
  p.T = T;
  p.N = runs.front().summary.at("workers");
  p.topology = topology;
  return p;
}

// Theorem 3's step-size condition for the W of this run (√ρ from summary.json).
bool theorem3_gamma_holds(const SeedRun& r, double gamma, double beta) {
  BoundInputs in;
  in.L = bound_inputs_L(r.summary);
  in.beta = beta;
  in.gamma = gamma;
  in.N = r.summary.at("workers");
  return algorithm2_conditions(in, r.summary.at("mixing").at("sqrt_rho")).gamma_condition.holds();
}

}  // namespace

CheckSection check_decentralized_spectral_gap(CheckRunner& runner) {
  CheckSection s;
  s.number = 4;
  s.id = "decentralized";
  s.title = "Theorem 3 (Algorithm 2): floors against the spectral gap, speedup in N, O-constants";
  s.file = "decentralized-spectral-gap.yaml";
  const ExperimentConfig base = runner.config(s.file, {});
  const double beta = base.algorithm.beta, gamma_A = base.algorithm.lr.initial;
  const std::int64_t T_A = runner.pick<std::int64_t>(60000, 30000), T_B = runner.pick<std::int64_t>(40000, 20000);
  std::vector<FitPoint> points;
  std::vector<std::string> floor_table, speedup_table;

  for (bool nesterov : {false, true}) {
    const std::string option = nesterov ? "Option II" : "Option I";
    // (A) floors at N = 9 from the minimiser, one γ for all four W.
    for (double gamma : {gamma_A, gamma_A / 2}) {
      std::vector<std::vector<double>> floors;
      std::vector<double> gaps;
      bool conditions = true;
      for (const char* topology : kTopologies) {
        const auto runs =
            runner.run(s.file,
                       {fmt::format("algorithm.nesterov={}", nesterov), fmt::format("algorithm.lr={}", gamma),
                        fmt::format("algorithm.mixing={}", topology), fmt::format("stop.iterations={}", T_A)},
                       fmt::format("{} floor {} gamma={}", option, topology, gamma));
        floors.push_back(column(runs, &SeedRun::mean_grad_norm_sq));
        gaps.push_back(runs.front().summary.at("mixing").at("spectral_gap"));
        conditions = conditions && theorem3_gamma_holds(runs.front(), gamma, beta);
        points.push_back(fit_point(runs, gamma, T_A, topology));
        const MeanSe m = mean_se(floors.back());
        floor_table.push_back(fmt::format("| {} | {} | {} | {:.4f} | {} |", option, fmt_num(gamma), topology,
                                          gaps.back(), fmt_mean_se(m.mean, m.se)));
      }
      // Paired log-ratios of neighbours in the order, seed by seed.
      double min_z = std::numeric_limits<double>::infinity();
      std::vector<std::string> steps;
      for (std::size_t j = 1; j < floors.size(); ++j) {
        std::vector<double> lr;
        for (std::size_t k = 0; k < floors[j].size(); ++k) lr.push_back(std::log(floors[j][k] / floors[j - 1][k]));
        const MeanSe m = mean_se(lr);
        min_z = std::min(min_z, m.z());
        steps.push_back(
            fmt::format("{}/{} ×{:.4g} (z {:.1f})", kTopologies[j], kTopologies[j - 1], std::exp(m.mean), m.z()));
      }
      CheckRow row;
      row.case_name = fmt::format("{}, N = 9, γ = {}: floor order", option, fmt_num(gamma));
      row.predicted = fmt::format("complete < torus < ring < line (1 − √ρ = {:.3f}, {:.3f}, {:.3f}, {:.3f})", gaps[0],
                                  gaps[1], gaps[2], gaps[3]);
      std::vector<std::string> means;
      for (std::size_t j = 0; j < floors.size(); ++j)
        means.push_back(fmt::format("{} {}", kTopologies[j], fmt_num(mean_se(floors[j]).mean)));
      row.measured = fmt::format("{}", fmt::join(means, ", "));
      row.ratio = fmt::format("{}", fmt::join(steps, ", "));
      row.verdict = conditions && min_z >= kMinZ ? Verdict::pass : Verdict::fail;
      if (!conditions) row.ratio += "; Theorem 3's condition on γ violated";
      runner.emit(s, row);
    }
    // (B) Corollary 3: torus of N workers at γ = √(N/T), from a seeded start.
    std::vector<double> Ns, means, ses;
    bool conditions = true;
    for (int N : kSpeedupNs) {
      const auto runs = runner.run(s.file,
                                   {fmt::format("algorithm.nesterov={}", nesterov), "algorithm.lr={schedule: theory}",
                                    "algorithm.mixing=torus", fmt::format("workers={}", N), "problem.sigma=0.2",
                                    "problem.kappa=0", "problem.init=seeded", fmt::format("stop.iterations={}", T_B)},
                                   fmt::format("{} speedup N={}", option, N));
      const double gamma = std::sqrt(static_cast<double>(N) / static_cast<double>(T_B));
      BoundInputs in;
      in.L = bound_inputs_L(runs.front().summary);
      in.beta = beta;
      in.gamma = gamma;
      in.N = N;
      const double sqrt_rho = runs.front().summary.at("mixing").at("sqrt_rho");
      const Algorithm2Conditions a2 = algorithm2_conditions(in, sqrt_rho);
      conditions = conditions && a2.gamma_condition.holds() && static_cast<double>(T_B) >= a2.T_min_corollary3;
      points.push_back(fit_point(runs, gamma, T_B, "torus"));
      const MeanSe m = mean_se(column(runs, &SeedRun::mean_grad_norm_sq));
      Ns.push_back(N);
      means.push_back(m.mean);
      ses.push_back(m.se);
      speedup_table.push_back(fmt::format("| {} | {} | {} | {:.4f} | {} | {} |", option, N,
                                          runs.front().summary.at("mixing").at("source").get<std::string>(),
                                          1 - sqrt_rho, fmt_num(gamma), fmt_mean_se(m.mean, m.se)));
    }
    const LineFit fit = log_log_slope(Ns, means, ses);
    CheckRow row;
    row.case_name = fmt::format("{}, torus N ∈ {{4, 8, 16, 32}}, γ = √(N/T): slope in N", option);
    row.predicted = fmt::format("slope −0.5 in [{}, {}]", kSlopeLow, kSlopeHigh);
    row.measured = fmt::format("N = 4: {}; N = 32: {}", fmt_mean_se(means.front(), ses.front()),
                               fmt_mean_se(means.back(), ses.back()));
    row.ratio = fmt::format("slope {:.3f} ± {:.3f}", fit.slope, fit.slope_se);
    row.verdict = conditions && fit.slope >= kSlopeLow && fit.slope <= kSlopeHigh ? Verdict::pass : Verdict::fail;
    if (!conditions) row.ratio += "; Theorem 3 / Corollary 3 conditions violated";
    runner.emit(s, row);
  }

  // The O-terms' constants over every configuration, then without the line (see the notes).
  const auto emit_fit = [&](const OFit& f, const std::string& which) {
    CheckRow row;
    row.case_name = fmt::format("O-term constants, NNLS over {} configurations{}", f.rows, which);
    row.predicted = "c1·(f(x̄⁰)−f*)/(γT) + c2·Lγσ²/N + c3·L²γ²σ² + c4·L²γ²κ²";
    row.measured = fmt::format("c1 = {}, c2 = {}, c3 = {}, c4 = {}", fmt_num(f.c(0)), fmt_num(f.c(1)), fmt_num(f.c(2)),
                               fmt_num(f.c(3)));
    row.ratio = fmt::format("relative RMS residual {:.1f}%, worst {:.1f}%", 100 * f.rms, 100 * f.worst);
    row.verdict = Verdict::info;
    runner.emit(s, row);
  };
  emit_fit(fit_o_terms(points, [](const FitPoint&) { return true; }), "");
  emit_fit(fit_o_terms(points, [](const FitPoint& p) { return p.topology != "line"; }), " (without the line)");

  s.notes.push_back(fmt::format(
      "Problem: synthetic, m = 10, a = 0.001, λ = 0.0045 (L = 0.01, non-convex), β = {}. (A) N = 9, start at the "
      "minimiser (f(x̄⁰) − f* = 0), σ = 0.05, κ = 10, γ = {} (Theorem 3's limit on the line, the smallest gap, is "
      "6.735e-3) and γ/2, T = {}. Floors are compared seed by seed (same problem, same noise streams): the mean of "
      "log(floor_next/floor_prev) over seeds must be positive by ≥ {} SE. (B) torus, init_radius 3, σ = 0.2, κ = 0, "
      "γ = √(N/T), T = {}; Theorem 3's step-size condition and Corollary 3's T condition hold at every N.",
      beta, fmt_num(gamma_A), T_A, kMinZ, T_B));
  s.notes.push_back(
      "Floors (part A):\n\n| option | γ | W | 1 − √ρ | (1/T)Σ‖∇f(x̄⁽ᵗ⁾)‖² |\n| --- | --- | --- | --- | --- |\n" +
      fmt::format("{}", fmt::join(floor_table, "\n")));
  s.notes.push_back(
      "Speedup (part B):\n\n| option | N | W | 1 − √ρ | γ | (1/T)Σ‖∇f(x̄⁽ᵗ⁾)‖² |\n| --- | --- | --- | --- | --- | --- "
      "|\n" +
      fmt::format("{}", fmt::join(speedup_table, "\n")));
  s.notes.push_back(
      "O-term fit: non-negative least squares on the seed means of every configuration above (both parts, both "
      "options), each equation divided by its measurement (relative residuals), features (f(x̄⁰)−f*)/(γT), Lγσ²/N, "
      "L²γ²σ², L²γ²κ² so the c's are dimensionless and comparable with Theorem 1's 2(1−β), 1/(1−β)², 4I/(1−β)², "
      "9I²/(1−β)². Theorem 3 hides a dependence on √ρ in these constants; one set of c's over four topologies is a "
      "summary, and part A's rows show that dependence directly. The spread between workers reaches x̄ only "
      "through the curvature of λ·Σφ, so on this problem the γ²κ² term is small next to its worst case. The fit over "
      "every configuration is loose because of the line: its floor grows far faster than γ² between γ/2 and γ (its "
      "workers' spread reaches the non-convex band of φ), and its average from the minimiser is still rising with T "
      "(x̄ settles slowly where that spread flattens the averaged curvature), so no single set of O-constants "
      "describes it; without the line the same four terms fit the rest closely.");
  return s;
}

}  // namespace csgd
