// The csgd program as a user runs it: help, version, exit codes and messages.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "support/run_csgd.hpp"
#include "support/test_paths.hpp"

using csgd::testing::read_file;
using csgd::testing::write_file;

namespace {

using csgd::testing::Outcome;

Outcome run(const std::string& args, const csgd::testing::TempDir& tmp) { return csgd::testing::run_csgd(args, tmp); }

const char* kGood = "workers: 2\nproblem: {model: synthetic, dimension: 5}\nalgorithm: {lr: 0.05}\nstop: {iterations: 20}\n";

}  // namespace

TEST_CASE("help and version exit 0 and describe the program") {
  csgd::testing::TempDir tmp;
  const auto help = run("--help", tmp);
  CHECK(help.code == 0);
  CHECK(help.out.find("csgd run FILE.yaml") != std::string::npos);
  const auto run_help = run("run --help", tmp);
  CHECK(run_help.code == 0);
  CHECK(run_help.out.find("--threads") != std::string::npos);
  CHECK(run_help.out.find("--set") != std::string::npos);
  const auto version = run("--version", tmp);
  CHECK(version.code == 0);
  CHECK(version.out.find("csgd 0.") == 0);
}

TEST_CASE("a good file runs, prints a summary and where the results went") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "good.yaml", kGood);
  const auto r = run("run " + (tmp / "good.yaml").string() + " --out " + (tmp / "res").string(), tmp);
  CHECK(r.code == 0);
  CHECK(r.out.find("[completed]") != std::string::npos);
  CHECK(r.out.find("results: " + (tmp / "res").string() + "/run") != std::string::npos);
  CHECK(std::filesystem::exists(tmp / "res" / "run" / "summary.json"));
  // Where workers wait for one another (jittered steps), the summary line names the waiting too.
  CHECK(r.out.find("waiting") == std::string::npos);
  const auto jittered = run("run " + (tmp / "good.yaml").string() + " --out " + (tmp / "jit").string() +
                                " --set timing.compute.step_time=10ms --set timing.compute.jitter=0.5",
                            tmp);
  CHECK(jittered.code == 0);
  CHECK(jittered.out.find(" communication, ") != std::string::npos);
  CHECK(jittered.out.find(" waiting), ") != std::string::npos);
}

TEST_CASE("bad input exits 2 with the file position and runs nothing") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "bad.yaml", std::string(kGood) + "algorthm: {}\n");
  const auto r = run("run " + (tmp / "bad.yaml").string() + " --out " + (tmp / "res").string(), tmp);
  CHECK(r.code == 2);
  CHECK(r.err.find("bad.yaml:5:1: algorthm: unknown key; did you mean 'algorithm'?") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "res"));
  CHECK(run("run /nonexistent.yaml", tmp).code == 2);
  CHECK(run("run", tmp).code == 2);
  CHECK(run("run " + (tmp / "bad.yaml").string() + " --no-such-option", tmp).code == 2);
  CHECK(run("frobnicate", tmp).code == 2);
}

TEST_CASE("a completed run is kept unless --force is given") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "good.yaml", kGood);
  const std::string args = "run " + (tmp / "good.yaml").string() + " --quiet --out " + (tmp / "res").string();
  CHECK(run(args, tmp).code == 0);
  const auto again = run(args, tmp);
  CHECK(again.code == 2);
  CHECK(again.err.find("--force") != std::string::npos);
  CHECK(run(args + " --force", tmp).code == 0);
}

TEST_CASE("a diverging run exits 3") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "good.yaml", kGood);
  const auto r = run("run " + (tmp / "good.yaml").string() + " --quiet --set algorithm.lr=1e9 --out " +
                         (tmp / "res").string(), tmp);
  CHECK(r.code == 3);
  CHECK(read_file(tmp / "res" / "run" / "summary.json").find("\"status\": \"diverged\"") != std::string::npos);
}

TEST_CASE("csgd topo reports a ring's spectrum and Theorem 3's bound") {
  csgd::testing::TempDir tmp;
  const auto r = run("topo ring --workers 8 --beta 0.9 --L 1 --json", tmp);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  // Ring of 8 with Metropolis–Hastings weights: eigenvalues 1/3 + 2/3·cos(2πk/8).
  const double sqrt_rho = 1.0 / 3 + 2.0 / 3 * std::cos(2 * M_PI / 8);
  CHECK(j["mixing"]["sqrt_rho"].get<double>() == doctest::Approx(sqrt_rho).epsilon(1e-12));
  CHECK(j["diameter_hops"] == 4);
  const double gap = 1 - sqrt_rho;
  const double bound = std::min(0.01 * gap * gap / 6, 0.1 * gap / 4);
  CHECK(j["theorem3"]["gamma_max"].get<double>() == doctest::Approx(bound).epsilon(1e-12));
  const auto text = run("topo fat-tree --workers 16", tmp);
  CHECK(text.code == 0);
  CHECK(text.out.find("fat-tree k=4: 16 hosts, 20 switches") != std::string::npos);
  CHECK(run("topo torus --workers 10 --dims 3x3", tmp).code == 2);
  CHECK(run("topo moebius", tmp).code == 2);
}

