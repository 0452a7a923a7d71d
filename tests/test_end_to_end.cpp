// Whole runs through the public API: the quickstart learns, and results do not depend on the
// number of threads.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <tbb/global_control.h>

#include "csgd/errors.hpp"
#include "csgd/runner.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

using namespace csgd;
using csgd::testing::read_file;

namespace {

// metrics.csv without its last column (wall-clock seconds, the only non-simulated value).
std::string metrics_without_wall_time(const std::filesystem::path& file) {
  std::stringstream in(read_file(file)), out;
  for (std::string line; std::getline(in, line);) out << line.substr(0, line.rfind(',')) << '\n';
  return out.str();
}

// Runs the plan's one run into `dir` with `options` (out_dir set here), requires it to complete
// and returns its summary.json.
nlohmann::json completed_summary(const ExperimentPlan& plan, RunOptions options, const std::filesystem::path& dir) {
  options.out_dir = dir;
  REQUIRE(run_experiment(plan, options).at(0).status == RunStatus::completed);
  return nlohmann::json::parse(read_file(dir / "run" / "summary.json"));
}

void run_with_threads(const ExperimentPlan& plan, const std::filesystem::path& out, std::size_t threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  RunOptions options;
  options.out_dir = out;
  for (const auto& r : run_experiment(plan, options)) REQUIRE(r.status == RunStatus::completed);
}

}  // namespace

TEST_CASE("the quickstart on a reduced budget lifts test accuracy well above chance") {
  testing::TempDir tmp;
  const auto plan = load_experiment(csgd::testing::source_dir() + "/experiments/quickstart.yaml",
                                    {"stop.epochs=0.3", "eval.every_epochs=0.3", "problem.eval_train_samples=2000"});
  RunOptions options;
  options.out_dir = tmp.path();
  const auto results = run_experiment(plan, options);
  REQUIRE(results.size() == 1);
  const auto s = nlohmann::json::parse(read_file(tmp / "run" / "summary.json"));
  CHECK(s["status"] == "completed");
  CHECK(s["stop_reason"] == "epochs");  // the run ran to its stop.epochs cap
  CHECK(results[0].stop_reason == "epochs");
  const double accuracy = s["final"]["test_accuracy"];
  MESSAGE("quickstart test accuracy after 0.3 epochs: " << accuracy);
  CHECK(accuracy > 0.6);  // ten classes: chance is 0.1
  CHECK(s["final"]["train_loss"].get<double>() < s["best_train_loss"]["train_loss"].get<double>() + 1e-12);
}

TEST_CASE("results are bit-identical with 1 and 2 threads for every algorithm") {
  // m·N ≈ 106k parameters: large enough that the workers step in parallel (see training_run.cpp).
  const char* text = R"(name: det
workers: 4
problem: {model: mlp, hidden: [256], dataset: {name: generated, samples: 400, test_samples: 100, features: 100, classes: 3},
          partition: {scheme: dirichlet, alpha: 0.5}, batch_size: 8}
algorithm: {momentum: 0.9, lr: 0.05}
stop: {iterations: 30}
eval: {every_iterations: 10, grad_norm: true}
sweep:
  algorithm.name: [pr-sgd-momentum, local-sgd-reset-momentum, local-sgd-local-momentum, decentralized-momentum]
  algorithm.nesterov: [false, true]
)";
  const auto plan = load_experiment_text(text, "det.yaml", {});
  testing::TempDir one, two;
  run_with_threads(plan, one.path(), 1);
  run_with_threads(plan, two.path(), 2);
  for (const auto& run : plan.runs) {
    CAPTURE(run.run_name);
    CHECK(read_file(one / run.run_name / "model.npy") == read_file(two / run.run_name / "model.npy"));
    CHECK(metrics_without_wall_time(one / run.run_name / "metrics.csv") ==
          metrics_without_wall_time(two / run.run_name / "metrics.csv"));
  }
}

TEST_CASE("a different seed gives a different trajectory") {
  const char* text = R"(workers: 2
problem: {model: logistic, dataset: {name: generated, samples: 300, features: 6}, batch_size: 4}
stop: {iterations: 10}
)";
  testing::TempDir a, b;
  run_with_threads(load_experiment_text(text, "s.yaml", {"seed=1"}), a.path(), 2);
  run_with_threads(load_experiment_text(text, "s.yaml", {"seed=2"}), b.path(), 2);
  CHECK(read_file(a / "run" / "model.npy") != read_file(b / "run" / "model.npy"));
}

