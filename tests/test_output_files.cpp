// What a run leaves on disk: complete runs, diverged runs, and refusal to overwrite.
#include <doctest/doctest.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "csgd/errors.hpp"
#include "csgd/runner.hpp"
#include "output/npy_writer.hpp"
#include "support/temp_dir.hpp"

using namespace csgd;
using csgd::testing::read_file;

namespace {

const char* kRun = R"(name: out
workers: 2
precision: float64
problem: {model: least-squares, dataset: {name: generated, regression: true, samples: 200, test_samples: 50, features: 5},
          batch_size: 10}
algorithm: {name: pr-sgd-momentum, momentum: 0.5, sync_interval: 2, lr: 0.05}
stop: {iterations: 20}
eval: {every_iterations: 5}
)";

nlohmann::json summary_of(const std::filesystem::path& dir) { return nlohmann::json::parse(read_file(dir / "summary.json")); }

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("a .npy file has the NumPy 1.0 header and the raw little-endian values") {
  const std::vector<float> v{1.5f, -2.0f, 3.25f};
  const std::string bytes = npy_bytes<float>(v);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  CHECK((10 + header_len) % 64 == 0);
  const std::string header = bytes.substr(10, header_len);
  CHECK(header.find("'descr': '<f4'") != std::string::npos);
  CHECK(header.find("'shape': (3,)") != std::string::npos);
  CHECK(header.back() == '\n');
  float back[3];
  std::memcpy(back, bytes.data() + 10 + header_len, sizeof back);
  CHECK(back[2] == 3.25f);
  CHECK(bytes.size() == 10 + header_len + 12);
}

TEST_CASE("a completed run writes metrics, summary, resolved config and the averaged model") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(kRun, "out.yaml", {});
  RunOptions options;
  options.out_dir = tmp.path();
  const auto results = run_experiment(plan, options);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == RunStatus::completed);
  const auto dir = tmp / "run";
  const auto s = summary_of(dir);
  CHECK(s["status"] == "completed");
  CHECK(s["iterations"] == 20);
  CHECK(s["rounds"] == 10);
  CHECK(s["parameters"] == 5);
  CHECK(count_lines(read_file(dir / "metrics.csv")) == 1 + 5);  // header + t = 0, 5, 10, 15, 20
  CHECK(read_file(dir / "config.resolved.yaml").find("sync_interval: 2") != std::string::npos);
  CHECK(read_file(dir / "model.npy").size() == 128 + 5 * 8);
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().extension() != ".tmp");
}

TEST_CASE("an existing run is not overwritten without force, and is with it") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(kRun, "out.yaml", {});
  RunOptions options;
  options.out_dir = tmp.path();
  run_experiment(plan, options);
  const std::string before = read_file(tmp / "run" / "metrics.csv");
  CHECK_THROWS_WITH_AS(run_experiment(plan, options), doctest::Contains("a completed run is already there; pass --force"),
                       InputError);
  CHECK(read_file(tmp / "run" / "metrics.csv") == before);
  options.force = true;
  CHECK(run_experiment(plan, options).at(0).status == RunStatus::completed);
}

TEST_CASE("a diverging run stops, keeps its metrics so far and marks itself diverged") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(kRun, "out.yaml", {"algorithm.lr=1e6", "stop.iterations=200"});
  RunOptions options;
  options.out_dir = tmp.path();
  const auto results = run_experiment(plan, options);
  CHECK(results.at(0).status == RunStatus::diverged);
  const auto s = summary_of(tmp / "run");
  CHECK(s["status"] == "diverged");
  CHECK(s["iterations"].get<int>() < 200);
  CHECK(count_lines(read_file(tmp / "run" / "metrics.csv")) >= 2);
}

TEST_CASE("a batch larger than a worker's partition is refused before any folder is written") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(kRun, "out.yaml", {"problem.batch_size=150", "problem.partition=contiguous"});
  RunOptions options;
  options.out_dir = tmp.path() / "x";
  CHECK_THROWS_WITH_AS(run_experiment(plan, options), doctest::Contains("problem.batch_size"), InputError);
  CHECK_FALSE(std::filesystem::exists(options.out_dir));
}

TEST_CASE("a sweep writes one folder per run and a combined CSV with the swept values") {
  testing::TempDir tmp;
  const auto plan = load_experiment_text(std::string(kRun) + "sweep: {algorithm.sync_interval: [1, 4]}\n", "out.yaml", {});
  RunOptions options;
  options.out_dir = tmp.path();
  const auto results = run_experiment(plan, options);
  REQUIRE(results.size() == 2);
  CHECK(summary_of(tmp / "sync_interval=1")["rounds"] == 20);
  CHECK(summary_of(tmp / "sync_interval=4")["rounds"] == 5);
  const std::string combined = read_file(tmp / "sweep.csv");
  CHECK(combined.rfind("run,algorithm.sync_interval,iteration,", 0) == 0);
  CHECK(count_lines(combined) == 1 + 2 * 5);
  CHECK(combined.find("\n\"sync_interval=4\",\"4\",20,") != std::string::npos);
}
