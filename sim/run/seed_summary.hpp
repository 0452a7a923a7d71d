#pragma once
// The seed axis aggregated over seeds, per configuration (the runs that differ only in `seed`):
//   sweep-summary.csv  per configuration and evaluation point: mean and standard error of every
//                      metrics.csv column over the seeds that reached that iteration;
//   sweep-final.csv    per configuration: mean and standard error of the final training loss and
//                      test accuracy, iterations, simulated time and rounds, and of the simulated
//                      time and rounds to the stop target over the seeds that reached it.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "csgd/experiment.hpp"
#include "csgd/mean_se.hpp"
#include "csgd/runner.hpp"
#include "run/metrics_row.hpp"

namespace csgd {

struct ConfigurationSummary {
  std::string config;  // RunPlan::config_name
  std::vector<std::pair<std::string, std::string>> swept;  // its swept values, without the seed
  std::size_t seeds = 0, completed = 0;  // runs finished (any status), of them completed
  MeanSe train_loss, test_accuracy, iterations, sim_time_s, rounds;  // at each run's end
  std::size_t reached = 0;  // runs stopped by `stop.target`
  MeanSe time_to_target_s, rounds_to_target;  // over the runs that reached it
};

// Per configuration in plan order, from the results of the runs that finished (any order).
std::vector<ConfigurationSummary> summarize_configurations(const ExperimentPlan& plan,
                                                           std::span<const RunResult> results);

// RFC 4180 quoting, for run names and list values (they contain commas).
std::string csv_field(const std::string& value);

// rows[k]: the metrics rows plan.runs[k] wrote so far.
std::string sweep_summary_csv(const ExperimentPlan& plan, std::span<const std::vector<MetricsRow>> rows);
std::string sweep_final_csv(const ExperimentPlan& plan, std::span<const RunResult> results);

}  // namespace csgd
