#include "numerics/algorithms/node_average.hpp"

#include <algorithm>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace csgd {
namespace {

constexpr Eigen::Index kBlock = 4096;  // coordinates per task: large enough to amortise scheduling
// Coordinates per message of the chain over ranks: small enough that rank r + 1 adds piece k
// while rank r adds piece k + 1 (a pipeline), large enough that a message's latency is amortised.
constexpr Eigen::Index kPiece = Eigen::Index{1} << 16;

// out[begin, begin+len) (+)= Σ_j member_j over `workers` in order, each coordinate summed
// ((x_0 + x_1) + …); `fresh`: out starts from workers[0] rather than from what it holds.
template <class S>
void add_in_order(std::span<const WorkerState<S>> workers, Vector<S> WorkerState<S>::*member, Vector<S>& out,
                  Eigen::Index begin, Eigen::Index len, bool fresh, S scale_or_zero) {
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(begin, begin + len, kBlock), [&](const auto& r) {
    auto block = out.segment(r.begin(), r.size());
    std::size_t j = 0;
    if (fresh) block = (workers[j++].*member).segment(r.begin(), r.size());
    for (; j < workers.size(); ++j) block += (workers[j].*member).segment(r.begin(), r.size());
    if (scale_or_zero != S(0)) block *= scale_or_zero;
  });
}

// The chain (eq. 7 over a team): rank 0 starts each piece from its first worker (not from 0:
// −0 + 0 would turn a −0 into +0), every rank adds its workers and passes the piece on, the last
// multiplies by 1/N and broadcasts x̄. Bytes per rank per average: m·sizeof(S) received and sent
// along the chain, plus the broadcast; time ≈ (R − 1 + m/kPiece) piece-steps.
template <class S>
void chain_average(const WorkerBlock<S>& w, Vector<S> WorkerState<S>::*member, Vector<S>& out) {
  const RankTeam& team = *w.team;
  const std::span<const WorkerState<S>> local(w.local);
  const Eigen::Index m = (local.front().*member).size();
  const S inv_N = S(1) / static_cast<S>(w.N);
  const int rank = team.rank(), last = team.size() - 1;
  out.resize(m);
  for (Eigen::Index begin = 0; begin < m; begin += kPiece) {
    const Eigen::Index len = std::min(kPiece, m - begin);
    const std::span<S> piece(out.data() + begin, static_cast<std::size_t>(len));
    if (rank > 0) team.receive_values(piece, rank - 1);
    add_in_order(local, member, out, begin, len, rank == 0, rank == last ? inv_N : S(0));
    if (rank < last) team.send_values(std::span<const S>(piece), rank + 1);
  }
  team.broadcast_values(std::span<S>(out.data(), static_cast<std::size_t>(m)), last);
}

}  // namespace

template <class S>
void node_average(std::span<const WorkerState<S>> workers, Vector<S> WorkerState<S>::*member, Vector<S>& out) {
  const Eigen::Index m = (workers.front().*member).size();
  out.resize(m);
  add_in_order(workers, member, out, 0, m, true, S(1) / static_cast<S>(workers.size()));
}

template <class S>
void node_average(const WorkerBlock<S>& workers, Vector<S> WorkerState<S>::*member, Vector<S>& out) {
  if (workers.team->size() == 1) return node_average(std::span<const WorkerState<S>>(workers.local), member, out);
  chain_average(workers, member, out);
}

template <class S>
void replace_by_node_average(const WorkerBlock<S>& workers, Vector<S> WorkerState<S>::*member) {
  const std::span<WorkerState<S>> local = workers.local;
  if (workers.team->size() > 1) {
    Vector<S> mean;
    chain_average(workers, member, mean);
    for (auto& w : local) w.*member = mean;
    return;
  }
  // One process: each block is averaged and written back at once, with no vector of scratch.
  const Eigen::Index m = (local.front().*member).size();
  const S inv_N = S(1) / static_cast<S>(local.size());
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, m, kBlock), [&](const auto& r) {
    Vector<S> block = (local[0].*member).segment(r.begin(), r.size());
    for (std::size_t j = 1; j < local.size(); ++j) block += (local[j].*member).segment(r.begin(), r.size());
    block *= inv_N;
    for (auto& w : local) (w.*member).segment(r.begin(), r.size()) = block;
  });
}

#define CSGD_INSTANTIATE(S)                                                                                  \
  template void node_average<S>(std::span<const WorkerState<S>>, Vector<S> WorkerState<S>::*, Vector<S>&);     \
  template void node_average<S>(const WorkerBlock<S>&, Vector<S> WorkerState<S>::*, Vector<S>&);               \
  template void replace_by_node_average<S>(const WorkerBlock<S>&, Vector<S> WorkerState<S>::*);
CSGD_INSTANTIATE(float)
CSGD_INSTANTIATE(double)
#undef CSGD_INSTANTIATE

}  // namespace csgd
