// MpiJob over the MPI C API when the build found MPI (CSGD_HAVE_MPI), else a job of one rank.
// MPI is initialised only when a launcher's environment says this process is a rank of a job,
// so that `csgd` without mpirun starts as fast, and behaves exactly, as a build without MPI.
#include "csgd/mpi_job.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "base/team_comm.hpp"

namespace csgd {
namespace {

const MpiJob* g_current = nullptr;

// The job size a launcher announced (Open MPI, PMIx, Slurm/MPICH PMI), or 0 when none did.
int launched_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  if (std::getenv("PMIX_RANK") || std::getenv("PMI_RANK")) return 1;  // a rank of an unknown size
  return 0;
}

}  // namespace

MpiJob::MpiJob(int& argc, char**& argv) {
  const int announced = launched_size();
#if CSGD_HAVE_MPI
  if (announced > 0) {
    int provided = 0;
    // FUNNELED: only the main thread calls MPI; oneTBB's workers never do.
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {  // oneTBB's threads exist, so SINGLE would not be honest
      std::fputs("csgd: this MPI library does not support MPI_THREAD_FUNNELED\n", stderr);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    initialised_ = true;
  }
#else
  (void)argc;
  (void)argv;
  if (announced > 1) ranks_without_mpi_ = announced;
#endif
  g_current = this;
}

MpiJob::~MpiJob() {
  g_current = nullptr;
#if CSGD_HAVE_MPI
  if (initialised_) MPI_Finalize();
#endif
}

const MpiJob& MpiJob::current() {
  static const MpiJob single;
  return g_current ? *g_current : single;
}

#if CSGD_HAVE_MPI
namespace {
int allreduce(bool initialised, int value, MPI_Op op) {
  if (initialised) MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, op, MPI_COMM_WORLD);
  return value;
}
}  // namespace
int MpiJob::min(int value) const { return allreduce(initialised_, value, MPI_MIN); }
int MpiJob::max(int value) const { return allreduce(initialised_, value, MPI_MAX); }
#else
int MpiJob::min(int value) const { return value; }
int MpiJob::max(int value) const { return value; }
#endif

int MpiJob::broadcast(int value, [[maybe_unused]] int root) const {
#if CSGD_HAVE_MPI
  if (initialised_) MPI_Bcast(&value, 1, MPI_INT, root, MPI_COMM_WORLD);
#endif
  return value;
}

std::vector<std::string> MpiJob::gather(const std::string& mine) const {
  if (!initialised_) return {mine};
#if CSGD_HAVE_MPI
  return gather_to_root(MPI_COMM_WORLD, rank_, size_, mine);
#else
  return {mine};
#endif
}

RankTeam MpiJob::team(int G) const {
  if (G < 1 || size_ % G != 0) throw std::invalid_argument("MpiJob::team: G must divide the job size");
  if (G == 1 || !initialised_) return RankTeam(0, 1, rank_ / G, size_ / G, nullptr);
  auto comm = std::make_shared<TeamComm>();
#if CSGD_HAVE_MPI
  MPI_Comm_split(MPI_COMM_WORLD, rank_ / G, rank_, &comm->comm);
#endif
  return RankTeam(rank_ % G, G, rank_ / G, size_ / G, std::move(comm));
}

void MpiJob::abort(int code) const {
#if CSGD_HAVE_MPI
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace csgd