TEST_CASE("the synthetic problem reports the exact average gradient norm and its constants") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(
      "workers: 4\nprecision: float64\nproblem: {model: synthetic, dimension: 20, a: 1, lambda: 4, sigma: 0.5, kappa: 1}\n"
      "algorithm: {momentum: 0.5, sync_interval: 4, lr: 0.01}\nstop: {iterations: 200}\n",
      "syn.yaml", {});
  RunOptions options;
  options.out_dir = tmp.path();
  run_experiment(plan, options);
  const auto s = nlohmann::json::parse(read_file(tmp / "run" / "summary.json"));
  CHECK(s["problem_constants"]["L"] == 9.0);
  CHECK(s["problem_constants"]["kappa"] == 1.0);
  CHECK(s["mean_grad_norm_sq"].get<double>() > s["final"]["grad_norm_sq"].get<double>());
}

TEST_CASE("output_iterate random also reports x̄^(R) for R drawn from 0..T-1 (Remark 2)") {
  const char* text = "workers: 2\nprecision: float64\nproblem: {model: synthetic, dimension: 5}\n"
                     "algorithm: {lr: 0.05, output_iterate: random}\nstop: {iterations: 50}\neval: {every_iterations: 1}\n";
  for (const char* seed : {"seed=1", "seed=2", "seed=3"}) {
    testing::TempDir tmp;
    run_with_threads(load_experiment_text(text, "r.yaml", {seed}), tmp.path(), 2);
    const auto s = nlohmann::json::parse(read_file(tmp / "run" / "summary.json"));
    const int R = s["random_iterate"]["R"];
    CHECK(R >= 0);
    CHECK(R < 50);
    CHECK(s["random_iterate"]["iteration"] == R);
    // With evaluation at every iteration, row R of metrics.csv is the same point x̄^(R).
    std::stringstream csv(read_file(tmp / "run" / "metrics.csv"));
    std::string line;
    for (int k = 0; k <= R + 1; ++k) std::getline(csv, line);
    CHECK(line.rfind(std::to_string(R) + ",", 0) == 0);
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    REQUIRE(fields.size() > 7);
    const double loss_in_csv = std::stod(fields[7]);  // train_loss
    CHECK(loss_in_csv == doctest::Approx(s["random_iterate"]["train_loss"].get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("under the flow model Algorithm 2 mixes over the network's host graph and traces every worker") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(R"(workers: 9
problem: {model: synthetic, dimension: 50}
algorithm: {name: decentralized-momentum, lr: 0.01}
timing:
  compute: {step_time: 1ms, stragglers: {probability: 0.1, slowdown: 5}}
  network: {model: flow, topology: {name: torus, dims: [3, 3]}}
stop: {iterations: 20}
)", "flow.yaml", {});
  RunOptions options;
  options.trace = true;
  const auto s = completed_summary(plan, options, tmp.path());
  CHECK(s["mixing"]["source"].get<std::string>().rfind("the network's host graph", 0) == 0);
  CHECK(s["topology"]["hosts"] == 9);
  CHECK(s["topology"]["diameter_hops"] == 2);
  CHECK(s["timing_model"].get<std::string>().rfind("flow: torus", 0) == 0);
  // Each iteration takes at least one step time; stragglers make some take longer.
  CHECK(s["sim_time_s"].get<double>() > 20 * 1e-3);
  const auto trace = nlohmann::json::parse(read_file(tmp / "run" / "trace.json"));
  std::set<int> tids;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == "X") tids.insert(e["tid"].get<int>());
  CHECK(tids.size() == 9);
}

TEST_CASE("a timing-only run simulates the clock at large N without training") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(R"(workers: 256
problem: {model: synthetic, dimension: 10}
algorithm: {sync_interval: 4}
timing:
  compute: {step_time: 1ms}
  network: {model: flow, topology: ring}
  model_bytes: 3.4MB
stop: {iterations: 40}
eval: {every_iterations: 4}
)", "t.yaml", {});
  RunOptions options;
  options.timing_only = true;
  const auto s = completed_summary(plan, options, tmp.path());
  CHECK(s["mode"] == "timing-only");
  CHECK(s["rounds"] == 10);
  // 40 steps + 10 uncontended ring all-reduces of 2 × 3.4 MB on a physical ring.
  const double allreduce = 2.0 * 255 * (5e-6 + 6.8e6 / (256 * 1.25e9));
  CHECK(s["sim_time_s"].get<double>() == doctest::Approx(40e-3 + 10 * allreduce).epsilon(1e-9));
  CHECK_FALSE(std::filesystem::exists(tmp / "run" / "model.npy"));
  // Rows 0 and 1 of metrics.csv: γ (column 7) is 0 before any step, as in training, then 0.1.
  std::stringstream csv(read_file(tmp / "run" / "metrics.csv"));
  std::string line;
  std::getline(csv, line);  // header
  const auto lr_of = [](const std::string& row) {
    std::stringstream cells(row);
    std::string cell;
    for (int k = 0; k < 7; ++k) std::getline(cells, cell, ',');
    return cell;
  };
  std::getline(csv, line);
  CHECK(lr_of(line) == "0");
  std::getline(csv, line);
  CHECK(lr_of(line) == "0.1");
}

TEST_CASE("a timing-only run on data needs no per-worker row lists, which training would refuse at that N") {
  // 50,000 workers over 200,000 rows: iid row lists of 50,000 × 200,000 × 2 × 4 bytes = 80 GB,
  // refused under a memory limit of 8 GiB whatever this machine has.
  const testing::ScopedEnv limit("CSGD_MEMORY_LIMIT", "8GiB");
  testing::TempDir tmp;
  const char* text = R"(workers: 50000
problem: {model: logistic, dataset: {name: generated, samples: 200000, test_samples: 10, features: 4, classes: 2}}
algorithm: {sync_interval: 2}
timing: {compute: {step_time: 1ms}}
stop: {iterations: 4}
)";
  const auto plan = load_experiment_text(text, "t.yaml", {});
  RunOptions options;
  options.timing_only = true;
  const auto s = completed_summary(plan, options, tmp.path());
  CHECK(s["rounds"] == 2);
  CHECK(s["problem"].get<std::string>().find("50000 workers, iid partition") != std::string::npos);
  // Measuring the step time (measured_factor) times worker 0 on a one-worker problem under iid:
  // the same batches, without the lists.
  const auto measured = load_experiment_text(text, "m.yaml", {"timing.compute={measured_factor: 1}"});
  CHECK(completed_summary(measured, options, tmp.path() / "measured")["sim_compute_s"].get<double>() > 0);
  options.timing_only = false;
  options.out_dir = tmp.path() / "trained";
  try {
    run_experiment(plan, options);
    FAIL("training 50,000 workers was not refused");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("the iid partition's row lists would need about") != std::string::npos);
  }
}

