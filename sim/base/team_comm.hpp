#pragma once
// RankTeam's communicator: seen only by the two files compiled with MPI's headers.
#if CSGD_HAVE_MPI
#include <mpi.h>
#endif

namespace csgd {

struct TeamComm {
#if CSGD_HAVE_MPI
  MPI_Comm comm = MPI_COMM_NULL;
#endif
  ~TeamComm();
};

}  // namespace csgd
