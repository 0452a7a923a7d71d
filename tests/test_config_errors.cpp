// Bad experiment files are refused with file:line:column, the key path and the rule.
#include <doctest/doctest.h>

#include <string>

#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"
#include "csgd/timing.hpp"
#include "support/temp_dir.hpp"

using csgd::InputError;
using csgd::load_experiment_text;

namespace {

const char* kBase = R"(name: t
workers: 4
problem:
  model: synthetic
  dimension: 10
algorithm:
  name: pr-sgd-momentum
  momentum: 0.9
  sync_interval: 4
  lr: 0.1
stop: {iterations: 100}
)";

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_experiment_text(text, "exp.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the valid base file loads with its values") {
  const auto plan = load_experiment_text(kBase, "exp.yaml", {});
  REQUIRE(plan.runs.size() == 1);
  CHECK(plan.runs[0].config.N == 4);
  CHECK(plan.runs[0].config.algorithm.I == 4);
  CHECK(plan.runs[0].config.algorithm.lr.initial == 0.1);
  CHECK(plan.runs[0].run_name == "run");
}

TEST_CASE("a YAML syntax error names file, line and column") {
  const auto msg = error_of("name: t\nworkers: [4\n");
  CHECK(msg.find("exp.yaml:") == 0);
  CHECK(msg.find("YAML syntax error") != std::string::npos);
}

TEST_CASE("a key given twice in one map is refused at its second place, naming the first") {
  // yaml-cpp keeps both and reads the first, so `workers: 5` below `workers: 4` would be ignored.
  CHECK(error_of(replace(kBase, "workers: 4", "workers: 4\nworkers: 5")) ==
        "exp.yaml:3:1: workers: the key appears twice in one map (first at exp.yaml:2:1); give it once");
  const auto flow = error_of(replace(kBase, "stop: {iterations: 100}", "stop: {iterations: 100, iterations: 5}"));
  CHECK(flow.rfind("exp.yaml:", 0) == 0);  // located in the file
  CHECK(flow.find(": iterations: the key appears twice in one map") != std::string::npos);
  // A --set option that repeats a key inside its value is refused the same way.
  CHECK(error_of(kBase, {"algorithm={lr: 0.1, lr: 0.2}"}).find("lr: the key appears twice") != std::string::npos);
}

TEST_CASE("an experiment name that is not one plain folder name is refused at the name key") {
  for (const char* bad : {"../../escape", "a/b", "..", "\"\""}) {
    CAPTURE(bad);
    const auto msg = error_of(kBase, {std::string("name=") + bad});
    CHECK(msg.find("name: the experiment name names the results folder (results/NAME)") != std::string::npos);
  }
  CHECK(error_of(replace(kBase, "name: t", "name: my-run_2 (β=0.9)")) == "(accepted)");
}

TEST_CASE("a bad value of a sweep axis given by --set is reported at that --set") {
  const std::string set = "sweep={algorithm.momentum: [0, 1.5]}";
  CHECK(error_of(kBase, {set}).find("--set " + set + ": algorithm.momentum: the momentum coefficient") == 0);
  CHECK(error_of(kBase, {"sweep.algorithm.momentum=[0.5, 2]"})
            .find("--set sweep.algorithm.momentum=[0.5, 2]: algorithm.momentum:") == 0);
}

TEST_CASE("a batch size or evaluation sample count must be a positive integer or full, and resolves to its value") {
  const std::string data = "workers: 2\nproblem: {model: logistic, dataset: {name: generated, samples: 50}}\n"
                           "stop: {iterations: 5}\n";
  CHECK(error_of(data, {"problem.eval_train_samples=0"}).find("expected a positive integer or 'full'") != std::string::npos);
  CHECK(error_of(data, {"problem.batch_size=-3"}).find("expected a positive integer or 'full'") != std::string::npos);
  const std::string resolved = load_experiment_text(data, "exp.yaml", {"problem.batch_size=full"}).runs[0].resolved_yaml;
  CHECK(resolved.find("batch_size: full") != std::string::npos);
  CHECK(resolved.find("eval_train_samples: 10000") != std::string::npos);  // the default, written out
}

TEST_CASE("an unknown key is refused with the nearest valid key and its position") {
  const auto msg = error_of(replace(kBase, "  sync_interval: 4", "  sync_intervl: 4"));
  CHECK(msg.find("exp.yaml:9:3: algorithm.sync_intervl: unknown key; did you mean 'sync_interval'?") == 0);
}

