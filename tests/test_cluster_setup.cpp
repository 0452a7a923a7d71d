// Every `auto` resolved once (resolve_cluster): the run, `csgd bound --from` and the registries
// agree, and keys that do not apply are refused before any work starts.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "csgd/topology_registry.hpp"
#include "support/run_csgd.hpp"

using csgd::testing::read_file;
using csgd::testing::write_file;

namespace {

using csgd::testing::error_of;
using csgd::testing::Outcome;

Outcome run(const std::string& args, const csgd::testing::TempDir& tmp) { return csgd::testing::run_csgd(args, tmp); }

const std::string kDecentralized =
    "workers: 8\nprecision: float64\nproblem: {model: synthetic, dimension: 4}\n"
    "algorithm: {name: decentralized-momentum, lr: 0.01}\nstop: {iterations: 2}\n";

}  // namespace

TEST_CASE("csgd bound --from reports the sqrt(rho) the run used, for every topology and model") {
  csgd::testing::TempDir tmp;
  // A switch-free custom file: a ring of 8 with one chord, so `auto` mixes over its host graph.
  write_file(tmp / "chord.txt", "0 1\n1 2\n2 3\n3 4\n4 5\n5 6\n6 7\n7 0\n0 4\n");
  std::vector<std::string> networks = {"{model: analytic}"};
  for (const csgd::TopologyEntry& e : csgd::TopologyRegistry::all())
    networks.push_back("{model: flow, topology: {name: " + std::string(e.name) +
                       std::string(e.name == "custom" ? ", file: " + (tmp / "chord.txt").string() : "") + "}}");
  int checked = 0;
  for (const std::string& network : networks) {
    CAPTURE(network);
    const auto file = tmp / "exp.yaml";
    write_file(file, kDecentralized + "timing: {network: " + network + "}\n");
    const auto r = run("run " + file.string() + " --quiet --force --out " + (tmp / "res").string(), tmp);
    REQUIRE(r.code == 0);
    const auto summary = nlohmann::json::parse(read_file(tmp / "res" / "run" / "summary.json"));
    const auto b = run("bound --from " + file.string() + " --json", tmp);
    REQUIRE(b.code == 0);
    const double run_sqrt_rho = summary.at("mixing").at("sqrt_rho");
    CHECK(nlohmann::json::parse(b.out).at("theorem3").at("sqrt_rho").get<double>() == run_sqrt_rho);
    ++checked;
  }
  CHECK(checked == static_cast<int>(csgd::TopologyRegistry::all().size()) + 1);
}

TEST_CASE("mixing auto on a switch-free flow topology is its host graph, so a complete network mixes in one step") {
  csgd::testing::TempDir tmp;
  const auto file = tmp / "exp.yaml";
  // (This file used to repeat `workers:`, and yaml-cpp silently kept the first: now refused.)
  std::string text = kDecentralized;
  text.replace(text.find("workers: 8"), 10, "workers: 9");
  write_file(file, text + "timing: {network: {model: flow, topology: complete}}\n");
  const auto b = run("bound --from " + file.string() + " --json", tmp);
  REQUIRE(b.code == 0);
  // W of the complete graph with Metropolis-Hastings weights is 11ᵀ/N: √ρ = 0 (the bug reported √ρ of a ring).
  CHECK(nlohmann::json::parse(b.out).at("theorem3").at("sqrt_rho").get<double>() < 1e-12);
}

TEST_CASE("a collective, servers or topology under the analytic model is refused, not ignored") {
  const std::string base = "workers: 4\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 2}\n";
  const auto collective = error_of(base + "timing: {network: {model: analytic, collective: binomial-tree}}\n");
  CHECK(collective.find("exp.yaml:4:") == 0);
  CHECK(collective.find("timing.network.collective: applies only to model: flow") != std::string::npos);
  CHECK(error_of(base + "timing: {network: {topology: ring}}\n").find("timing.network.topology: applies only to model: flow") !=
        std::string::npos);
  CHECK(error_of(base + "timing: {network: {model: flow, servers: 2}}\n")
            .find("timing.network.servers: does not apply to collective auto; it is read by parameter-server") !=
        std::string::npos);
  CHECK(error_of(base + "timing: {network: {model: flow, collective: ring, servers: 2}}\n")
            .find("timing.network.servers: does not apply to ring (a collective); it is read by parameter-server") !=
        std::string::npos);
  CHECK(error_of(base + "timing: {network: {model: flow, collective: parameter-server, servers: 2}}\n") == "(accepted)");
}

TEST_CASE("a topology key read only by other topologies is refused naming the ones that read it") {
  const std::string base = "workers: 16\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 2}\n";
  const auto k_on_torus = error_of(base + "timing: {network: {model: flow, topology: {name: torus, k: 4}}}\n");
  CHECK(k_on_torus.find("exp.yaml:4:") == 0);
  CHECK(k_on_torus.find("timing.network.topology.k: does not apply to torus (a topology); it is read by fat-tree") !=
        std::string::npos);
  const auto over = error_of(base + "timing: {network: {model: flow, topology: {name: ring, oversubscription: 2}}}\n");
  CHECK(over.find("it is read by fat-tree, leaf-spine") != std::string::npos);
  const auto typo = error_of(base + "timing: {network: {model: flow, topology: {name: torus, dim: [4, 4]}}}\n");
  CHECK(typo.find("unknown key") != std::string::npos);
  CHECK(typo.find("dims") != std::string::npos);  // did you mean
  const auto unknown = error_of(base + "timing: {network: {model: flow, topology: donut}}\n");
  CHECK(unknown.find("must be one of complete, custom, fat-tree") != std::string::npos);
}

TEST_CASE("csgd topo takes every topology key as an option and refuses one that does not apply") {
  csgd::testing::TempDir tmp;
  const auto help = run("topo --help", tmp);
  CHECK(help.code == 0);
  for (const csgd::TopologyEntry& e : csgd::TopologyRegistry::all()) {
    CHECK(help.out.find("  " + std::string(e.name) + " ") != std::string::npos);
    for (const auto& key : e.keys) {
      std::string option(key.name);
      std::replace(option.begin(), option.end(), '_', '-');
      CHECK(help.out.find("--" + option) != std::string::npos);
    }
  }
  const auto fat = run("topo fat-tree --k 4 -n 16 --json", tmp);
  CHECK(fat.code == 0);
  CHECK(nlohmann::json::parse(fat.out).at("switches") == 20);
  const auto wrong = run("topo ring --k 4", tmp);
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("--k does not apply to ring") != std::string::npos);
}
