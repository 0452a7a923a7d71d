#pragma once
// Which contender reaches the stop target first in each cell of a what-if study: a sweep whose
// timing axes (keys under `timing:`) make the cells and whose other axes (the algorithm, its
// settings) make the contenders. `csgd run` prints it after the sweep's table.
#include <span>
#include <string>

#include "csgd/experiment.hpp"
#include "csgd/runner.hpp"

namespace csgd {

// Empty when the sweep has no timing axis, no other axis, or no run reached a target.
// Times are the simulated time to the target (with seeds: the mean over the seeds; a contender
// competes only when all its seeds reached the target).
std::string target_winner_table(const ExperimentPlan& plan, std::span<const RunResult> results);

}  // namespace csgd