TEST_CASE("momentum outside [0,1) names the rule and the line of the value") {
  const auto msg = error_of(replace(kBase, "momentum: 0.9", "momentum: 1.2"));
  CHECK(msg.find("exp.yaml:8:13: algorithm.momentum: the momentum coefficient β must be in [0, 1), got 1.2") == 0);
}

TEST_CASE("I < 1, gamma <= 0 and N < 1 are each refused with the key path") {
  CHECK(error_of(replace(kBase, "sync_interval: 4", "sync_interval: 0")).find("algorithm.sync_interval: the sync interval I must be ≥ 1") !=
        std::string::npos);
  CHECK(error_of(replace(kBase, "lr: 0.1", "lr: -0.1")).find("algorithm.lr.initial: the learning rate γ must be > 0") !=
        std::string::npos);
  CHECK(error_of(replace(kBase, "workers: 4", "workers: 0")).find("exp.yaml:2:10: workers: the worker count N must be ≥ 1") == 0);
}

TEST_CASE("a value of the wrong type says what was expected") {
  CHECK(error_of(replace(kBase, "workers: 4", "workers: four")).find("workers: expected an integer") != std::string::npos);
  CHECK(error_of(replace(kBase, "sync_interval: 4", "sync_interval: 2.5")).find("expected an integer") != std::string::npos);
  // Negative values of unsigned or unit-carrying keys say that rather than "expected a number".
  CHECK(error_of(kBase, {"seed=-1"}).find("seed: expected a whole number ≥ 0") != std::string::npos);
  CHECK(error_of(kBase, {"timing.compute.step_time=-5ms"}).find("timing.compute.step_time: must not be negative, got -5ms") !=
        std::string::npos);
}

TEST_CASE("a unit that cannot be read says what a valid one looks like") {
  const auto msg = error_of(std::string(kBase) + "timing: {network: {bandwidth: 10 furlongs}}\n");
  CHECK(msg.find("timing.network.bandwidth: expected a bandwidth such as 10Gbps") != std::string::npos);
}

TEST_CASE("--set overrides a value, and a bad override names the option") {
  const auto plan = load_experiment_text(kBase, "exp.yaml", {"algorithm.momentum=0.5", "problem.dimension=3"});
  CHECK(plan.runs[0].config.algorithm.beta == 0.5);
  CHECK(plan.runs[0].config.problem.dimension == 3);
  const auto msg = error_of(kBase, {"algorithm.momentum=2"});
  CHECK(msg.find("--set algorithm.momentum=2: algorithm.momentum: the momentum coefficient β must be in [0, 1)") == 0);
  CHECK(error_of(kBase, {"algorithm.momentum"}).find("expected key.path=value") != std::string::npos);
  CHECK(error_of(kBase, {"algorithm.mometum=0.1"}).find("did you mean 'momentum'") != std::string::npos);
}

TEST_CASE("stop needs exactly one of iterations or epochs") {
  CHECK(error_of(replace(kBase, "stop: {iterations: 100}", "stop: {}")).find("stop: set exactly one of") != std::string::npos);
  CHECK(error_of(replace(kBase, "stop: {iterations: 100}", "stop: {iterations: 10, epochs: 1}")).find("set exactly one") !=
        std::string::npos);
}

TEST_CASE("epochs are refused for the synthetic problem, which has no data set") {
  CHECK(error_of(replace(kBase, "stop: {iterations: 100}", "stop: {epochs: 2}")).find("stop.epochs: the synthetic problem has no epochs") !=
        std::string::npos);
}

TEST_CASE("keys of another model are unknown keys") {
  const auto msg = error_of(replace(kBase, "  dimension: 10", "  dimension: 10\n  batch_size: 8"));
  CHECK(msg.find("exp.yaml:6:3: problem.batch_size: unknown key") == 0);
}

TEST_CASE("a decentralized run needs a mixing topology it knows, and sync_interval does not apply") {
  const std::string d = replace(replace(kBase, "name: pr-sgd-momentum", "name: decentralized-momentum"), "  sync_interval: 4\n", "");
  CHECK(load_experiment_text(d, "exp.yaml", {}).runs[0].config.algorithm.mixing.topology == "auto");
  CHECK(error_of(d + "").find("(accepted)") == 0);
  CHECK(error_of(replace(d, "  lr: 0.1", "  lr: 0.1\n  mixing: {topology: moebius}")).find("algorithm.mixing.topology") != std::string::npos);
  CHECK(error_of(replace(d, "  lr: 0.1", "  lr: 0.1\n  sync_interval: 2")).find("algorithm.sync_interval: does not apply to decentralized-momentum") != std::string::npos);
}

