// The registries: every member of every kind is listed by `csgd run --help`, a key that only
// other members read is refused naming them, and documented orders hold.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "csgd/algorithm_registry.hpp"
#include "csgd/collective_registry.hpp"
#include "csgd/dataset_registry.hpp"
#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "csgd/lr_schedule_registry.hpp"
#include "csgd/mixing_graph_registry.hpp"
#include "csgd/model_registry.hpp"
#include "csgd/partition_registry.hpp"
#include "csgd/topology_registry.hpp"
#include "support/run_csgd.hpp"
#include "support/test_paths.hpp"

namespace {

using csgd::testing::error_of;

std::string run_help() {
  csgd::testing::TempDir tmp;
  const auto out = tmp / "help.txt";
  const int status = std::system((csgd::testing::csgd_binary() + " run --help >" + out.string()).c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return csgd::testing::read_file(out);
}

template <class Registry>
void check_listed(const std::string& help) {
  REQUIRE(!Registry::all().empty());
  for (const auto& e : Registry::all()) {
    CAPTURE(e.name);
    CHECK(help.find("  " + std::string(e.name) + " ") != std::string::npos);
    CHECK(!e.help.empty());
    for (const auto& k : e.keys) CHECK(!k.help.empty());
  }
}

const std::string kData =
    "workers: 2\nproblem: {model: softmax, dataset: {name: generated, samples: 100, test_samples: 20}}\n"
    "stop: {iterations: 2}\n";

}  // namespace

TEST_CASE("csgd run --help lists every member of every registry with its help") {
  const std::string help = run_help();
  check_listed<csgd::AlgorithmRegistry>(help);
  check_listed<csgd::MixingGraphRegistry>(help);
  check_listed<csgd::TopologyRegistry>(help);
  check_listed<csgd::CollectiveRegistry>(help);
  check_listed<csgd::ModelRegistry>(help);
  check_listed<csgd::DatasetRegistry>(help);
  check_listed<csgd::PartitionRegistry>(help);
  check_listed<csgd::LrScheduleRegistry>(help);
}

TEST_CASE("registries with a documented order keep it, the others sort by name") {
  using V = std::vector<std::string_view>;
  CHECK(csgd::PartitionRegistry::names() == V{"iid", "contiguous", "shards", "dirichlet"});
  CHECK(csgd::LrScheduleRegistry::names() == V{"constant", "step", "theory"});
  CHECK(csgd::DatasetRegistry::names() == V{"fashion-mnist", "libsvm", "generated"});
  CHECK(csgd::ModelRegistry::names() == V{"synthetic", "least-squares", "logistic", "softmax", "mlp", "cnn"});
  const auto algorithms = csgd::AlgorithmRegistry::names();
  CHECK(std::is_sorted(algorithms.begin(), algorithms.end()));
}

TEST_CASE("a key that only other members of its kind read is refused, naming them") {
  const auto model = error_of("workers: 2\nproblem: {model: softmax, hidden: [8], dataset: generated}\nstop: {iterations: 2}\n");
  CHECK(model.find("problem.hidden: does not apply to softmax (a model); it is read by mlp, cnn") != std::string::npos);
  const auto dataset =
      error_of("workers: 2\nproblem: {model: softmax, dataset: {name: fashion-mnist, samples: 10}}\nstop: {iterations: 2}\n");
  CHECK(dataset.find("problem.dataset.samples: does not apply to fashion-mnist (a data set); it is read by generated") !=
        std::string::npos);
  const auto partition = error_of(
      "workers: 2\nproblem: {model: softmax, dataset: {name: generated}, partition: {scheme: iid, alpha: 0.1}}\n"
      "stop: {iterations: 2}\n");
  CHECK(partition.find("problem.partition.alpha: does not apply to iid (a partition scheme); it is read by dirichlet") !=
        std::string::npos);
  const auto lr = error_of(kData + "algorithm: {lr: {schedule: theory, initial: 0.1}}\n");
  CHECK(lr.find("algorithm.lr.initial: does not apply to theory (a learning-rate schedule); it is read by constant, "
                "step") != std::string::npos);
  const auto mixing = error_of(kData + "algorithm: {name: decentralized-momentum, mixing: {topology: ring, rows: 2}}\n");
  CHECK(mixing.find("algorithm.mixing.rows: does not apply to ring (a mixing graph); it is read by torus") !=
        std::string::npos);
  const auto sync = error_of(kData + "algorithm: {name: decentralized-momentum, sync_interval: 2}\n");
  CHECK(sync.find("algorithm.sync_interval: does not apply to decentralized-momentum") != std::string::npos);
}

TEST_CASE("each error names the file position of the key it refuses") {
  const auto e = error_of("workers: 2\nproblem:\n  model: softmax\n  hidden: [8]\n  dataset: generated\nstop: {iterations: 2}\n");
  CHECK(e.find("exp.yaml:4:") == 0);
}
