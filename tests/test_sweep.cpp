#include <doctest/doctest.h>

#include <filesystem>

#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "support/test_paths.hpp"

using csgd::load_experiment_text;

namespace {
// Replaces the first `from` (built by concatenation: GCC 12 misreports string::replace, PR105329).
std::string with(const std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.substr(0, at) + to + text.substr(at + from.size());
}

const char* kSweep = R"(name: s
workers: 2
problem: {model: synthetic, dimension: 4}
algorithm: {name: pr-sgd-momentum, lr: 0.1}
stop: {iterations: 10}
sweep:
  algorithm.sync_interval: [1, 4, 8]
  algorithm.momentum: [0.0, 0.9]
)";
}

TEST_CASE("a sweep expands to the cartesian product with the last key varying fastest") {
  const auto plan = load_experiment_text(kSweep, "s.yaml", {});
  REQUIRE(plan.runs.size() == 6);
  CHECK(plan.sweep_keys == std::vector<std::string>{"algorithm.sync_interval", "algorithm.momentum"});
  CHECK(plan.runs[0].run_name == "sync_interval=1,momentum=0.0");
  CHECK(plan.runs[1].run_name == "sync_interval=1,momentum=0.9");
  CHECK(plan.runs[5].run_name == "sync_interval=8,momentum=0.9");
  CHECK(plan.runs[4].config.algorithm.I == 8);
  CHECK(plan.runs[4].config.algorithm.beta == 0.0);
  CHECK(plan.runs[3].swept[0] == std::pair<std::string, std::string>{"algorithm.sync_interval", "4"});
}

TEST_CASE("a bad sweep value is refused at its own line, before any run") {
  const std::string text = with(kSweep, "[0.0, 0.9]", "[0.0, 1.5]");
  try {
    load_experiment_text(text, "s.yaml", {});
    FAIL("accepted");
  } catch (const csgd::InputError& e) {
    CHECK(std::string(e.what()).find("s.yaml:8:29: algorithm.momentum:") == 0);
  }
}

TEST_CASE("a sweep over a mistyped key is refused with the nearest key") {
  const std::string text = with(kSweep, "algorithm.momentum:", "algorithm.momentun:");
  CHECK_THROWS_WITH_AS(load_experiment_text(text, "s.yaml", {}), doctest::Contains("did you mean 'momentum'"),
                       csgd::InputError);
}

TEST_CASE("a sweep entry that is not a list is refused") {
  const std::string text = with(kSweep, "[1, 4, 8]", "8");
  CHECK_THROWS_WITH_AS(load_experiment_text(text, "s.yaml", {}), doctest::Contains("non-empty list"), csgd::InputError);
}

TEST_CASE("--set can replace a sweep axis") {
  const auto plan = load_experiment_text(kSweep, "s.yaml", {"sweep.algorithm.momentum=[0.5]"});
  REQUIRE(plan.runs.size() == 3);
  CHECK(plan.runs[2].config.algorithm.beta == 0.5);
}

TEST_CASE("list values label folders readably") {
  const auto plan = load_experiment_text(
      "workers: 1\nproblem: {model: mlp, dataset: generated}\nstop: {iterations: 1}\nsweep: {problem.hidden: [[8], [16, 16]]}\n",
      "h.yaml", {});
  REQUIRE(plan.runs.size() == 2);
  CHECK(plan.runs[1].run_name == "hidden=16-16");
  CHECK(plan.runs[1].config.problem.hidden == std::vector<int>{16, 16});
}

TEST_CASE("a sweep value that is a map merges into the section, varying several keys at once") {
  const auto plan = load_experiment_text(R"(workers: 4
problem: {model: synthetic, dimension: 4}
algorithm: {name: pr-sgd-momentum, momentum: 0.5, lr: 0.1}
stop: {iterations: 10}
sweep:
  algorithm: [{sync_interval: 8}, {name: decentralized-momentum, mixing: line}]
)", "m.yaml", {});
  REQUIRE(plan.runs.size() == 2);
  CHECK(plan.runs[0].run_name == "algorithm=sync_interval-8");
  CHECK(plan.runs[0].config.algorithm.I == 8);
  CHECK(plan.runs[0].config.algorithm.beta == 0.5);  // kept from the file
  CHECK(plan.runs[1].config.algorithm.name == "decentralized-momentum");
  CHECK(plan.runs[1].config.algorithm.mixing.topology == "line");
  CHECK(plan.runs[1].config.algorithm.lr.initial == 0.1);
}

TEST_CASE("--set replaces a whole map, where a sweep value would merge") {
  const char* text = "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 10}\n";
  const auto plan = load_experiment_text(text, "r.yaml", {"stop={iterations: 20}"});
  CHECK(*plan.runs[0].config.stop.iterations == 20);
  CHECK_THROWS_WITH_AS(load_experiment_text(std::string(text) + "eval: {every_iterations: 5}\n", "r.yaml",
                                            {"eval={every_epochs: 1}"}),
                       doctest::Contains("synthetic problem has no epochs"), csgd::InputError);
}

TEST_CASE("a shorthand set by --set can be extended by a later --set, as the file's own shorthand can") {
  const char* text = "workers: 9\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 10}\n"
                     "timing: {network: {model: flow}}\n";
  const auto plan = load_experiment_text(
      text, "r.yaml", {"timing.network.topology=torus", "timing.network.topology.dims=[3,3]"});
  CHECK(plan.runs[0].config.timing.network.topology.name == "torus");
  CHECK(plan.runs[0].config.timing.network.topology.dims == std::vector<int>{3, 3});
}

