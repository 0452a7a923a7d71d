#pragma once
// Runs dealt to MPI ranks end on different ranks; rank 0 writes the sweep's combined files. Each
// rank packs its finished runs (plan index, sweep.csv lines, metrics rows for the seeds' means,
// result) into bytes for MpiJob::gather. Numbers travel as their bits: rank 0's files are the
// ones a single process writes.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "csgd/runner.hpp"
#include "run/metrics_row.hpp"

namespace csgd {

struct FinishedRun {
  std::size_t index = 0;  // in the plan
  std::string sweep_rows;
  std::vector<MetricsRow> rows;
  RunResult result;
};

std::string pack(std::span<const FinishedRun> runs);
std::vector<FinishedRun> unpack(std::string_view bytes);  // throws std::runtime_error if malformed

}  // namespace csgd
