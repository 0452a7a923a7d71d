// Seeds as a sweep axis: `seeds: n` / `seeds: [..]` / --set seeds=n repeat every configuration
// once per seed, seed k of any configuration is that configuration run with `seed: k` (so the
// seeds pair up across configurations), and sweep-summary.csv / sweep-final.csv hold the mean and
// standard error over the seeds (checked against numbers computed by hand).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"
#include "run/seed_summary.hpp"
#include "support/run_csgd.hpp"
#include "support/run_folder_compare.hpp"
#include "support/temp_dir.hpp"

using namespace csgd;
using csgd::testing::error_of;
using csgd::testing::metrics_without_wall;
using csgd::testing::read_file;
using csgd::testing::summary_without_wall;
using csgd::testing::TempDir;

namespace {

const char* kSeeded = R"(name: seeded
seed: 1
workers: 3
problem: {model: mlp, hidden: [6], dataset: {name: generated, samples: 300, features: 5, classes: 3}, batch_size: 8}
algorithm: {name: pr-sgd-momentum, momentum: 0.9, lr: 0.1}
timing: {compute: {step_time: 2ms, jitter: 0.3}, network: {model: analytic}}
stop: {iterations: 40}
eval: {every_iterations: 10}
seeds: 3
sweep:
  algorithm.sync_interval: [1, 4]
)";

std::vector<std::string> names(const ExperimentPlan& plan) {
  std::vector<std::string> out;
  for (const auto& r : plan.runs) out.push_back(r.run_name);
  return out;
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> table;
  std::stringstream in(read_file(file));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::stringstream l(line);
    for (std::string f; std::getline(l, f, ',');) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    table.push_back(fields);
  }
  return table;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  REQUIRE_MESSAGE(it != header.end(), name);
  return static_cast<std::size_t>(it - header.begin());
}

RunResult result(const std::string& name, const char* stop, double time, long long rounds,
                 std::optional<double> loss, std::optional<double> acc) {
  RunResult r;
  r.run_name = name;
  r.stop_reason = stop;
  r.sim_time_s = time;
  r.rounds = rounds;
  r.iterations = 100;
  r.train_loss = loss;
  r.test_accuracy = acc;
  return r;
}

}  // namespace

