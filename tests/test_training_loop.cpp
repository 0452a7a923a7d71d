// The training loop's own bookkeeping, end to end through run_experiment: which iterations
// synchronise, which t enter (1/T) Σ_t ‖∇f(x̄ᵗ)‖², the rounds and the simulated time. A reference
// written here from the paper's equations replays each run on the same deterministic problem
// (synthetic, σ = 0) and every metrics row is compared with it.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "csgd/problem.hpp"
#include "csgd/runner.hpp"
#include "support/temp_dir.hpp"

using namespace csgd;
using csgd::testing::read_file;

namespace {

constexpr int kN = 4, kT = 9, kI = 3, kD = 5;
constexpr double kBeta = 0.7, kGamma = 0.05, kStep = 1e-3, kAlpha = 2e-5, kB = 1e8;
using Vec = std::vector<double>;

struct Row {
  long t, rounds;
  double sim_time_s, consensus_x, consensus_u;
};

std::vector<Row> metrics_rows(const std::filesystem::path& file) {
  std::stringstream csv(read_file(file));
  std::string line;
  std::getline(csv, line);  // iteration,epoch,rounds,bytes_total,bytes_per_worker,sim_time_s,lr,…,consensus_x,consensus_u,wall_s
  std::vector<Row> rows;
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) c.push_back(cell);
    rows.push_back({std::stol(c[0]), std::stol(c[2]), std::stod(c[5]), std::stod(c[12]), std::stod(c[13])});
  }
  return rows;
}

Vec mean(const std::vector<Vec>& v) {
  Vec m(kD, 0.0);
  for (const Vec& x : v)
    for (int k = 0; k < kD; ++k) m[k] += x[k] / kN;
  return m;
}

double spread(const std::vector<Vec>& v) {  // (1/N) Σ_i ‖v_i − v̄‖²
  const Vec m = mean(v);
  double s = 0;
  for (const Vec& x : v)
    for (int k = 0; k < kD; ++k) s += (x[k] - m[k]) * (x[k] - m[k]);
  return s / kN;
}

// The reference: per-iteration consensus after iteration t, and (1/T) Σ_{t=0}^{T−1} ‖∇f(x̄ᵗ)‖².
struct Reference {
  std::vector<double> consensus_x, consensus_u;  // index t = 0..T
  double mean_grad_norm_sq = 0;
};

Reference replay(const std::string& algorithm, bool nesterov, Problem<double>& problem) {
  std::vector<Vec> x(kN, Vec(kD)), u(kN, Vec(kD, 0.0));
  problem.initial_point(x[0]);
  for (int i = 1; i < kN; ++i) x[i] = x[0];
  Rng unused(1, 0);
  Reference r;
  r.consensus_x.push_back(spread(x));
  r.consensus_u.push_back(spread(u));
  for (int t = 1; t <= kT; ++t) {
    const Vec xbar = mean(x);
    r.mean_grad_norm_sq += *problem.evaluate(xbar, {true}).grad_norm_sq / kT;  // x̄^(t−1)
    for (int i = 0; i < kN; ++i) {
      Vec g(kD);
      problem.stochastic_gradient(i, x[i], g, unused);  // σ = 0: the exact ∇f_i
      for (int k = 0; k < kD; ++k) {
        u[i][k] = kBeta * u[i][k] + g[k];                                 // eqs. (4), (5): u
        x[i][k] -= kGamma * (nesterov ? kBeta * u[i][k] + g[k] : u[i][k]);  // (4) Polyak, (5) Nesterov
      }
    }
    if (algorithm == "decentralized-momentum") {  // eq. (18) on a ring of 4: W_ij = 1/3 for j ∈ {i−1, i, i+1}
      std::vector<Vec> mx(kN, Vec(kD)), mu(kN, Vec(kD));
      for (int i = 0; i < kN; ++i)
        for (int k = 0; k < kD; ++k)
          for (int j : {(i + kN - 1) % kN, i, (i + 1) % kN}) {
            mx[i][k] += x[j][k] / 3;
            mu[i][k] += u[j][k] / 3;
          }
      x = mx;
      u = mu;
    } else if (t % kI == 0) {  // eq. (6) and the baselines' variants, every I-th iteration
      const Vec xa = mean(x), ua = mean(u);
      for (int i = 0; i < kN; ++i) {
        x[i] = xa;
        if (algorithm == "pr-sgd-momentum") u[i] = ua;
        if (algorithm == "local-sgd-reset-momentum") u[i].assign(kD, 0.0);
      }
    }
    r.consensus_x.push_back(spread(x));
    r.consensus_u.push_back(spread(u));
  }
  return r;
}

