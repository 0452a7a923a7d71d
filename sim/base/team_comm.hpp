#pragma once
// RankTeam's communicator: seen only by the two files compiled with MPI's headers.
#if CSGD_HAVE_MPI
#include <mpi.h>
#endif

#include <string>
#include <vector>

namespace csgd {

#if CSGD_HAVE_MPI
// Every rank's bytes in rank order on `comm`'s rank 0 (an empty list elsewhere); refuses more
// than MPI's int counts carry. MpiJob::gather and RankTeam::gather.
std::vector<std::string> gather_to_root(MPI_Comm comm, int rank, int size, const std::string& mine);
#endif

struct TeamComm {
#if CSGD_HAVE_MPI
  MPI_Comm comm = MPI_COMM_NULL;
#endif
  ~TeamComm();
};

}  // namespace csgd
