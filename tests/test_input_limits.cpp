// Inputs that ask for more than can be built or read end in exit 2 with a located message that
// gives the estimate, before anything is allocated: the csgd program with --dry-run, as a user
// runs it. Each case used to crash (bad_alloc, overflow), hang or exhaust memory.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "support/run_csgd.hpp"

using csgd::testing::Outcome;
using csgd::testing::TempDir;
using csgd::testing::write_file;

namespace {

const char* kSynthetic = "workers: 4\nproblem: {model: synthetic, dimension: 10}\nalgorithm: {lr: 0.05}\n"
                         "stop: {iterations: 20}\n";

// A small MLP on generated data (analytic clock), and the same under the flow model (ring).
const std::string kMlp =
    "workers: 4\nproblem: {model: mlp, hidden: [8], dataset: {name: generated, samples: 200, features: 4}}\n"
    "algorithm: {lr: 0.05}\nstop: {iterations: 20}\n";
const std::string kFlowMlp = kMlp + "timing: {network: {model: flow, topology: ring}}\n";

// `csgd run exp.yaml --dry-run --set S...` in a fresh folder (each S quoted for the shell).
Outcome dry_run(const TempDir& tmp, const std::string& text, std::initializer_list<std::string> sets = {}) {
  write_file(tmp / "exp.yaml", text);
  std::string args = "run " + (tmp / "exp.yaml").string() + " --dry-run --out " + (tmp / "out").string();
  for (const auto& s : sets) args += " --set '" + s + "'";
  return csgd::testing::run_csgd(args, tmp);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Exit 2, the message contains every part, nothing was written.
void refused(const Outcome& o, std::initializer_list<std::string> parts, const TempDir& tmp) {
  CAPTURE(o.err);
  CHECK(o.code == 2);
  CHECK(has(o.err, "csgd: error: "));
  CHECK_FALSE(has(o.err, "internal error"));
  for (const auto& p : parts) CHECK(has(o.err, p));
  CHECK_FALSE(std::filesystem::exists(tmp / "out"));
}

}  // namespace

TEST_CASE("worker counts above 2^20 are refused, also written as 1e9") {
  TempDir tmp;
  refused(dry_run(tmp, kSynthetic, {"workers=2147483647"}), {"workers", "≤ 1048576", "2147483647"}, tmp);
  refused(dry_run(tmp, kSynthetic, {"workers=1e9"}), {"workers", "1000000000"}, tmp);
}

TEST_CASE("state that cannot fit in memory is refused with the estimate") {
  TempDir tmp;
  // The synthetic problem's b_i: 2^20 workers × 2^30 × 12 bytes, petabytes on any machine.
  refused(dry_run(tmp, kSynthetic, {"workers=1048576", "problem.dimension=1073741824"}),
          {"exp.yaml:2:", "problem", "would need about", "PB", "1048576 workers × dimension 1073741824",
           "of memory available"},
          tmp);
  // The workers' x_i and u_i of a 2^48-parameter MLP: located to `workers`.
  refused(dry_run(tmp, kFlowMlp, {"problem.hidden=[16777216,16777216]"}),
          {"exp.yaml:1:", "workers", "the workers' model and momentum vectors", "4 workers × 2 vectors"}, tmp);
  // Generated data of 2^31 × 2^31 values.
  refused(dry_run(tmp, kFlowMlp, {"problem.dataset.samples=2147483647", "problem.dataset.features=2147483647"}),
          {"the generated dataset", "would need about"}, tmp);
  // The iid partition keeps every row per worker.
  refused(dry_run(tmp, kMlp, {"workers=1048576", "problem.dataset.samples=2000000"}),
          {"the iid partition's row lists", "1048576 workers × 2000000 rows × 2 lists"}, tmp);
}

TEST_CASE("model sizes whose parameter count could overflow are refused by their own rule") {
  TempDir tmp;
  refused(dry_run(tmp, kFlowMlp, {"problem.hidden=[2000000000]"}), {"problem.hidden", "1..16777216"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"problem.model=cnn", "problem.channels=[100000000]"}),
          {"problem.channels", "1..65536"}, tmp);
  refused(dry_run(tmp, kFlowMlp,
                  {"problem.model=cnn", "problem.image_shape=[16777216,16777216,16777216]", "problem.channels=[2]"}),
          {"problem.image_shape", "4722366482869645213696 values", "have 4"}, tmp);
}

TEST_CASE("a payload above 1 PB is refused at timing.model_bytes") {
  TempDir tmp;
  refused(dry_run(tmp, kFlowMlp, {"timing.model_bytes=1e30GB"}), {"timing.model_bytes", "at most 1e+15 bytes"}, tmp);
  CHECK(dry_run(tmp, kFlowMlp, {"timing.model_bytes=1TB"}).code == 0);
}

