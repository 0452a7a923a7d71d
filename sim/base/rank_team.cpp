// RankTeam over the MPI C API (compiled with MPI's headers, like mpi_job.cpp). Without a
// communicator (one process, or a build without MPI) the team is this process alone.
#include "csgd/rank_team.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "base/team_comm.hpp"

namespace csgd {
namespace {

// MPI counts are ints: messages go in pieces of at most 1 GiB.
constexpr std::size_t kPiece = std::size_t{1} << 30;

template <class Bytes, class Each> void in_pieces(Bytes bytes, Each each) {
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const auto piece = bytes.subspan(at, std::min(kPiece, bytes.size() - at));
    each(piece.data(), static_cast<int>(piece.size()));
  }
}

}  // namespace

TeamComm::~TeamComm() {
#if CSGD_HAVE_MPI
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (comm != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm);
#endif
}

RankTeam::Block RankTeam::block(std::int64_t count, int rank) const {
  const std::int64_t base = count / size_, extra = count % size_, r = rank;
  return {r * base + std::min(r, extra), base + (r < extra ? 1 : 0)};
}

#if CSGD_HAVE_MPI
void RankTeam::send(std::span<const std::byte> bytes, int to) const {
  in_pieces(bytes, [&](const std::byte* p, int n) { MPI_Send(p, n, MPI_BYTE, to, 0, comm_->comm); });
}

void RankTeam::receive(std::span<std::byte> bytes, int from) const {
  in_pieces(bytes, [&](std::byte* p, int n) { MPI_Recv(p, n, MPI_BYTE, from, 0, comm_->comm, MPI_STATUS_IGNORE); });
}

void RankTeam::exchange(std::span<const Outgoing> sends, std::span<const Incoming> receives) const {
  if (sends.empty() && receives.empty()) return;
  std::vector<MPI_Request> requests;
  // Receives first, so that large sends find their buffers posted.
  for (const Incoming& in : receives)
    in_pieces(in.bytes, [&](std::byte* p, int n) {
      MPI_Irecv(p, n, MPI_BYTE, in.from, 1, comm_->comm, &requests.emplace_back());
    });
  for (const Outgoing& out : sends)
    in_pieces(out.bytes, [&](const std::byte* p, int n) {
      MPI_Isend(p, n, MPI_BYTE, out.to, 1, comm_->comm, &requests.emplace_back());
    });
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

void RankTeam::broadcast(std::span<std::byte> bytes, int root) const {
  if (size_ == 1) return;
  in_pieces(bytes, [&](std::byte* p, int n) { MPI_Bcast(p, n, MPI_BYTE, root, comm_->comm); });
}

unsigned RankTeam::flags_or(unsigned flags) const {
  if (size_ == 1) return flags;
  MPI_Allreduce(MPI_IN_PLACE, &flags, 1, MPI_UNSIGNED, MPI_BOR, comm_->comm);
  return flags;
}

std::vector<std::string> gather_to_root(MPI_Comm comm, int rank, int size, const std::string& mine) {
  if (mine.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("gather: a rank's message exceeds 2 GiB");
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(rank == 0 ? static_cast<std::size_t>(size) : 0), offsets(lengths.size());
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm);
  std::string joined;
  if (rank == 0) {
    long long total = 0;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      offsets[r] = static_cast<int>(total);
      total += lengths[r];
    }
    if (total > std::numeric_limits<int>::max()) throw std::length_error("gather: the ranks' messages exceed 2 GiB together");
    joined.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(mine.data(), length, MPI_CHAR, joined.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, comm);
  std::vector<std::string> all;
  for (std::size_t r = 0; r < lengths.size(); ++r)
    all.push_back(joined.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
  return all;
}

std::vector<std::string> RankTeam::gather(const std::string& mine) const {
  if (size_ == 1) return {mine};
  return gather_to_root(comm_->comm, rank_, size_, mine);
}
#else
// A team of one has no peer: the point-to-point operations are never called.
void RankTeam::send(std::span<const std::byte>, int) const { throw std::logic_error("RankTeam::send without MPI"); }
void RankTeam::receive(std::span<std::byte>, int) const { throw std::logic_error("RankTeam::receive without MPI"); }
void RankTeam::exchange(std::span<const Outgoing> sends, std::span<const Incoming> receives) const {
  if (!sends.empty() || !receives.empty()) throw std::logic_error("RankTeam::exchange without MPI");
}
void RankTeam::broadcast(std::span<std::byte>, int) const {}
unsigned RankTeam::flags_or(unsigned flags) const { return flags; }
std::vector<std::string> RankTeam::gather(const std::string& mine) const { return {mine}; }
#endif

}  // namespace csgd
