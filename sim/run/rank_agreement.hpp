#pragma once
// Steps every rank of an MPI job runs (reading the input, preparing the runs, taking the results
// folder). When one fails on some rank, every rank must stop before any work, and the job must
// say why once, not once per rank, nor hang in the next collective waiting for the failed rank.
#include <string>

#include "csgd/errors.hpp"
#include "csgd/mpi_job.hpp"

namespace csgd {

// Thrown on every rank after a step failed on some: the lowest failing rank carries its message
// (the others carry none), and every rank knows the kind of error (exit code 2, or 4 for output).
struct AgreedFailure {
  std::string message;
  bool output_error = false;
};

// Runs `step` here; in a job of several ranks, then learns whether it threw an InputError or
// OutputError on any rank, and if so throws AgreedFailure everywhere. Other exceptions (bugs)
// propagate unchanged: main aborts the whole job on them.
template <class Step> void on_every_rank(const MpiJob& job, Step&& step) {
  if (job.size() == 1) {
    step();
    return;
  }
  std::string message;
  int kind = 0;  // 0 fine, 1 input error, 2 output error
  try {
    step();
  } catch (const InputError& e) {
    message = e.what();
    kind = 1;
  } catch (const OutputError& e) {
    message = e.what();
    kind = 2;
  }
  const int first = job.min(kind != 0 ? job.rank() : job.size());
  if (first == job.size()) return;
  kind = job.broadcast(kind, first);
  throw AgreedFailure{first == job.rank() ? message : std::string(), kind == 2};
}

}  // namespace csgd