TEST_CASE("seeds: n repeats every configuration with seeds seed … seed+n−1, the seed innermost") {
  const ExperimentPlan plan = load_experiment_text(kSeeded, "exp.yaml", {});
  CHECK(plan.seeds == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(plan.sweep_keys == std::vector<std::string>{"algorithm.sync_interval", "seed"});
  CHECK(names(plan) == std::vector<std::string>{"sync_interval=1/seed=1", "sync_interval=1/seed=2",
                                                "sync_interval=1/seed=3", "sync_interval=4/seed=1",
                                                "sync_interval=4/seed=2", "sync_interval=4/seed=3"});
  CHECK(plan.runs[4].config.seed == 2);
  CHECK(plan.runs[4].config.algorithm.I == 4);
  CHECK(plan.runs[4].config_name == "sync_interval=4");
  CHECK(plan.runs[4].swept.back() == std::pair<std::string, std::string>{"seed", "2"});
  CHECK(plan.runs[4].resolved_yaml.find("seed: 2\n") != std::string::npos);
  CHECK(plan.runs[4].resolved_yaml.find("seeds") == std::string::npos);  // the run is an ordinary seed-2 run
}

TEST_CASE("seeds start at the file's seed, a list names them, and --set seeds / --set seed reach both") {
  std::string text = kSeeded;
  text.replace(text.find("seed: 1"), 7, "seed: 40");
  CHECK(load_experiment_text(text, "exp.yaml", {}).seeds == std::vector<std::uint64_t>{40, 41, 42});
  CHECK(load_experiment_text(text, "exp.yaml", {"seeds=[7, 3]"}).seeds == std::vector<std::uint64_t>{7, 3});
  CHECK(load_experiment_text(text, "exp.yaml", {"seed=5", "seeds=2"}).seeds == std::vector<std::uint64_t>{5, 6});
  const ExperimentPlan listed = load_experiment_text(text, "exp.yaml", {"seeds=[7, 3]"});
  CHECK(listed.runs[1].run_name == "sync_interval=1/seed=3");
  CHECK(listed.runs[1].config.seed == 3);
  // No sweep: the configuration is called "run".
  std::string plain = kSeeded;
  plain = plain.substr(0, plain.find("sweep:"));
  CHECK(names(load_experiment_text(plain, "exp.yaml", {"seeds=2"})) ==
        std::vector<std::string>{"run/seed=1", "run/seed=2"});
  // Without seeds nothing changes: no seed axis, no subfolders.
  CHECK(names(load_experiment_text(plain.substr(0, plain.find("seeds:")), "exp.yaml", {})) ==
        std::vector<std::string>{"run"});
}

TEST_CASE("bad seeds are refused with the file position and the rule") {
  const auto with_seeds = [](const std::string& value) {
    std::string text = kSeeded;
    text.replace(text.find("seeds: 3"), 8, "seeds: " + value);
    return error_of(text);
  };
  CHECK(with_seeds("0").find("exp.yaml:9:8: seeds: the number of seeds must be between 1 and 1000, got 0") == 0);
  CHECK(with_seeds("1001").find("between 1 and 1000") != std::string::npos);
  CHECK(with_seeds("-2").find("exp.yaml:9:8: seeds: the number of seeds must be a whole number ≥ 0, got '-2'") == 0);
  CHECK(with_seeds("many").find("got 'many'") != std::string::npos);
  CHECK(with_seeds("[1, 2, 1]").find("exp.yaml:9:8: seeds: seed 1 is listed twice") == 0);
  CHECK(with_seeds("[]").find("a list of 1 to 1000 seeds") != std::string::npos);
  CHECK(with_seeds("{a: 1}").find("got 'a list or map'") != std::string::npos);
  CHECK(error_of(kSeeded, {"seeds=0"}).find("--set seeds=0: seeds:") == 0);
  CHECK(error_of(kSeeded, {"sweep.seed=[1, 2]"}).find("exp.yaml: sweep.seed and seeds: both repeat the runs") == 0);
}

TEST_CASE("seed k of a configuration is that configuration run alone with seed: k, and the seeds pair up") {
  TempDir tmp;
  const ExperimentPlan plan = load_experiment_text(kSeeded, "exp.yaml", {});
  RunOptions options;
  options.out_dir = tmp / "seeded";
  options.quiet = true;
  const std::vector<RunResult> results = run_experiment(plan, options);
  REQUIRE(results.size() == 6);

  for (const char* config : {"sync_interval=1", "sync_interval=4"})
    for (int seed = 1; seed <= 3; ++seed) {
      const std::string name = std::string(config) + "/seed=" + std::to_string(seed);
      CAPTURE(name);
      std::string text = kSeeded;
      text = text.substr(0, text.find("seeds:"));
      const ExperimentPlan alone = load_experiment_text(
          text, "exp.yaml", {"seed=" + std::to_string(seed), "algorithm.sync_interval=" + std::string(config).substr(14)});
      RunOptions o = options;
      o.out_dir = tmp / ("alone-" + std::string(config) + "-" + std::to_string(seed));
      REQUIRE(run_experiment(alone, o).size() == 1);
      const auto a = options.out_dir / name, b = o.out_dir / "run";
      CHECK(metrics_without_wall(a / "metrics.csv") == metrics_without_wall(b / "metrics.csv"));
      CHECK(read_file(a / "model.npy") == read_file(b / "model.npy"));
      CHECK(read_file(a / "config.resolved.yaml") == read_file(b / "config.resolved.yaml"));
      nlohmann::json sa = summary_without_wall(a / "summary.json"), sb = summary_without_wall(b / "summary.json");
      sa.erase("run");
      sb.erase("run");
      CHECK(sa == sb);
    }

  // Paired: at iteration 0 (the seeded start, nothing trained) the two configurations agree for
  // each seed, and the seeds differ from each other.
  const auto start_loss = [&](const std::string& name) {
    const auto table = read_csv(options.out_dir / name / "metrics.csv");
    return table[1][column(table[0], "train_loss")];
  };
  for (int seed = 1; seed <= 3; ++seed)
    CHECK(start_loss("sync_interval=1/seed=" + std::to_string(seed)) ==
          start_loss("sync_interval=4/seed=" + std::to_string(seed)));
  CHECK(start_loss("sync_interval=1/seed=1") != start_loss("sync_interval=1/seed=2"));

  // sweep-summary.csv: the mean and standard error of each configuration's seeds, per point.
  const auto summary = read_csv(options.out_dir / "sweep-summary.csv");
  REQUIRE(summary.size() == 1 + 2 * 5);  // two configurations × iterations 0, 10, 20, 30, 40
  CHECK(summary[0][0] == "config");
  CHECK(summary[0][1] == "algorithm.sync_interval");
  const std::size_t it = column(summary[0], "iteration"), mean = column(summary[0], "train_loss_mean"),
                    se = column(summary[0], "train_loss_se");
  const auto& last = summary[10];  // sync_interval=4, iteration 40
  CHECK(last[it] == "40");
  CHECK(last[column(summary[0], "seeds")] == "3");
  std::vector<double> acc;  // final training losses
  for (int seed = 1; seed <= 3; ++seed) {
    const auto table = read_csv(options.out_dir / ("sync_interval=4/seed=" + std::to_string(seed)) / "metrics.csv");
    acc.push_back(std::stod(table.back()[column(table[0], "train_loss")]));
  }
  const double m = (acc[0] + acc[1] + acc[2]) / 3;
  const double sd = std::sqrt(((acc[0] - m) * (acc[0] - m) + (acc[1] - m) * (acc[1] - m) + (acc[2] - m) * (acc[2] - m)) / 2);
  CHECK(std::stod(last[mean]) == doctest::Approx(m).epsilon(1e-12));
  CHECK(std::stod(last[se]) == doctest::Approx(sd / std::sqrt(3.0)).epsilon(1e-12));
  CHECK(std::stod(last[se]) > 0);  // the seeds really differ

  const auto final_table = read_csv(options.out_dir / "sweep-final.csv");
  REQUIRE(final_table.size() == 3);
  CHECK(final_table[2][0] == "\"sync_interval=4\"");
  CHECK(std::stod(final_table[2][column(final_table[0], "final_train_loss_mean")]) == doctest::Approx(m).epsilon(1e-12));
}

TEST_CASE("sweep-summary.csv: mean and standard error by hand, and seeds that stopped early leave later points") {
  const ExperimentPlan plan = load_experiment_text(kSeeded, "exp.yaml", {});
  std::vector<std::vector<MetricsRow>> rows(plan.runs.size());
  // sync_interval=1, seeds 1–3: losses 1, 2, 4 at iteration 10; seed 3 has no iteration 20.
  const double losses[] = {1, 2, 4};
  for (std::size_t k = 0; k < 3; ++k) {
    MetricsRow r;
    r.iteration = 10;
    r.train_loss = losses[k];
    r.lr = 0.05;
    rows[k].push_back(r);
    if (k < 2) {
      r.iteration = 20;
      r.train_loss = 10.0 * static_cast<double>(k + 1);  // 10, 20
      rows[k].push_back(r);
    }
  }
  const std::string text = sweep_summary_csv(plan, rows);
  std::stringstream in(text);
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  std::vector<std::string> h, a, b;
  for (auto [line, out] : {std::pair{&header, &h}, {&first, &a}, {&second, &b}}) {
    std::stringstream l(*line);
    for (std::string f; std::getline(l, f, ',');) out->push_back(f);
  }
  const std::size_t seeds = column(h, "seeds"), mean = column(h, "train_loss_mean"), se = column(h, "train_loss_se");
  // 1, 2, 4: mean 7/3; sample variance ((4/3)² + (1/3)² + (5/3)²)/2 = 7/3; SE = √(7/3)/√3 = √7/3.
  CHECK(a[seeds] == "3");
  CHECK(std::stod(a[mean]) == doctest::Approx(7.0 / 3).epsilon(1e-15));
  CHECK(std::stod(a[se]) == doctest::Approx(std::sqrt(7.0) / 3).epsilon(1e-15));
  CHECK(a[column(h, "lr_mean")] == "0.05");  // equal values average to themselves, bit for bit
  CHECK(a[column(h, "lr_se")] == "0");
  // 10, 20: mean 15, SE = (10/√2)/√2 = 5.
  CHECK(b[column(h, "iteration")] == "20");
  CHECK(b[seeds] == "2");
  CHECK(b[mean] == "15");
  CHECK(b[se] == "5");
  CHECK(text.find("\"sync_interval=4\"") == std::string::npos);  // no rows yet: no lines
}

TEST_CASE("sweep-final.csv: finals over every seed, time and rounds to target over the seeds that reached it") {
  const ExperimentPlan plan = load_experiment_text(kSeeded, "exp.yaml", {});
  const std::vector<RunResult> results = {
      result("sync_interval=1/seed=1", "target", 2.0, 10, 0.5, 0.9),
      result("sync_interval=1/seed=2", "target", 4.0, 30, 0.7, 0.8),
      result("sync_interval=1/seed=3", "iterations", 9.0, 50, 0.9, 0.7),
      result("sync_interval=4/seed=1", "iterations", 1.0, 5, std::nullopt, std::nullopt),
  };
  const auto s = summarize_configurations(plan, results);
  REQUIRE(s.size() == 2);
  CHECK(s[0].seeds == 3);
  CHECK(s[0].reached == 2);
  CHECK(s[0].time_to_target_s.mean == 3.0);
  CHECK(s[0].time_to_target_s.se == doctest::Approx(1.0));  // sd √2, n 2
  CHECK(s[0].rounds_to_target.mean == 20.0);
  CHECK(s[0].sim_time_s.mean == 5.0);
  CHECK(s[0].train_loss.mean == doctest::Approx(0.7));
  CHECK(s[0].train_loss.se == doctest::Approx(0.2 / std::sqrt(3.0)));
  CHECK(s[1].seeds == 1);
  CHECK(s[1].train_loss.n == 0);

  const std::string csv = sweep_final_csv(plan, results);
  CHECK(csv.find("\"sync_interval=1\",\"1\",3,3,") != std::string::npos);
  // One seed: a mean without a standard error; no loss recorded: both empty.
  CHECK(csv.find("\"sync_interval=4\",\"4\",1,1,,,,,100,,1,,5,,0,,,,\n") != std::string::npos);
}

TEST_CASE("sweep-summary.csv has a mean and an SE for every metrics.csv column, and takes subnormal values") {
  const ExperimentPlan plan = load_experiment_text(kSeeded, "exp.yaml", {});
  std::vector<std::vector<MetricsRow>> rows(plan.runs.size());
  MetricsRow r;
  r.iteration = 5;
  r.grad_norm_sq = 1e-310;  // subnormal: reading it back from text with std::stod would throw
  rows[0] = {r, r};         // the same iteration twice (an interrupt at an evaluation point): one seed
  rows[1] = {r};
  const std::string text = sweep_summary_csv(plan, rows);
  std::string header = text.substr(0, text.find('\n'));
  std::stringstream columns(MetricsRow::csv_header());
  for (std::string c; std::getline(columns, c, ',');)
    if (c != "iteration") CHECK(header.find("," + c + "_mean," + c + "_se") != std::string::npos);
  const std::string line = text.substr(text.find('\n') + 1);
  CHECK(line.rfind("\"sync_interval=1\",\"1\",2,5,", 0) == 0);  // two seeds, not three rows
  CHECK(line.find("1e-310,0") != std::string::npos);
}

TEST_CASE("a diverged seed makes the mean inf or NaN whatever its place among the seeds") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> first = {inf, 1.0, 2.0}, last = {1.0, 2.0, inf};
  CHECK(mean_se(first).mean == inf);
  CHECK(mean_se(last).mean == inf);
  CHECK(std::isnan(mean_se(std::vector<double>{inf, -inf}).mean));
}

