// Halving-doubling all-reduce (Rabenseifner): a reduce-scatter by recursive halving, then an
// all-gather by recursive doubling, among p = 2^L hosts. Halving step k = 1..L: exchange M/2^k
// with the partner at distance 2^(k−1) (rank XOR 2^(k−1)) and keep the reduced half; doubling
// steps run the same exchanges in reverse, doubling the block each time.
//
// N not a power of two: the standard reduction to p = the largest power of two ≤ N (as MPICH
// does it). With r = N − p, each even host 2j < 2r first sends its whole vector M to host 2j+1
// and sits out; the p remaining hosts (odd hosts below 2r, and every host from 2r on) run the
// power-of-two algorithm with ranks 0..p−1 in host order; at the end host 2j+1 sends the full
// result M back to host 2j. The extra pair costs 2(α + M/B) on direct links.
//
// Each exchange is a send-receive pair that ends when both messages have landed (MPI_Sendrecv),
// so a host never has two of its blocks on the wire at once.
//
// Every host uses the same step numbering, 2L + 2 steps: 0 = the extras' send, 1..L halving,
// L+1..2L doubling, 2L+1 = the result back to the extras (steps a host has no part in are empty).
#include <bit>
#include <cstdint>

#include "csgd/collective_registry.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

class HalvingDoubling final : public CollectiveProgram {
 public:
  HalvingDoubling(int N, double M)
      : N_(N), M_(M), p_(static_cast<int>(std::bit_floor(static_cast<unsigned>(N)))), r_(N - p_),
        L_(std::countr_zero(static_cast<unsigned>(p_))) {}

  int hosts() const override { return N_; }
  int steps(int) const override { return 2 * L_ + 2; }
  int result_steps(int host) const override { return has_extra(host) ? 2 * L_ + 1 : 2 * L_ + 2; }

  void write_step(int host, int s, CollectiveStep& out) const override { out = at(host, s); }

 private:
  CollectiveStep at(int host, int s) const {
    const bool extra = is_extra(host);
    if (s == 0) {
      if (extra) return {.send_to = host + 1, .send_bytes = M_, .dst_step = 0};
      if (has_extra(host)) return {.recv_from = host - 1};
      return {};
    }
    if (s == 2 * L_ + 1) {
      if (extra) return {.recv_from = host + 1};
      if (has_extra(host)) return {.send_to = host - 1, .send_bytes = M_, .dst_step = s};
      return {};
    }
    if (extra) return {};
    // Halving step k = s uses distance 2^(k−1); doubling step L + j uses 2^(L−j).
    const int level = s <= L_ ? s - 1 : 2 * L_ - s;
    const int partner = host_of(rank_of(host) ^ (1 << level));
    const double bytes = M_ / static_cast<double>(std::int64_t{2} << level);
    return {.send_to = partner, .send_bytes = bytes, .dst_step = s, .recv_from = partner, .await_send = true};
  }

  bool is_extra(int host) const { return host < 2 * r_ && host % 2 == 0; }
  bool has_extra(int host) const { return host < 2 * r_ && host % 2 == 1; }
  int rank_of(int host) const { return host < 2 * r_ ? host / 2 : host - r_; }
  int host_of(int rank) const { return rank < r_ ? 2 * rank + 1 : rank + r_; }

  int N_;
  double M_;
  int p_, r_, L_;
};

}  // namespace

std::unique_ptr<CollectiveProgram> halving_doubling_program(int N, double M) {
  return std::make_unique<HalvingDoubling>(N, M);
}

double halving_doubling_closed_form_s(int N, double M, double alpha, double B) {
  if (N <= 1) return 0;
  const auto p = static_cast<int>(std::bit_floor(static_cast<unsigned>(N)));
  const int L = std::countr_zero(static_cast<unsigned>(p));
  const double core = 2.0 * L * alpha + 2.0 * (p - 1) / p * M / B;
  return p == N ? core : core + 2.0 * (alpha + M / B);  // the extras' send and result
}

namespace {

const bool registered = CollectiveRegistry::add({
    .name = "halving-doubling",
    .help = "Rabenseifner: recursive-halving reduce-scatter, recursive-doubling all-gather",
    .program = [](const CollectiveSpec&, int N, double M) { return halving_doubling_program(N, M); },
});

}  // namespace
}  // namespace csgd
