// Check 5: momentum averaging matters (Remark 1). On a non-IID problem Algorithm 1, which averages
// the momentum buffers with the models (eq. 6), reaches a lower ||∇f(x̄)||² at equal iterations
// than the baseline that averages the models and resets every buffer to zero.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "theory/statistics.hpp"
#include "theory/theory_checks.hpp"

namespace csgd {
namespace {

constexpr double kMinZ = 3;  // the paired log-ratio must be positive by ≥ 3 SE

// iteration → ||∇f(x̄)||² from a run's metrics.csv (one row per evaluation point).
std::map<std::int64_t, double> grad_norm_checkpoints(const std::filesystem::path& dir) {
  std::ifstream in(dir / "metrics.csv");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("empty metrics.csv in " + dir.string());
  const auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::stringstream ss(text);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    return cells;
  };
  const auto header = split(line);
  const auto index = [&](const char* name) {
    for (std::size_t j = 0; j < header.size(); ++j)
      if (header[j] == name) return j;
    throw std::runtime_error(fmt::format("metrics.csv has no column {}", name));
  };
  const std::size_t it = index("iteration"), g = index("grad_norm_sq");
  std::map<std::int64_t, double> out;
  while (std::getline(in, line)) {
    const auto cells = split(line);
    if (cells.size() > std::max(it, g) && !cells[g].empty()) out[std::stoll(cells[it])] = std::stod(cells[g]);
  }
  return out;
}

MeanSe paired_log_ratio(const std::vector<SeedRun>& baseline, const std::vector<SeedRun>& algorithm1,
                        double SeedRun::*field, int& wins) {
  std::vector<double> lr;
  wins = 0;
  for (std::size_t k = 0; k < baseline.size(); ++k) {
    lr.push_back(std::log(baseline[k].*field / (algorithm1[k].*field)));
    wins += lr.back() > 0;
  }
  return mean_se(lr);
}

}  // namespace

