#pragma once
// Run folders compared for what a run computed: the files without the fields that measure the
// machine (wall times, throughput), which differ between any two runs.
#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace csgd::testing {

// metrics.csv without its last column (wall_s).
inline std::string metrics_without_wall(const std::filesystem::path& file) {
  std::stringstream in(read_file(file));
  std::string out;
  for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

// summary.json without the fields that measure the machine rather than the run.
inline nlohmann::json summary_without_wall(const std::filesystem::path& file) {
  nlohmann::json s = nlohmann::json::parse(read_file(file));
  for (const char* key : {"wall_s", "profile_s", "samples_per_s"}) s.erase(key);
  for (const char* part : {"final", "best_train_loss", "best_test_accuracy", "random_iterate"})
    if (s.contains(part)) s[part].erase("wall_s");
  return s;
}

}  // namespace csgd::testing
