// One training drives many clocks: sweep points that differ only in timing keys are trained once,
// and every run folder holds the same bytes as running that point alone (wall times aside) —
// through run_experiment, for the analytic and the flow clock, with a loss target, traces,
// divergence and interruption.
#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"
#include "support/run_folder_compare.hpp"
#include "support/temp_dir.hpp"

using namespace csgd;
using csgd::testing::read_file;
using csgd::testing::TempDir;
using csgd::testing::metrics_without_wall;
using csgd::testing::summary_without_wall;

namespace {

// A small MLP on generated data that reaches the loss target mid-run; two numerics settings
// (Algorithm 1 with I = 4, Algorithm 2 on the network's graph or a ring) × four clocks each.
const char* kFlowSweep = R"(name: shared
seed: 3
workers: 4
problem: {model: mlp, hidden: [8], dataset: {name: generated, samples: 400, features: 6, classes: 3}, batch_size: 8}
algorithm: {name: pr-sgd-momentum, momentum: 0.9, lr: 0.1}
timing:
  compute: {step_time: 2ms, jitter: 0.2}
  network: {model: flow, latency: 5us, bandwidth: 10Gbps, topology: ring}
  model_bytes: 1M params
stop: {iterations: 120, target: {loss: 0.7}}
eval: {every_iterations: 5}
sweep:
  algorithm: [{sync_interval: 4}, {name: decentralized-momentum, mixing: {topology: ring}}]
  timing.network.topology: [ring, star]
  timing.network.bandwidth: [1Gbps, 100Gbps]
)";

const char* kAnalyticSweep = R"(name: shared-analytic
seed: 5
workers: 3
precision: float64
problem: {model: synthetic, dimension: 12, sigma: 0.2}
algorithm: {name: pr-sgd-momentum, momentum: 0.5, sync_interval: 3, lr: 0.05}
timing: {compute: {step_time: 1ms}, network: {model: analytic}}
stop: {iterations: 40}
eval: {every_iterations: 4}
sweep:
  timing.network.latency: [1us, 1ms]
  timing.compute.step_time: [1ms, 3ms]
  algorithm.momentum: [0.5, 0.9]
)";

// Algorithm 2 with `mixing: auto` under the flow model takes W from the topology: ring and star
// (switches: a ring) give the same W and share a training; line gives another W and trains alone.
const char* kMixingFromTopology = R"(name: shared-w
seed: 7
workers: 5
precision: float64
problem: {model: synthetic, dimension: 6, sigma: 0.3}
algorithm: {name: decentralized-momentum, momentum: 0.8, lr: 0.05}
timing: {compute: {step_time: 1ms}, network: {model: flow, topology: ring}}
stop: {iterations: 30}
eval: {every_iterations: 5}
sweep:
  timing.network.topology: [ring, line, star]
)";

std::vector<RunResult> run(const ExperimentPlan& plan, const std::filesystem::path& out, bool trace = false,
                           const std::atomic<bool>* interrupt = nullptr) {
  RunOptions options;
  options.out_dir = out;
  options.quiet = true;
  options.trace = trace;
  options.interrupt = interrupt;
  return run_experiment(plan, options);
}

// Runs the sweep once, then each of its points alone, and compares the folders file by file.
// `clocks[k]`: how many clocks run k's training drives (1: trained alone, no note in the report).
void check_same_as_alone(const char* text, bool trace, const std::vector<int>& clocks) {
  TempDir tmp;
  const ExperimentPlan plan = load_experiment_text(text, "exp.yaml", {});
  const std::vector<RunResult> together = run(plan, tmp / "together", trace);
  REQUIRE(together.size() == plan.runs.size());
  REQUIRE(clocks.size() == plan.runs.size());
  for (std::size_t k = 0; k < together.size(); ++k) {
    CAPTURE(together[k].run_name);
    const bool noted = together[k].report.find("one training for " + std::to_string(clocks[k]) + " clocks") !=
                       std::string::npos;
    CHECK(noted == (clocks[k] > 1));
  }

  for (std::size_t k = 0; k < plan.runs.size(); ++k) {
    const std::string name = plan.runs[k].run_name;
    CAPTURE(name);
    ExperimentPlan alone = plan;
    alone.runs = {plan.runs[k]};
    alone.sweep_keys.clear();
    const std::vector<RunResult> solo = run(alone, tmp / "alone", trace);
    REQUIRE(solo.size() == 1);
    CHECK(solo[0].status == together[k].status);
    CHECK(solo[0].iterations == together[k].iterations);
    CHECK(solo[0].sim_time_s == together[k].sim_time_s);
    const auto a = tmp / "together" / name, b = tmp / "alone" / name;
    CHECK(metrics_without_wall(a / "metrics.csv") == metrics_without_wall(b / "metrics.csv"));
    CHECK(summary_without_wall(a / "summary.json") == summary_without_wall(b / "summary.json"));
    CHECK(read_file(a / "model.npy") == read_file(b / "model.npy"));
    CHECK(read_file(a / "config.resolved.yaml") == read_file(b / "config.resolved.yaml"));
    if (trace) CHECK(read_file(a / "trace.json") == read_file(b / "trace.json"));
  }
}

}  // namespace

