#pragma once
// Shared by the libFuzzer targets: a scratch file for readers that take a path, and the rule every
// target checks — user input ends in a result or in csgd's own refusal (InputError or
// ValidationError), never in another exception, a sanitizer report, a hang or exhausted memory.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"

namespace csgd::fuzz {

// A folder of this process's own under /dev/shm (memory, fast) or the temp folder.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    auto d = base / ("csgd-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    // Size estimates may use at most this much: the fuzzer's own RSS limit is 2 GiB.
    ::setenv("CSGD_MEMORY_LIMIT", "1GiB", 1);
    return d;
  }();
  return dir;
}

// Writes the input to scratch_dir()/name and returns its path.
inline std::string scratch_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const auto path = scratch_dir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return path.string();
}

// Runs `f`; csgd's refusals are expected outcomes, anything else escapes to libFuzzer as a crash.
template <class F> void expect_result_or_refusal(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  } catch (const ValidationError&) {
  }
}

// `csgd run FILE --set ... --dry-run` in process: parse, validate and prepare every run.
inline void dry_run(const std::string& text, const std::string& file, const std::vector<std::string>& sets = {}) {
  expect_result_or_refusal([&] {
    const ExperimentPlan plan = load_experiment_text(text, file, sets);
    RunOptions options;
    options.out_dir = scratch_dir() / "out";
    options.quiet = true;
    options.dry_run = true;
    run_experiment(plan, options);
  });
}

}  // namespace csgd::fuzz
