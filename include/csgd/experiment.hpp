#pragma once
// One experiment file, parsed and validated: everything a run needs, nothing it computes.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "csgd/algorithm.hpp"
#include "csgd/problem.hpp"
#include "csgd/timing.hpp"

namespace csgd {

struct StopSpec {
  std::optional<std::int64_t> iterations;  // T
  std::optional<double> epochs;            // epochs jointly accessed by all workers
  // Optional targets, checked at evaluation points; iterations/epochs is then the cap.
  std::optional<double> target_loss, target_accuracy, target_grad_norm_sq;

  void validate() const;
};

struct EvalSpec {
  std::optional<std::int64_t> every_iterations;
  std::optional<double> every_epochs;
  std::optional<bool> grad_norm;  // default: on when the problem has the exact gradient cheaply

  void validate() const;
};

enum class Precision { float32, float64 };

struct ExperimentConfig {
  std::string name = "experiment";
  std::uint64_t seed = 1;
  int N = 1;  // workers
  Precision precision = Precision::float32;
  ProblemSpec problem;
  AlgorithmSpec algorithm;
  TimingSpec timing;
  StopSpec stop;
  EvalSpec eval;

  void validate() const;  // cross-field rules; each section validates itself too
};

class ConfigSource;  // where each key path of a run came from (file position, --set, sweep)

// One run of an experiment file: the base file, or one point of its sweep.
struct RunPlan {
  std::string run_name;          // folder name: "run", or "sync_interval=8" for a sweep point;
                                 // with seeds, "sync_interval=8/seed=3"
  std::string config_name;       // run_name without the seed: what the seeds of one configuration share
  std::vector<std::pair<std::string, std::string>> swept;  // key path → value, for the combined CSV
  ExperimentConfig config;
  std::string resolved_yaml;     // the full configuration with defaults, as written to disk
  std::shared_ptr<const ConfigSource> source;

  // "file:line:column: key.path: rule" for a rule broken by a value of this run, found after
  // parsing (for example a batch larger than a worker's partition).
  std::string error_at(const std::string& key_path, const std::string& rule) const;
};

struct ExperimentPlan {
  std::string file;  // the experiment file
  std::string name;
  std::vector<RunPlan> runs;
  std::vector<std::string> sweep_keys;  // with seeds, "seed" is the last (innermost) key
  std::vector<std::uint64_t> seeds;     // `seeds:`; empty when the runs use `seed:` alone
};

// Parses FILE with `--set key.path=value` overrides and expands its sweep. Every error is an
// InputError whose message names file:line:column, the key path, the rule, and the nearest
// valid key for an unknown key.
ExperimentPlan load_experiment(const std::string& file, const std::vector<std::string>& overrides);
// The same from text (tests); `file` is used only in messages.
ExperimentPlan load_experiment_text(const std::string& text, const std::string& file,
                                    const std::vector<std::string>& overrides);

}  // namespace csgd
