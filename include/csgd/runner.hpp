#pragma once
// Runs an experiment plan: prepares every run first (so every input error surfaces before any
// work starts), then trains them one after another, writing each run's results folder.
#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "csgd/experiment.hpp"

namespace csgd {

struct RunOptions {
  std::filesystem::path out_dir;  // experiment folder; run r goes to out_dir/r
  bool force = false;             // overwrite existing runs
  bool quiet = false;             // no human summary on stdout
  bool progress = false;          // live progress line on stderr
  bool trace = false;             // write trace.json (Chrome trace-event format) per run
  bool timing_only = false;       // run the cluster clock alone: no gradients, no model
  bool dry_run = false;           // validate and build every run, then stop (nothing written)
  int sweep_ranks = 0;            // under mpirun: ranks per run (--sweep-ranks G); 0 = all ranks
  const std::atomic<bool>* interrupt = nullptr;  // set by SIGINT: stop cleanly, mark interrupted
  std::function<void()> on_prepared;  // every run validated and built; training starts next
  std::function<void(const struct RunResult&)> on_run_done;  // e.g. print the run's report
};

enum class RunStatus { completed, diverged, interrupted };
const char* to_string(RunStatus s);

struct RunResult {
  std::string run_name;
  RunStatus status = RunStatus::completed;
  std::filesystem::path dir;
  std::string report;  // a few human-readable lines
  // Headline figures, for the table that ends a sweep.
  std::string stop_reason;  // iterations | epochs (the cap) | target | diverged | interrupted
  long long iterations = 0, rounds = 0;
  double sim_time_s = 0;
  std::optional<double> train_loss, test_accuracy;
};

// Throws InputError for bad input (before any run starts).
std::vector<RunResult> run_experiment(const ExperimentPlan& plan, const RunOptions& options);

}  // namespace csgd
