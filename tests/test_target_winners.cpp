// The winner table of a what-if study: per cell of the timing axes, the contender (the other
// axes) with the least simulated time to the stop target, and the runner-up's ratio.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"
#include "run/target_winners.hpp"

using namespace csgd;

namespace {

const char* kStudy = R"(name: w
workers: 2
problem: {model: synthetic, dimension: 4}
algorithm: {name: pr-sgd-momentum, lr: 0.1}
stop: {iterations: 10}
sweep:
  timing.network.bandwidth: [1Gbps, 10Gbps]
  algorithm.sync_interval: [1, 8]
)";

RunResult reached(const std::string& name, double time_s, bool target = true) {
  RunResult r;
  r.run_name = name;
  r.stop_reason = target ? "target" : "iterations";
  r.sim_time_s = time_s;
  return r;
}

std::string line_of(const std::string& table, const std::string& cell) {
  const auto at = table.find("\n" + cell + " ");
  REQUIRE_MESSAGE(at != std::string::npos, cell);
  return table.substr(at + 1, table.find('\n', at + 1) - at - 1);
}

}  // namespace

TEST_CASE("each cell names the contender first to the target and the runner-up's ratio") {
  const ExperimentPlan plan = load_experiment_text(kStudy, "w.yaml", {});
  const std::vector<RunResult> results = {
      reached("bandwidth=1Gbps,sync_interval=1", 60), reached("bandwidth=1Gbps,sync_interval=8", 20),
      reached("bandwidth=10Gbps,sync_interval=1", 5), reached("bandwidth=10Gbps,sync_interval=8", 9, false)};
  const std::string table = target_winner_table(plan, results);
  CHECK(table.find("timing.network.bandwidth") != std::string::npos);
  const std::string slow = line_of(table, "bandwidth=1Gbps");
  CHECK(slow.find("sync_interval=8") < slow.find("sync_interval=1"));  // the winner comes first
  CHECK(slow.find("20.0 s") != std::string::npos);
  CHECK(slow.find("(3.00×)") != std::string::npos);
  const std::string fast = line_of(table, "bandwidth=10Gbps");
  CHECK(fast.find("sync_interval=1") != std::string::npos);
  CHECK(fast.find("no other reached it") != std::string::npos);  // I = 8 stopped on iterations
}

TEST_CASE("with seeds a contender competes only when all its seeds reached the target, by its mean") {
  const ExperimentPlan plan = load_experiment_text(kStudy, "w.yaml", {"seeds=2"});
  const std::vector<RunResult> results = {
      reached("bandwidth=1Gbps,sync_interval=1/seed=1", 10), reached("bandwidth=1Gbps,sync_interval=1/seed=2", 30),
      reached("bandwidth=1Gbps,sync_interval=8/seed=1", 1), reached("bandwidth=1Gbps,sync_interval=8/seed=2", 9, false),
      reached("bandwidth=10Gbps,sync_interval=1/seed=1", 4, false),
      reached("bandwidth=10Gbps,sync_interval=1/seed=2", 4, false)};
  const std::string table = target_winner_table(plan, results);
  CHECK(table.find("mean over seeds") != std::string::npos);
  const std::string slow = line_of(table, "bandwidth=1Gbps");
  CHECK(slow.find("sync_interval=1") != std::string::npos);
  CHECK(slow.find("20.0 s") != std::string::npos);  // (10 + 30)/2; I = 8 missed the target with seed 2
  CHECK(slow.find("no other reached it") != std::string::npos);
  CHECK(slow.find("sync_interval=8 reached it with 1 of 2 seeds") != std::string::npos);  // said, not ranked
  CHECK(slow.find("sync_interval=1") < slow.find("sync_interval=8"));
  CHECK(line_of(table, "bandwidth=10Gbps").find("none reached") != std::string::npos);
}

TEST_CASE("no table without a timing axis, without a contender axis, or when no run reached a target") {
  std::string one_axis = kStudy;
  one_axis.erase(one_axis.find("  algorithm.sync_interval"));
  const ExperimentPlan timing_only = load_experiment_text(one_axis, "w.yaml", {});
  CHECK(target_winner_table(timing_only, std::vector<RunResult>{reached("bandwidth=1Gbps", 1)}).empty());
  const ExperimentPlan plan = load_experiment_text(kStudy, "w.yaml", {});
  CHECK(target_winner_table(plan, std::vector<RunResult>{reached("bandwidth=1Gbps,sync_interval=1", 1, false)}).empty());
}

TEST_CASE("a sweep over seed itself (not seeds:) keeps each seed a contender of its own") {
  std::string text = kStudy;
  text += "  seed: [1, 2]\n";
  const ExperimentPlan plan = load_experiment_text(text, "w.yaml", {});
  const std::vector<RunResult> results = {reached("bandwidth=1Gbps,sync_interval=1,seed=1", 4),
                                          reached("bandwidth=1Gbps,sync_interval=1,seed=2", 3)};
  const std::string slow = line_of(target_winner_table(plan, results), "bandwidth=1Gbps");
  CHECK(slow.find("sync_interval=1,seed=2") != std::string::npos);
  CHECK(slow.find("sync_interval=1,seed=1") > slow.find("sync_interval=1,seed=2"));
}