TEST_CASE("a missing or empty experiment file is refused") {
  CHECK_THROWS_WITH_AS(csgd::load_experiment("/nonexistent/x.yaml", {}), doctest::Contains("cannot open"), InputError);
  CHECK(error_of("").find("empty") != std::string::npos);
  CHECK(error_of("- a\n- b\n").find("map of keys") != std::string::npos);
}

namespace {

// Errors found while building the runs (problem, W, clock): still before any work or output.
std::string preparation_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  csgd::testing::TempDir tmp;
  csgd::RunOptions options;
  options.out_dir = tmp / "out";
  try {
    csgd::run_experiment(load_experiment_text(text, (tmp / "exp.yaml").string(), overrides), options);
  } catch (const InputError& e) {
    CHECK_FALSE(std::filesystem::exists(options.out_dir));
    return e.what();
  }
  return "(accepted)";
}

const char* kGossip = R"(workers: 6
problem: {model: synthetic, dimension: 4}
algorithm:
  name: decentralized-momentum
  mixing: {topology: torus, rows: 2, cols: 3}
stop: {iterations: 5}
)";

}  // namespace

TEST_CASE("a torus whose size is not N is refused at the mixing key") {
  CHECK(preparation_error(kGossip) == "(accepted)");
  const auto msg = preparation_error(kGossip, {"workers=8"});
  CHECK(msg.find("algorithm.mixing.rows") != std::string::npos);
  CHECK(msg.find(":5:") != std::string::npos);  // the line of the mixing map
}

TEST_CASE("a mixing matrix file that breaks Assumption 2 is refused with the rule") {
  csgd::testing::TempDir tmp;
  const auto write_w = [&](const std::string& name, const std::string& rows) {
    csgd::testing::write_file(tmp / name, rows);
    return std::string("workers: 3\nproblem: {model: synthetic, dimension: 4}\nalgorithm: {name: decentralized-momentum, "
                       "mixing: {topology: file, file: ") + (tmp / name).string() + "}}\nstop: {iterations: 5}\n";
  };
  CHECK(preparation_error(write_w("ok.txt", "0.5 0.25 0.25\n0.25 0.5 0.25\n0.25 0.25 0.5\n")) == "(accepted)");
  CHECK(preparation_error(write_w("asym.txt", "0.5 0.5 0\n0.25 0.5 0.25\n0.25 0 0.75\n")).find("not symmetric") != std::string::npos);
  CHECK(preparation_error(write_w("rows.txt", "0.5 0.25 0.25\n0.25 0.5 0.25\n0.25 0.25 0.4\n")).find("algorithm.mixing") !=
        std::string::npos);
  CHECK(preparation_error(write_w("split.txt", "1 0 0\n0 0.5 0.5\n0 0.5 0.5\n")).find("disconnected") != std::string::npos);
  CHECK(preparation_error(write_w("neg.txt", "1.5 -0.5 0\n-0.5 1.5 0\n0 0 1\n")).find("algorithm.mixing") != std::string::npos);
  CHECK(preparation_error(write_w("small.txt", "0.5 0.5\n0.5 0.5\n")).find("algorithm.mixing.file") != std::string::npos);
}

TEST_CASE("a missing data set names the Debian package that provides it") {
  const auto msg = preparation_error(
      "workers: 2\nproblem: {model: mlp, dataset: {name: fashion-mnist, path: /nonexistent/fmnist}}\nstop: {iterations: 5}\n");
  CHECK(msg.find("dataset-fashion-mnist") != std::string::npos);
  CHECK(msg.find("/nonexistent/fmnist") != std::string::npos);
}

TEST_CASE("a target accuracy without a test set or for least-squares is refused") {
  CHECK(error_of("workers: 1\nproblem: {model: least-squares, dataset: {name: generated, regression: true}}\n"
                 "stop: {iterations: 5, target: {accuracy: 0.9}}\n")
            .find("stop.target.accuracy: least-squares has no accuracy") != std::string::npos);
  CHECK(error_of("workers: 1\nproblem: {model: logistic, dataset: {name: libsvm, train_file: a.txt}}\n"
                 "stop: {iterations: 5, target: {accuracy: 0.9}}\n")
            .find("this data set has none") != std::string::npos);
}

