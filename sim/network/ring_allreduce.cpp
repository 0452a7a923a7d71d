// Ring all-reduce (reduce-scatter, then all-gather): the hosts form the ring 0 → 1 → … → N−1 → 0
// and the payload is cut into N chunks of M/N. In each of the 2(N−1) steps every host sends one
// chunk to its successor: in the first N−1 it adds the chunk it received to its own and passes
// the sum on, in the last N−1 it passes on fully reduced chunks. Step s of a host waits only for
// the chunk its predecessor sent in step s−1 and for its own step s−1 send to land (a send-receive
// pair, as MPI_Sendrecv): a host keeps one chunk on the wire. Letting it issue every chunk it
// already holds at once would, under fair sharing, deliver a late host's backlog as one block
// per hop instead of a pipeline — a straggler's round took 4× the closed form that way.
#include "csgd/collective_registry.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

class RingAllReduce final : public CollectiveProgram {
 public:
  RingAllReduce(int N, double M) : N_(N), chunk_(M / N) {}
  int hosts() const override { return N_; }
  int steps(int) const override { return 2 * (N_ - 1); }
  void write_step(int host, int s, CollectiveStep& out) const override { out = at(host, s); }

 private:
  CollectiveStep at(int host, int s) const {  // on every message's path: no division
    return {.send_to = host + 1 == N_ ? 0 : host + 1, .send_bytes = chunk_, .dst_step = s,
            .recv_from = host == 0 ? N_ - 1 : host - 1, .await_send = true};
  }

  int N_;
  double chunk_;
};

}  // namespace

std::unique_ptr<CollectiveProgram> ring_allreduce_program(int N, double M) {
  return std::make_unique<RingAllReduce>(N, M);
}

// The one closed form of the ring all-reduce; the analytic clock calls it too.
double ring_allreduce_closed_form_s(int N, double M, double alpha, double B) {
  if (N <= 1) return 0;
  // 2(N−1) steps (reduce-scatter, then all-gather), each sending one M/N chunk per worker.
  return 2.0 * (N - 1) * (alpha + M / (N * B));
}

namespace {

const bool registered = CollectiveRegistry::add({
    .name = "ring",
    .help = "reduce-scatter + all-gather around the ring of hosts 0 → 1 → … → N−1: 2(N−1) steps of M/N",
    .program = [](const CollectiveSpec&, int N, double M) { return ring_allreduce_program(N, M); },
});

}  // namespace
}  // namespace csgd
