#include "run/stop_summaries.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace csgd {
namespace {

using Renames = std::vector<std::pair<std::string, std::string>>;  // stop summary → summary.json

// A handler may run on any thread at any time, so an armed list is never freed: disarming only
// unhooks it (a few paths per trained group, kept for the process's life).
std::atomic<const Renames*> g_armed{nullptr};

}  // namespace

void arm_stop_summaries(std::span<const std::filesystem::path> run_dirs) {
  auto* renames = new Renames;  // intentionally never deleted (see g_armed)
  for (const auto& dir : run_dirs) renames->emplace_back((dir / kStopSummaryName).string(), (dir / "summary.json").string());
  g_armed.store(renames);
}

void disarm_stop_summaries(std::span<const std::filesystem::path> run_dirs) {
  g_armed.store(nullptr);
  for (const auto& dir : run_dirs) {
    std::error_code ignored;  // absent when a signal already published it
    std::filesystem::remove(dir / kStopSummaryName, ignored);
  }
}

void publish_stop_summaries() noexcept {
  const Renames* renames = g_armed.exchange(nullptr);
  if (!renames) return;
  for (const auto& [from, to] : *renames) std::rename(from.c_str(), to.c_str());  // rename(2): async-signal-safe
}

}  // namespace csgd