TEST_CASE("csgd topo refuses bad numbers with exit 2 naming the option it knows them by") {
  csgd::testing::TempDir tmp;
  const auto expect = [&](const std::string& args, const std::string& start) {
    CAPTURE(args);
    const auto r = run("topo " + args, tmp);
    CHECK(r.code == 2);
    CHECK(r.err.find("csgd: error: " + start) != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
  };
  expect("torus --workers 0", "--workers: must be in 1..");
  expect("ring --workers -3", "--workers: must be in 1..");
  expect("ring --workers 100000", "--workers: must be in 1..65536 (the most hosts the flow model simulates), got 100000");
  expect("ring --workers 8 --bandwidth 0", "--bandwidth: must be > 0");
  expect("leaf-spine --workers 8 --hosts-per-leaf 3", "--hosts-per-leaf: must divide");
  expect("hypercube --workers 12", "NAME:");
  expect("torus --workers 16 --dims 4x4x", "--dims: expected sizes like 4x4");
}

TEST_CASE("a dry run validates every run and writes nothing") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "good.yaml", std::string(kGood) + "sweep: {algorithm.momentum: [0.0, 0.5]}\n");
  const auto r = run("run " + (tmp / "good.yaml").string() + " --dry-run --out " + (tmp / "res").string(), tmp);
  CHECK(r.code == 0);
  CHECK(r.out.find("2 runs valid") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "res"));
  write_file(tmp / "bad.yaml", std::string(kGood) + "sweep: {algorithm.momentum: [0.0, 1.5]}\n");
  CHECK(run("run " + (tmp / "bad.yaml").string() + " --dry-run", tmp).code == 2);
}

TEST_CASE("csgd bound prints Theorem 1's terms, names missing quantities and refuses bad ones") {
  csgd::testing::TempDir tmp;
  const std::string common = "--L 2 --sigma 3 --kappa 0.5 --gamma 0.01 --N 8 --T 1000 --f0 10";
  const std::string all = common + " --beta 0.5 --I 4";
  const auto j = run("bound " + all + " --json", tmp);
  REQUIRE(j.code == 0);
  const auto bound = nlohmann::json::parse(j.out);
  CHECK(bound["bound"]["total"].get<double>() == doctest::Approx(1 + 0.09 + 0.2304 + 0.0576));
  CHECK(bound["conditions_hold"] == true);
  const auto text = run("bound " + common + " --beta 0.5 --I 5", tmp);
  CHECK(text.code == 0);
  CHECK(text.out.find("VIOLATED") != std::string::npos);  // I ≤ (1−β)/(6Lγ) = 4.17
  const auto missing = run("bound --L 1 --beta 0.9", tmp);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("--sigma, --kappa, --gamma, --N, --T, --f0") != std::string::npos);
  CHECK(run("bound " + common + " --beta 1", tmp).code == 2);
  CHECK(run("bound --L 0 --sigma 3 --kappa 0.5 --gamma 0.01 --N 8 --T 1000 --f0 10 --beta 0.5", tmp).code == 2);
  CHECK(run("bound --L 2 --sigma 3 --kappa 0.5 --gamma 0.01 --N 8 --T 0 --f0 10 --beta 0.5", tmp).code == 2);
  const auto from = run("bound --from " + csgd::testing::source_dir() + "/experiments/theory/theorem-bounds.yaml", tmp);
  CHECK(from.code == 0);
  CHECK(from.out.find("L = 9") != std::string::npos);
  // A file on data: its settings, with L, σ, κ and f0 from the command line (all four needed).
  const std::string on_data = "workers: 4\nproblem: {model: logistic, dataset: {name: generated, samples: 100, "
                              "features: 3}}\nalgorithm: {lr: 0.01, momentum: 0.5, sync_interval: 3}\n";
  write_file(tmp / "data.yaml", on_data + "stop: {iterations: 500}\n");
  const auto data = run("bound --from " + (tmp / "data.yaml").string() + " --L 2 --sigma 1 --kappa 0 --f0 5 --json", tmp);
  REQUIRE(data.code == 0);
  const auto inputs = nlohmann::json::parse(data.out)["inputs"];
  CHECK(inputs["L"] == 2);
  CHECK(inputs["I"] == 3);
  CHECK(inputs["T"] == 500);
  CHECK(inputs["beta"] == 0.5);
  const auto partial = run("bound --from " + (tmp / "data.yaml").string() + " --L 2 --f0 5", tmp);
  CHECK(partial.code == 2);
  CHECK(partial.err.find("give --sigma, --kappa too") != std::string::npos);
  // A file that stops after epochs (as the paper's do) takes T from --T.
  const std::string constants = " --L 2 --sigma 1 --kappa 0 --f0 5";
  write_file(tmp / "epochs.yaml", on_data + "stop: {epochs: 2}\n");
  const auto epochs = run("bound --from " + (tmp / "epochs.yaml").string() + constants, tmp);
  CHECK(epochs.code == 2);
  CHECK(epochs.err.find("stops after epochs, not iterations: give --T") != std::string::npos);
  CHECK(run("bound --from " + (tmp / "epochs.yaml").string() + constants + " --T 300", tmp).code == 0);
}

