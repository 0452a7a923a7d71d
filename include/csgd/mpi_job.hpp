#pragma once
// The MPI job this process belongs to: rank(), size() and the few collectives csgd needs. A
// process that mpirun did not start (or a build without MPI) is a job of one rank, and csgd then
// behaves exactly as a plain program: MPI is not even initialised.
#include <cstddef>
#include <string>
#include <vector>

#include "csgd/rank_team.hpp"

namespace csgd {

class MpiJob {
 public:
  // Joins the job when a launcher (mpirun, srun) started this process, and finalises MPI when
  // destroyed. One per process: main's.
  MpiJob(int& argc, char**& argv);
  ~MpiJob();
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  // The live job, or a job of one when main made none (tests, tools).
  static const MpiJob& current();

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks a launcher announced although this build has no MPI (0 when none): running on would
  // make every rank train every run into the same files, so the caller refuses.
  int ranks_without_mpi() const { return ranks_without_mpi_; }

  int min(int value) const;                    // over all ranks, returned on every rank
  int max(int value) const;
  int broadcast(int value, int root) const;    // root's value on every rank
  // Every rank's bytes, in rank order, on rank 0; an empty list on the other ranks.
  std::vector<std::string> gather(const std::string& mine) const;
  [[noreturn]] void abort(int code) const;     // the whole job (MPI_Abort); std::exit alone

  // Splits the job into teams of G consecutive ranks (G divides size(); G = size(): one team).
  // Collective: every rank calls it, with the same G.
  RankTeam team(int G) const;

 private:
  MpiJob() = default;
  int rank_ = 0, size_ = 1, ranks_without_mpi_ = 0;
  bool initialised_ = false;
};

}  // namespace csgd
