// libFuzzer target: an experiment file through the parser, validation and every run's
// preparation (data, W, topology, clock) — the --dry-run path: nothing trained or written.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  csgd::fuzz::dry_run(std::string(reinterpret_cast<const char*>(data), size),
                      (csgd::fuzz::scratch_dir() / "fuzz.yaml").string());
  return 0;
}
