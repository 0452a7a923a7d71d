// Binomial-tree all-reduce: a reduce of the whole vector M to host 0, then a broadcast from it.
// Host i ≠ 0 has parent i − 2^v, v = the number of trailing zero bits of i; its children are
// i + 2^k for k < v (host 0: k < L = ⌈log2 N⌉) where they exist. Reduce: a host adds what each
// child sends and, once all children are in, sends the sum to its parent. Broadcast: a host that
// has the result sends it to its children, largest subtree first, one message at a time (a step
// ends when its message is delivered), so each level costs α + M/B as in the closed form.
//
// Step numbering of host i (v as above): 0..v−1 receive from child i + 2^k (empty if absent);
// i ≠ 0: v sends to the parent, v+1 receives the result; then one send step per child,
// k = v−1 down to 0. A host holds the result after the reduce (host 0) or its receive (others).
#include <bit>

#include "csgd/collective_registry.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

class BinomialTree final : public CollectiveProgram {
 public:
  BinomialTree(int N, double M) : N_(N), M_(M), L_(N <= 1 ? 0 : static_cast<int>(std::bit_width(static_cast<unsigned>(N - 1)))) {}

  int hosts() const override { return N_; }
  int steps(int host) const override { return host == 0 ? 2 * L_ : 2 * levels(host) + 2; }
  int result_steps(int host) const override { return host == 0 ? L_ : levels(host) + 2; }

  void write_step(int host, int s, CollectiveStep& out) const override { out = at(host, s); }

 private:
  CollectiveStep at(int host, int s) const {
    const int v = levels(host);
    if (s < v) return host + (1 << s) < N_ ? CollectiveStep{.recv_from = host + (1 << s)} : CollectiveStep{};
    int first_send = v;  // host 0: the broadcast follows the reduce directly
    if (host != 0) {
      const int parent = host - (1 << v);
      if (s == v) return {.send_to = parent, .send_bytes = M_, .dst_step = v};
      if (s == v + 1) return {.recv_from = parent};
      first_send = v + 2;
    }
    const int k = v - 1 - (s - first_send);  // child i + 2^k receives at its step k + 1
    const int child = host + (1 << k);
    if (child >= N_) return {};
    return {.send_to = child, .send_bytes = M_, .dst_step = k + 1, .await_send = true};
  }

  int levels(int host) const { return host == 0 ? L_ : std::countr_zero(static_cast<unsigned>(host)); }

  int N_;
  double M_;
  int L_;
};

}  // namespace

std::unique_ptr<CollectiveProgram> binomial_tree_program(int N, double M) {
  return std::make_unique<BinomialTree>(N, M);
}

double binomial_tree_closed_form_s(int N, double M, double alpha, double B) {
  if (N <= 1) return 0;
  // Exact for N a power of two; for other N absent children shorten some levels (an upper bound).
  return 2.0 * std::bit_width(static_cast<unsigned>(N - 1)) * (alpha + M / B);
}

namespace {

const bool registered = CollectiveRegistry::add({
    .name = "binomial-tree",
    .help = "binomial-tree reduce to host 0, then binomial-tree broadcast of M",
    .program = [](const CollectiveSpec&, int N, double M) { return binomial_tree_program(N, M); },
});

}  // namespace
}  // namespace csgd
