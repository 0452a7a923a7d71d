#pragma once
// `csgd check theory`: the five checks of the paper's claims on the synthetic problem, each run
// through the real program path (experiment files in experiments/theory/, --set overrides, a
// seed sweep, run_experiment into a scratch folder, summary.json read back).
//
//   1 theorem_bounds        Theorems 1–2: measured (1/T)Σ_t ||∇f(x̄⁽ᵗ⁾)||² below the right-hand side
//   2 linear_speedup        Corollaries 1–2: slope of that average in N at γ = √(N/T) is about −1/2
//   3 interval_dependence   Theorem 1's I and I² terms: exponent of the excess over I = 1
//   4 decentralized         Theorem 3 / Corollary 3: floors ordered by spectral gap, slope in N, O-constants
//   5 momentum_averaging    Remark 1: Algorithm 1 beats the reset-momentum baseline
//
// Statistics are honest by construction: fixed seeds 1..K, the same seeds for every case of a
// check (paired comparisons), standard errors shown, one pass, no retries.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "csgd/experiment.hpp"

namespace csgd {

enum class Verdict { pass, fail, info };  // info: reported, not judged
const char* to_string(Verdict v);

// One printed row: case, predicted, measured, ratio or slope, verdict.
struct CheckRow {
  std::string case_name;
  std::string predicted;
  std::string measured;
  std::string ratio;  // ratio, slope or exponent, with its standard error
  Verdict verdict = Verdict::info;
};

// One check's results, as written to the report.
struct CheckSection {
  int number = 0;
  std::string id;     // e.g. "theorem_bounds"
  std::string title;  // e.g. "Theorems 1 and 2 hold"
  std::string file;   // the base experiment file, relative to experiments/theory/
  std::vector<CheckRow> rows;
  std::vector<std::string> notes;  // markdown paragraphs: constants, thresholds, findings
  int seeds = 0;                   // K: seeds 1..K
  std::int64_t runs = 0;
  double wall_s = 0;
  bool passed() const;  // no row failed
};

struct CheckSettings {
  bool fast = false;      // the CI subset: fewer seeds, shorter T, same thresholds
  int seeds = 0;          // K, seeds 1..K; 0: each check's default for fast/full
  std::vector<int> only;  // run only these check numbers (1..5); empty: all
  // Runs at a time, each on one thread (0: one per core). The checks' problems are tiny, so
  // threads inside a run cost more than they bring; runs are independent and deterministic, so
  // the results are bit-identical for any value.
  int threads = 0;
  std::filesystem::path experiments_dir;                             // experiments/theory
  std::filesystem::path scratch_dir;                                 // run folders go here (the caller removes it)
  std::function<void(const CheckSection&, const CheckRow&)> on_row;  // e.g. print it
};

// What one seed's run left in its summary.json, plus f(x̄⁰) − f* of its start.
struct SeedRun {
  std::uint64_t seed = 0;
  double mean_grad_norm_sq = 0;   // (1/T) Σ_{t<T} ||∇f(x̄⁽ᵗ⁾)||²
  double final_grad_norm_sq = 0;  // ||∇f(x̄⁽ᵀ⁾)||²
  double f_gap = 0;               // f(x̄⁰) − f* (f* = 0 on the synthetic problem)
  std::filesystem::path dir;      // the run folder (metrics.csv, summary.json)
  nlohmann::json summary;
};

// Runs experiment files for one check and counts what it ran.
class CheckRunner {
 public:
  CheckRunner(const CheckSettings& settings, int default_seeds_fast, int default_seeds_full);

  bool fast() const { return settings_.fast; }
  int K() const { return K_; }
  // `full` in the full set, `fast` in the CI subset.
  template <class T>
  T pick(T full, T fast) const {
    return settings_.fast ? fast : full;
  }

  // Loads experiments_dir/file with `overrides` plus a sweep over seeds 1..K, checks it is the
  // synthetic problem in float64, runs it (quietly; settings.threads runs at a time) and returns
  // one SeedRun per seed in seed order. A run that does not complete is an error
  // (std::runtime_error), not a data point.
  std::vector<SeedRun> run(const std::string& file, std::vector<std::string> overrides, const std::string& label);

  // The configuration `run` would use for seed 1 (to read constants without running).
  ExperimentConfig config(const std::string& file, std::vector<std::string> overrides) const;

  // Appends a decided row to the section and reports it through settings.on_row.
  void emit(CheckSection& section, CheckRow row);

  std::int64_t runs() const { return runs_; }
  const CheckSettings& settings() const { return settings_; }

 private:
  const CheckSettings& settings_;
  int K_;
  std::int64_t runs_ = 0;
  int batch_ = 0;
};

CheckSection check_theorem_bounds(CheckRunner& runner);
CheckSection check_linear_speedup(CheckRunner& runner);
CheckSection check_interval_dependence(CheckRunner& runner);
CheckSection check_decentralized_spectral_gap(CheckRunner& runner);
CheckSection check_momentum_averaging(CheckRunner& runner);

// All five in order (or settings.only); `on_row` sees each row as it is decided.
std::vector<CheckSection> run_theory_checks(const CheckSettings& settings);

// DIR/REPORT.md (markdown: summary table, then each check's rows, seeds and notes) and
// DIR/checks.csv (one line per row).
struct ReportInfo {
  bool fast = false;
  std::string command;  // how the report was produced
  double wall_s = 0;
};
void write_check_report(const std::vector<CheckSection>& sections, const ReportInfo& info,
                        const std::filesystem::path& dir);
std::string format_check_row(const CheckSection& section, const CheckRow& row);  // one console line

// Helpers shared by the checks.
std::string seeds_text(int K);                    // "1–16"
std::string fmt_num(double v);                    // 4 significant digits
std::string fmt_mean_se(double mean, double se);  // "0.1234 ± 0.0012"
std::vector<double> column(const std::vector<SeedRun>& runs, double SeedRun::*field);

}  // namespace csgd