CheckSection check_momentum_averaging(CheckRunner& runner) {
  CheckSection s;
  s.number = 5;
  s.id = "momentum_averaging";
  s.title = "Momentum averaging matters (Remark 1)";
  s.file = "momentum-averaging.yaml";
  const ExperimentConfig base = runner.config(s.file, {});
  const std::int64_t T = *base.stop.iterations;
  const auto alg1 = runner.run(s.file, {"algorithm.name=pr-sgd-momentum"}, "algorithm 1");
  const auto reset = runner.run(s.file, {"algorithm.name=local-sgd-reset-momentum"}, "reset momentum");

  int wins = 0;
  const MeanSe a = mean_se(column(alg1, &SeedRun::mean_grad_norm_sq)),
               b = mean_se(column(reset, &SeedRun::mean_grad_norm_sq));
  const MeanSe lr = paired_log_ratio(reset, alg1, &SeedRun::mean_grad_norm_sq, wins);
  CheckRow row;
  row.case_name = fmt::format("(1/T)Σ_t ‖∇f(x̄⁽ᵗ⁾)‖², T = {}: Algorithm 1 vs reset-momentum baseline", T);
  row.predicted = "Algorithm 1 lower";
  row.measured = fmt::format("Algorithm 1 {}; reset {}", fmt_mean_se(a.mean, a.se), fmt_mean_se(b.mean, b.se));
  row.ratio = fmt::format("reset/Alg. 1 ×{:.3f} (margin {:.1f}% lower; z {:.1f}; lower on {}/{} seeds)",
                          std::exp(lr.mean), 100 * (1 - a.mean / b.mean), lr.z(), wins, alg1.size());
  row.verdict = lr.mean > 0 && lr.z() >= kMinZ ? Verdict::pass : Verdict::fail;
  runner.emit(s, row);

  // Not judged: the last iterate, and every checkpoint, to show where the advantage lives.
  const MeanSe fa = mean_se(column(alg1, &SeedRun::final_grad_norm_sq)),
               fb = mean_se(column(reset, &SeedRun::final_grad_norm_sq));
  const MeanSe flr = paired_log_ratio(reset, alg1, &SeedRun::final_grad_norm_sq, wins);
  CheckRow last;
  last.case_name = fmt::format("‖∇f(x̄⁽ᵀ⁾)‖² at T = {} (not judged)", T);
  last.predicted = "—";
  last.measured = fmt::format("Algorithm 1 {}; reset {}", fmt_mean_se(fa.mean, fa.se), fmt_mean_se(fb.mean, fb.se));
  last.ratio = fmt::format("reset/Alg. 1 ×{:.3f} (z {:.1f}; lower on {}/{} seeds)", std::exp(flr.mean), flr.z(), wins,
                           alg1.size());
  last.verdict = Verdict::info;
  runner.emit(s, last);

  std::vector<std::map<std::int64_t, double>> ca, cb;
  for (const auto& r : alg1) ca.push_back(grad_norm_checkpoints(r.dir));
  for (const auto& r : reset) cb.push_back(grad_norm_checkpoints(r.dir));
  std::vector<std::string> table;
  int ahead = 0, points = 0;
  for (const auto& [t, unused] : ca.front()) {
    if (t == 0) continue;
    std::vector<double> va, vb, l;
    for (std::size_t k = 0; k < ca.size(); ++k) {
      va.push_back(ca[k].at(t));
      vb.push_back(cb[k].at(t));
      l.push_back(std::log(vb.back() / va.back()));
    }
    const MeanSe ma = mean_se(va), mb = mean_se(vb), ml = mean_se(l);
    ++points;
    ahead += ma.mean < mb.mean;
    table.push_back(fmt::format("| {} | {} | {} | ×{:.3g} (z {:.1f}) |", t, fmt_mean_se(ma.mean, ma.se),
                                fmt_mean_se(mb.mean, mb.se), std::exp(ml.mean), ml.z()));
  }
  CheckRow trace;
  trace.case_name = "checkpoints every 100 iterations (not judged)";
  trace.predicted = "—";
  trace.measured = fmt::format("Algorithm 1 lower at {}/{} checkpoints", ahead, points);
  trace.ratio = "see the table";
  trace.verdict = Verdict::info;
  runner.emit(s, trace);

  s.notes.push_back(fmt::format(
      "Problem: synthetic, m = 10, a = 0.1, λ = 0.45 (L = 1, non-convex), σ = 1, κ = 2 (non-IID), init_radius 3, "
      "N = {}, β = {}, I = {}, γ = {}, T = {}; inside Theorem 1's conditions. Verdict: the mean over seeds of "
      "log(baseline/Algorithm 1) of the paper's measure (1/T)Σ_t‖∇f(x̄⁽ᵗ⁾)‖² (Remark 2: E‖∇f(x̄⁽ᴿ⁾)‖² for R uniform "
      "in 0..T−1) must be positive by ≥ {} SE. Margin = 1 − mean(Algorithm 1)/mean(baseline).",
      base.N, base.algorithm.beta, base.algorithm.I, base.algorithm.lr.initial, T, kMinZ));
  s.notes.push_back(
      "Where the advantage lives: resetting u every I = 8 steps throws away most of momentum's (1−β)⁻¹ = 10× "
      "amplification, so the baseline descends far more slowly and Algorithm 1 is ahead by orders of magnitude during "
      "the transient. Once both have converged the baseline, moving effectively with a smaller step, sits on a lower "
      "noise floor, and its last iterate is lower than Algorithm 1's. The claim of Remark 1 is about convergence; at "
      "a fixed step size past convergence the comparison reverses, and the table shows where.");
  s.notes.push_back(
      "| t | Algorithm 1 ‖∇f(x̄⁽ᵗ⁾)‖² | reset baseline | baseline/Alg. 1 (paired geometric mean) |\n"
      "| --- | --- | --- | --- |\n" +
      fmt::format("{}", fmt::join(table, "\n")));
  return s;
}

}  // namespace csgd