TEST_CASE("a trace that would pass 1 GiB is refused before any work, naming the file, the key, the run and the sizes") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "big.yaml", "workers: 4096\nproblem: {model: synthetic, dimension: 4}\n"
                               "algorithm: {name: pr-sgd-momentum, sync_interval: 1, lr: 0.01}\n"
                               "stop: {iterations: 1000}\n");
  const auto r = run("run " + (tmp / "big.yaml").string() + " --timing-only --trace --out " + (tmp / "res").string(), tmp);
  CHECK(r.code == 2);
  CHECK(r.err.find("big.yaml:4:7: stop: --trace would record up to 1.23e+07 spans (3 × 4096 workers × 1000 iterations) "
                   "in run 'run'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "res"));
  // The same run without --trace, or a shorter traced one, is accepted.
  CHECK(run("run " + (tmp / "big.yaml").string() + " --timing-only --dry-run --trace --set stop.iterations=100", tmp).code == 0);
}

TEST_CASE("a 4096-host 3-D torus runs --timing-only from YAML with the hierarchical ring's closed form") {
  // 16 × 16 × 16 hosts, x and u of 25 MB each: every ring runs along one torus dimension over
  // direct links, uncontended, so a round is Σ over its phases of steps × (α + chunk / B).
  csgd::testing::TempDir tmp;
  write_file(tmp / "torus.yaml", "workers: 4096\nproblem: {model: synthetic, dimension: 4}\n"
                                 "algorithm: {name: pr-sgd-momentum, sync_interval: 1, lr: 0.01}\n"
                                 "timing: {compute: {step_time: 10ms}, model_bytes: 25MB,\n"
                                 "  network: {model: flow, topology: {name: torus, dims: [16, 16, 16]}}}\n"
                                 "stop: {iterations: 2}\n");
  const auto r = run("run " + (tmp / "torus.yaml").string() + " --timing-only --out " + (tmp / "res").string(), tmp);
  REQUIRE(r.code == 0);
  const auto summary = nlohmann::json::parse(read_file(tmp / "res" / "run" / "summary.json"));
  CHECK(summary["topology"]["hosts"] == 4096);
  CHECK(summary["timing_model"].get<std::string>().find("hierarchical-ring") != std::string::npos);
  const double alpha = 5e-6, B = 1.25e9, M = 50e6;
  const double round = 2 * 15 * (alpha + M / 16 / B) + 2 * 15 * (alpha + M / 256 / B) + 30 * (alpha + M / 4096 / B);
  CHECK(std::abs(summary["sim_time_s"].get<double>() - 2 * (10e-3 + round)) <= 1e-9 * 2 * (10e-3 + round));
}

TEST_CASE("a framing into more collectives than a round can hold is refused before any work") {
  csgd::testing::TempDir tmp;
  write_file(tmp / "tiny-buckets.yaml", std::string(kGood) + "timing: {model_bytes: 25MB, network: {payload: {bucket: 8B}}}\n");
  const auto r = run("run " + (tmp / "tiny-buckets.yaml").string() + " --out " + (tmp / "res").string(), tmp);
  CHECK(r.code == 2);
  CHECK(r.err.find("timing.network.payload.bucket: a round of 50.0 MB would be 6.25e+06 collectives (at most 1,000,000)") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "res"));
  // Within the bound the same file runs.
  CHECK(run("run " + (tmp / "tiny-buckets.yaml").string() + " --timing-only --set timing.network.payload.bucket=1MB --out " +
                (tmp / "ok").string(), tmp).code == 0);
}