TEST_CASE("with seeds, a seed: that is not a whole number is still refused") {
  std::string text = kSeeded;
  text.replace(text.find("seed: 1"), 7, "seed: abc");
  CHECK(error_of(text).find("exp.yaml:2:7: seed: must be a whole number ≥ 0 (the first of the seeds), got 'abc'") == 0);
  CHECK(error_of(kSeeded, {"seed=-3"}).find("--set seed=-3: seed: must be a whole number") == 0);
}

TEST_CASE("results of an earlier sweep in the same folder: seeds are not written into its runs, stale means go") {
  TempDir tmp;
  std::string plain = kSeeded;
  plain.erase(plain.find("seeds: 3\n"), 9);
  RunOptions options;
  options.out_dir = tmp / "out";
  options.quiet = true;
  run_experiment(load_experiment_text(plain, "exp.yaml", {"stop.iterations=4"}), options);
  try {
    run_experiment(load_experiment_text(kSeeded, "exp.yaml", {"stop.iterations=4"}), options);
    FAIL("seeds written into an earlier run's folder");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("sync_interval=1: a completed run is already there") != std::string::npos);
  }
  options.force = true;
  run_experiment(load_experiment_text(kSeeded, "exp.yaml", {"stop.iterations=4"}), options);
  CHECK(std::filesystem::exists(tmp / "out" / "sweep-final.csv"));
  run_experiment(load_experiment_text(plain, "exp.yaml", {"stop.iterations=4"}), options);
  CHECK(!std::filesystem::exists(tmp / "out" / "sweep-summary.csv"));
  CHECK(!std::filesystem::exists(tmp / "out" / "sweep-final.csv"));
}