TEST_CASE("flow-model timelines and training are bit-identical with 1 and 2 threads") {
  const auto plan = load_experiment_text(R"(workers: 6
problem: {model: logistic, dataset: {name: generated, samples: 300, features: 8}, batch_size: 5}
algorithm: {lr: 0.1}
timing:
  compute: {step_time: 2ms, jitter: 0.3, stragglers: {probability: 0.2, slowdown: 4}}
  network: {model: flow, topology: star}
stop: {iterations: 30}
eval: {every_iterations: 3}
sweep: {algorithm: [{sync_interval: 2}, {name: decentralized-momentum}]}
)", "f.yaml", {});
  testing::TempDir one, two;
  run_with_threads(plan, one.path(), 1);
  run_with_threads(plan, two.path(), 2);
  for (const auto& run : plan.runs) {
    CAPTURE(run.run_name);
    CHECK(metrics_without_wall_time(one / run.run_name / "metrics.csv") ==
          metrics_without_wall_time(two / run.run_name / "metrics.csv"));
  }
}

TEST_CASE("consensus is exactly zero at the start and right after every sync of Algorithm 1, and only then") {
  testing::TempDir tmp;
  // N = 3 does not divide typical vector sizes evenly: x̄ of identical vectors rounds.
  const auto plan = load_experiment_text(
      "workers: 3\nproblem: {model: synthetic, dimension: 7, sigma: 0.3, kappa: 0.2}\n"
      "algorithm: {name: pr-sgd-momentum, sync_interval: 4, lr: 0.05}\nstop: {iterations: 12}\n"
      "eval: {every_iterations: 1}\n",
      "c.yaml", {});
  RunOptions options;
  options.out_dir = tmp.path();
  REQUIRE(run_experiment(plan, options).front().status == RunStatus::completed);
  std::stringstream csv(read_file(tmp / "run" / "metrics.csv"));
  std::string line;
  std::getline(csv, line);  // header: consensus_x is column 13 (0-based 12)
  int rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    const long t = std::stol(cells[0]);
    const double consensus_x = std::stod(cells[12]), consensus_u = std::stod(cells[13]);
    CAPTURE(t);
    if (t % 4 == 0) {
      CHECK(consensus_x == 0.0);
      CHECK(consensus_u == 0.0);
    } else {
      CHECK(consensus_x > 0.0);
    }
    ++rows;
  }
  CHECK(rows == 13);
}