TEST_CASE("flow-model sweep: 8 points, 2 trainings, every folder the same bytes as the point alone") {
  check_same_as_alone(kFlowSweep, true, std::vector<int>(8, 4));
}

TEST_CASE("analytic-clock sweep: 8 points, 2 trainings (momentum differs), the same bytes as alone") {
  check_same_as_alone(kAnalyticSweep, false, std::vector<int>(8, 4));
}

TEST_CASE("a W that the topology decides splits the training: ring and star share one, line trains alone") {
  check_same_as_alone(kMixingFromTopology, false, {2, 1, 2});
}

TEST_CASE("a loss target stops every clock of a training at the same iteration, at its own simulated time") {
  TempDir tmp;
  const ExperimentPlan plan = load_experiment_text(kFlowSweep, "exp.yaml", {});
  const std::vector<RunResult> results = run(plan, tmp / "out");
  for (const RunResult& r : results) {
    CAPTURE(r.run_name);
    CHECK(r.stop_reason == "target");
    CHECK(r.iterations < 120);
  }
  // Runs 0–3 share Algorithm 1's training, 4–7 Algorithm 2's.
  for (std::size_t k = 1; k < 4; ++k) {
    CHECK(results[k].iterations == results[0].iterations);
    CHECK(results[k + 4].iterations == results[4].iterations);
  }
  CHECK(results[0].sim_time_s > results[1].sim_time_s);  // ring at 1 Gbps is slower than at 100 Gbps
  const std::string sweep_csv = read_file(tmp / "out" / "sweep.csv");
  CHECK(sweep_csv.find(plan.runs.front().run_name) < sweep_csv.find(plan.runs.back().run_name));  // plan order
}

TEST_CASE("a diverging training marks every run it drives diverged") {
  TempDir tmp;
  const ExperimentPlan plan = load_experiment_text(kAnalyticSweep, "exp.yaml", {"algorithm.lr=1e30"});
  for (const RunResult& r : run(plan, tmp / "out")) {
    CAPTURE(r.run_name);
    CHECK(r.status == RunStatus::diverged);
    CHECK(nlohmann::json::parse(read_file(tmp / "out" / r.run_name / "summary.json")).at("status") == "diverged");
  }
}

TEST_CASE("an interrupt marks every run of the training under way interrupted and starts no other") {
  TempDir tmp;
  const ExperimentPlan plan = load_experiment_text(kAnalyticSweep, "exp.yaml", {});
  const std::atomic<bool> stop{true};
  const std::vector<RunResult> results = run(plan, tmp / "out", false, &stop);
  REQUIRE(results.size() == 4);  // the first training's four clocks (momentum 0.5)
  for (const RunResult& r : results) {
    CAPTURE(r.run_name);
    CHECK(r.status == RunStatus::interrupted);
    CHECK(r.iterations == 1);
    CHECK(nlohmann::json::parse(read_file(tmp / "out" / r.run_name / "summary.json")).at("status") == "interrupted");
  }
}

TEST_CASE("compute.measured_factor times a gradient without moving any worker's sampler: same model bits") {
  TempDir tmp;
  const char* text = R"(name: measured
seed: 2
workers: 2
problem: {model: mlp, hidden: [8], dataset: {name: generated, samples: 200, features: 4}, batch_size: 8}
algorithm: {lr: 0.05, sync_interval: 2}
timing: {compute: {step_time: 1ms}}
stop: {iterations: 20}
)";
  run(load_experiment_text(text, "exp.yaml", {}), tmp / "plain");
  run(load_experiment_text(text, "exp.yaml", {"timing.compute.measured_factor=1"}), tmp / "measured");
  CHECK(read_file(tmp / "plain" / "run" / "model.npy") == read_file(tmp / "measured" / "run" / "model.npy"));
}