TEST_CASE("--set sweep as one flow map replaces the whole sweep, like the dotted form") {
  const std::string base = "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 10}\n"
                           "timing: {network: {model: flow}}\n";
  const auto dotted = load_experiment_text(base, "s.yaml", {"sweep.timing.network.topology=[ring, star]"});
  const auto map = load_experiment_text(base, "s.yaml", {"sweep={timing.network.topology: [ring, star]}"});
  REQUIRE(map.runs.size() == 2);
  CHECK(map.sweep_keys == dotted.sweep_keys);
  for (std::size_t r = 0; r < 2; ++r) {
    CHECK(map.runs[r].run_name == dotted.runs[r].run_name);
    CHECK(map.runs[r].config.timing.network.topology.name == dotted.runs[r].config.timing.network.topology.name);
  }
  // It replaces the file's sweep rather than adding to it.
  const auto replaced = load_experiment_text(kSweep, "s.yaml", {"sweep={algorithm.momentum: [0.5]}"});
  REQUIRE(replaced.runs.size() == 1);
  CHECK(replaced.sweep_keys == std::vector<std::string>{"algorithm.momentum"});
  CHECK(replaced.runs[0].config.algorithm.beta == 0.5);
}

TEST_CASE("--set sweep with a value that is not a map is refused naming the option") {
  CHECK_THROWS_WITH_AS(load_experiment_text(kSweep, "s.yaml", {"sweep=[1, 2]"}),
                       doctest::Contains("--set sweep=[1, 2]: sweep: expected a map"), csgd::InputError);
}

TEST_CASE("a sweep key that is not a key path is refused at its own position") {
  for (const char* key : {"\"\"", "\".\"", "\"a..b\"", "\"algorithm.\""}) {
    CAPTURE(key);
    const std::string text = "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 10}\nsweep:\n  " +
                             std::string(key) + ": [1, 2]\n";
    CHECK_THROWS_WITH_AS(load_experiment_text(text, "s.yaml", {}), doctest::Contains("s.yaml:5:3: sweep:"),
                         csgd::InputError);
  }
  CHECK_THROWS_WITH_AS(load_experiment_text(kSweep, "s.yaml", {"sweep={\"\": [1, 2]}"}),
                       doctest::Contains("is not a key path"), csgd::InputError);
}

TEST_CASE("a sweep that would expand to more than 10,000 runs is refused before anything is expanded") {
  std::string text = "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 10}\nsweep:\n";
  for (int k = 0; k < 40; ++k) text += "  eval.x" + std::to_string(k) + ": [1, 2]\n";  // 2^40 runs
  CHECK_THROWS_WITH_AS(load_experiment_text(text, "s.yaml", {}), doctest::Contains("more than 10000 runs"),
                       csgd::InputError);
}

TEST_CASE("YAML complex keys are refused with their position, at the top, nested, in a sweep and in --set") {
  const std::string base = "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 10}\n";
  CHECK_THROWS_WITH_AS(load_experiment_text(base + "? [a, b]\n: 1\n", "s.yaml", {}),
                       doctest::Contains("s.yaml:4:3: a key must be a plain name"), csgd::InputError);
  CHECK_THROWS_WITH_AS(load_experiment_text(base + "eval: {? [a, b] : 1}\n", "s.yaml", {}),
                       doctest::Contains("a key must be a plain name"), csgd::InputError);
  CHECK_THROWS_WITH_AS(load_experiment_text(base + "sweep: {? [a, b] : [1, 2]}\n", "s.yaml", {}),
                       doctest::Contains("a key must be a plain name"), csgd::InputError);
  CHECK_THROWS_WITH_AS(load_experiment_text(base + "sweep: {algorithm: [{? [a] : 1}]}\n", "s.yaml", {}),
                       doctest::Contains("a key must be a plain name"), csgd::InputError);
  CHECK_THROWS_WITH_AS(load_experiment_text(base, "s.yaml", {"eval={? [a, b] : 1}"}),
                       doctest::Contains("--set eval={? [a, b] : 1}: a key must be a plain name"), csgd::InputError);
}

TEST_CASE("every shipped experiment file loads and validates") {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::filesystem::path(csgd::testing::source_dir()) / "experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    CAPTURE(entry.path().string());
    ++files;
    const auto plan = csgd::load_experiment(entry.path().string(), {});
    CHECK(!plan.runs.empty());
  }
  CHECK(files >= 15);
}

TEST_CASE("a relative mixing-matrix file is found beside the experiment file, like data and topology files") {
  const char* text = R"(workers: 3
problem: {model: synthetic, dimension: 4}
algorithm: {name: decentralized-momentum, lr: 0.1, mixing: {topology: file, file: W.txt}}
stop: {iterations: 5}
)";
  CHECK(load_experiment_text(text, "studies/exp.yaml", {}).runs[0].config.algorithm.mixing.file == "studies/W.txt");
  CHECK(load_experiment_text(text, "studies/exp.yaml", {"algorithm.mixing.file=/abs/W.txt"})
            .runs[0].config.algorithm.mixing.file == "/abs/W.txt");
}