void check_run(const std::string& algorithm, bool nesterov) {
  CAPTURE(algorithm);
  CAPTURE(nesterov);
  testing::TempDir tmp;
  const std::string sync = algorithm == "decentralized-momentum" ? "mixing: ring" : "sync_interval: " + std::to_string(kI);
  const std::string text =
      "workers: 4\nprecision: float64\n"
      "problem: {model: synthetic, dimension: 5, sigma: 0, kappa: 0.8, lambda: 0.5}\n"
      "algorithm: {name: " + algorithm + ", momentum: 0.7, nesterov: " + (nesterov ? "true" : "false") +
      ", lr: 0.05, " + sync + "}\n"
      "timing: {compute: {step_time: 1ms}, network: {model: analytic, latency: 20us, bandwidth: 1e8}}\n"
      "stop: {iterations: 9}\neval: {every_iterations: 1}\n";
  const ExperimentPlan plan = load_experiment_text(text, "loop.yaml", {});
  RunOptions options;
  options.out_dir = tmp.path();
  REQUIRE(run_experiment(plan, options).front().status == RunStatus::completed);

  auto problem = make_problem<double>(plan.runs[0].config.problem, kN, plan.runs[0].config.seed);
  const Reference ref = replay(algorithm, nesterov, *problem);
  const std::vector<Row> rows = metrics_rows(tmp / "run" / "metrics.csv");
  REQUIRE(rows.size() == kT + 1);

  // Payload M: x and u (Algorithm 1, Algorithm 2) or x alone (the baselines), 8-byte scalars.
  const bool two_copies = algorithm == "pr-sgd-momentum" || algorithm == "decentralized-momentum";
  const double M = (two_copies ? 2 : 1) * kD * 8.0;
  const bool mixes = algorithm == "decentralized-momentum";
  const double round_s = mixes ? kAlpha + M / kB                                 // neighbour exchange
                               : 2.0 * (kN - 1) * (kAlpha + M / (kN * kB));      // ring all-reduce
  for (const Row& row : rows) {
    CAPTURE(row.t);
    const long rounds = mixes ? row.t : row.t / kI;
    CHECK(row.rounds == rounds);
    CHECK(row.sim_time_s == doctest::Approx(row.t * kStep + rounds * round_s).epsilon(1e-12));
    CHECK(row.consensus_x == doctest::Approx(ref.consensus_x[static_cast<std::size_t>(row.t)]).epsilon(1e-9));
    CHECK(row.consensus_u == doctest::Approx(ref.consensus_u[static_cast<std::size_t>(row.t)]).epsilon(1e-9));
    if (!mixes && row.t % kI == 0) CHECK(row.consensus_x == 0.0);  // exactly, right after every sync
    if (!mixes && row.t % kI != 0) CHECK(row.consensus_x > 0.0);
  }
  const auto summary = nlohmann::json::parse(read_file(tmp / "run" / "summary.json"));
  CHECK(summary.at("rounds") == (mixes ? kT : kT / kI));
  CHECK(summary.at("mean_grad_norm_sq").get<double>() == doctest::Approx(ref.mean_grad_norm_sq).epsilon(1e-12));
}

}  // namespace

TEST_CASE("Algorithm 1 (Options I and II) syncs x and u every I-th iteration, and the loop's sums match the paper's") {
  check_run("pr-sgd-momentum", false);
  check_run("pr-sgd-momentum", true);
}

TEST_CASE("the reset baseline averages x and zeroes u every I-th iteration") { check_run("local-sgd-reset-momentum", false); }

TEST_CASE("the local-momentum baseline averages x and keeps each worker's u") { check_run("local-sgd-local-momentum", false); }

TEST_CASE("Algorithm 2 mixes x and u with W every iteration and pays one neighbour exchange each") {
  check_run("decentralized-momentum", false);
}