TEST_CASE("payload, software overhead and staging are read under both models and checked") {
  const std::string net = std::string(kBase) + "timing: {network: {";
  const auto plan = load_experiment_text(
      net + "payload: {tensors: [432, 16, 16], bucket: 25MB, overlap: 2}, software_overhead: 50us, staging: 12GB/s}}\n",
      "exp.yaml", {});
  const csgd::NetworkSpec& n = plan.runs[0].config.timing.network;
  CHECK(n.payload.tensors == std::vector<double>{432, 16, 16});
  CHECK(n.payload.bucket_bytes == 25e6);
  CHECK(n.payload.overlap == 2);
  CHECK(n.software_overhead_s == doctest::Approx(50e-6));
  CHECK(n.staging_Bps == 12e9);
  const auto equal = load_experiment_text(net + "model: flow, topology: ring, payload: {tensors: 170}}}\n", "exp.yaml", {});
  CHECK(equal.runs[0].config.timing.network.payload.tensors.size() == 170);
  CHECK(error_of(net + "payload: {tensors: [1, -2]}}}\n").find("timing.network.payload.tensors: every tensor size must be positive") !=
        std::string::npos);
  CHECK(error_of(net + "payload: {tensors: 0}}}\n").find("timing.network.payload.tensors: a count must be in 1..1000000") !=
        std::string::npos);
  CHECK(error_of(net + "payload: {overlap: 0}}}\n").find("timing.network.payload.overlap: must be ≥ 1") != std::string::npos);
  CHECK(error_of(net + "payload: {bucket: fast}}}\n").find("timing.network.payload.bucket") != std::string::npos);
  CHECK(error_of(net + "payload: {tensor: 3}}}\n").find("tensors") != std::string::npos);  // the nearest key
  CHECK(error_of(net + "software_overhead: -1us}}\n").find("timing.network.software_overhead") != std::string::npos);
  CHECK(error_of(net + "staging: {bandwidth: 0GB/s}}}\n").find("timing.network.staging.bandwidth: must be a positive") !=
        std::string::npos);
}

TEST_CASE("the flow model's sharing, TCP window, duplex and routing keys are read, checked and refused elsewhere") {
  const std::string flow = std::string(kBase) + "timing: {network: {model: flow, topology: ring, ";
  const auto plan =
      load_experiment_text(flow + "sharing: lv08, tcp_window: 1MiB, duplex: half, routing: ecmp}}\n", "exp.yaml", {});
  const csgd::NetworkSpec& n = plan.runs[0].config.timing.network;
  CHECK(n.sharing.model == csgd::Sharing::lv08);
  CHECK(n.sharing.tcp_window_bytes == 1048576);
  CHECK(n.duplex == csgd::Duplex::half);
  CHECK(n.routing == csgd::Routing::ecmp);
  CHECK(load_experiment_text(flow + "}}\n", "exp.yaml", {}).runs[0].config.timing.network.routing ==
        csgd::Routing::shortest);
  CHECK(error_of(flow + "routing: random}}\n").find("timing.network.routing: must be one of shortest, ecmp") !=
        std::string::npos);
  CHECK(error_of(std::string(kBase) + "timing: {network: {routing: ecmp}}\n")
            .find("timing.network.routing: applies only to model: flow") != std::string::npos);
  CHECK(error_of(flow + "sharing: tcp}}\n").find("timing.network.sharing: must be one of max-min, rtt-weighted, lv08") !=
        std::string::npos);
  CHECK(error_of(flow + "tcp_window: 1MiB}}\n").find("timing.network.tcp_window: applies only to sharing: rtt-weighted") !=
        std::string::npos);
  CHECK(error_of(flow + "duplex: simplex}}\n").find("timing.network.duplex: must be one of full, half") != std::string::npos);
  CHECK(error_of(std::string(kBase) + "timing: {network: {sharing: lv08}}\n")
            .find("timing.network.sharing: applies only to model: flow") != std::string::npos);
  const auto per_link = load_experiment_text(
      std::string(kBase) + "timing: {network: {model: flow, topology: {name: ring, links: [{between: [0, 1], duplex: half}]}}}\n",
      "exp.yaml", {});
  REQUIRE(per_link.runs[0].config.timing.network.topology.links.size() == 1);
  CHECK(per_link.runs[0].config.timing.network.topology.links[0].duplex == csgd::Duplex::half);
}
