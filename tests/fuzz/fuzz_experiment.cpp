// libFuzzer target: an experiment file through the parser, validation and every run's
// preparation (data, W, topology, clock) — the --dry-run path: nothing trained or written.
#include <cstdint>
#include <string>

#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto dir = csgd::fuzz::scratch_dir();
  const std::string text(reinterpret_cast<const char*>(data), size);
  csgd::fuzz::expect_result_or_refusal([&] {
    const csgd::ExperimentPlan plan = csgd::load_experiment_text(text, (dir / "fuzz.yaml").string(), {});
    csgd::RunOptions options;
    options.out_dir = dir / "out";
    options.quiet = true;
    options.dry_run = true;
    csgd::run_experiment(plan, options);
  });
  return 0;
}