TEST_CASE("topologies too large to build are refused before they are built") {
  TempDir tmp;
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: fat-tree, k: 1000}"}),
          {"timing.network.topology.k", "k = 1000", "500000004 links", "at most"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: fat-tree, k: 2147483646}"}),
          {"timing.network.topology.k", "at most"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: leaf-spine, spines: 100000000}"}),
          {"timing.network.topology.spines", "100000001 switches"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: torus, dims: [2147483647, 2147483647, 2]}"}),
          {"timing.network.topology.dims", "9223372028264841216 hosts", "N = 4"}, tmp);
  // Located at the worker count that asked for it (written in the file), not at the topology.
  std::string big_flow = std::string(kSynthetic) + "timing: {network: {model: flow, topology: ring}}\n";
  big_flow.replace(big_flow.find("workers: "), std::string("workers: 4").size(), "workers: 100000");
  const Outcome too_many_hosts = dry_run(tmp, big_flow, {});
  refused(too_many_hosts, {"exp.yaml:1:", "workers: the flow network model", "at most 65536 hosts", "N = 100000"}, tmp);
  CHECK_FALSE(has(too_many_hosts.err, "topology.name"));
  refused(dry_run(tmp, kSynthetic, {"workers=5000", "algorithm.name=decentralized-momentum"}),
          {"algorithm.mixing", "at most 4096 workers"}, tmp);
}

TEST_CASE("input files must be regular files: a directory or an endless device is refused, not read") {
  TempDir tmp;
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: custom, file: /dev/zero}"}),
          {"timing.network.topology", "/dev/zero", "must be a regular file", "a character device"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: custom, file: " + tmp.path().string() + "}"}),
          {"must be a regular file", "a directory"}, tmp);
  refused(dry_run(tmp, kSynthetic,
                  {"algorithm.name=decentralized-momentum", "algorithm.mixing={topology: file, file: /dev/zero}"}),
          {"algorithm", "the mixing-matrix file", "a character device"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"problem.dataset={name: libsvm, train_file: " + tmp.path().string() + "}"}),
          {"the LIBSVM file (problem.dataset.train_file)", "a directory"}, tmp);
  refused(dry_run(tmp, kFlowMlp, {"problem.dataset={name: fashion-mnist, path: /dev}"}),
          {"Fashion-MNIST"}, tmp);
  const Outcome o = csgd::testing::run_csgd("run /dev/zero --dry-run", tmp);
  CHECK(o.code == 2);
  CHECK(has(o.err, "the experiment file must be a regular file"));
}

TEST_CASE("a custom topology's node ids are bounded: a huge id is refused at its line") {
  TempDir tmp;
  write_file(tmp / "net.txt", "0 1\n1 2\n2 3\n3 2147483647\n");
  refused(dry_run(tmp, kFlowMlp, {"timing.network.topology={name: custom, file: net.txt}"}),
          {"net.txt:4:", "node ids 0.."}, tmp);
}

TEST_CASE("a YAML alias bomb is refused without being expanded") {
  TempDir tmp;
  std::string text = kSynthetic;
  text += "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char prev = static_cast<char>(c - 1);
    text += fmt::format("{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n", c, c, prev, prev, prev, prev,
                        prev, prev, prev, prev, prev, prev);
  }
  text += "sweep: {name: [*i]}\n";  // 10^9 nodes
  refused(dry_run(tmp, text), {"exp.yaml:", "more than 1000000 nodes", "alias"}, tmp);
}

TEST_CASE("a sweep value that makes a run-folder name too long for the file system is refused at its line") {
  TempDir tmp;
  std::string text = kSynthetic;
  text += "sweep:\n  name: [short, " + std::string(300, 'a') + "]\n";
  refused(dry_run(tmp, text), {"exp.yaml:6:17", "sweep.name", "would be 305 bytes long", "255"}, tmp);
  refused(dry_run(tmp, kSynthetic, {"sweep={name: [" + std::string(300, 'b') + "]}"}),
          {{"sweep="}, "sweep.name", "305 bytes"}, tmp);
}

TEST_CASE("shards that cannot each get a row are refused before they are dealt") {
  TempDir tmp;
  refused(dry_run(tmp, kFlowMlp, {"problem.partition={scheme: shards, shards_per_worker: 1000000000}"}),
          {"problem.partition.shards_per_worker", "4 workers × 1000000000 shards need at least 4000000000 rows",
           "has 200"},
          tmp);
}
