// libFuzzer target: --set options (one per input line) over a small valid experiment, through the
// same parser, validation and dry-run preparation as `csgd run FILE --set ... --dry-run`.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

namespace {
const char* kBase =
    "name: fuzz\nseed: 1\nworkers: 4\n"
    "problem: {model: mlp, hidden: [8], dataset: {name: generated, samples: 64, features: 4}, batch_size: 4}\n"
    "algorithm: {name: pr-sgd-momentum, momentum: 0.9, sync_interval: 4, lr: 0.05}\n"
    "timing: {compute: {step_time: 1ms}, network: {model: flow, latency: 5us, bandwidth: 10Gbps, topology: ring}}\n"
    "stop: {iterations: 8}\neval: {every_iterations: 4}\n";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> sets;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(lines, line) && sets.size() < 8;) sets.push_back(line);
  csgd::fuzz::dry_run(kBase, (csgd::fuzz::scratch_dir() / "base.yaml").string(), sets);
  return 0;
}
