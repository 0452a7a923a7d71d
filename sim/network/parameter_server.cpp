// Parameter-server all-reduce: hosts 0..S−1 are the servers, server s owns shard s of M/S bytes.
// Every host sends its shard s to server s (a server keeps its own), all at once; a server that
// has all N contributions of its shard sends the average back to every other host, all at once.
// A host holds the result once every server's shard has come back.
//
// Step numbering: a worker (host ≥ S) runs [0, S) send to server s, [S, 2S) receive from server s.
// A server runs [0, S) send to server s (its own shard: empty), [S, S+N) receive from host j,
// [S+N, S+2N) send to host j (itself: empty), [S+2N, 2S+2N) receive from server s.
#include <fmt/format.h>

#include "csgd/collective_registry.hpp"
#include "csgd/errors.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

class ParameterServer final : public CollectiveProgram {
 public:
  ParameterServer(int N, double M, int servers) : N_(N), S_(servers), shard_(M / servers) {}

  int hosts() const override { return N_; }
  int steps(int host) const override { return is_server(host) ? 2 * S_ + 2 * N_ : 2 * S_; }

  void write_step(int host, int s, CollectiveStep& out) const override { out = at(host, s); }

 private:
  CollectiveStep at(int host, int s) const {
    if (s < S_) {  // contribute shard s
      if (s == host) return {};
      return {.send_to = s, .send_bytes = shard_, .dst_step = S_ + host};
    }
    if (!is_server(host)) return {.recv_from = s - S_};
    if (s < S_ + N_) {  // collect shard `host` from host j
      const int j = s - S_;
      return j == host ? CollectiveStep{} : CollectiveStep{.recv_from = j};
    }
    if (s < S_ + 2 * N_) {  // return the reduced shard to host j
      const int j = s - S_ - N_;
      if (j == host) return {};
      return {.send_to = j, .send_bytes = shard_, .dst_step = (is_server(j) ? S_ + 2 * N_ : S_) + host};
    }
    const int server = s - S_ - 2 * N_;  // the other servers' shards
    return server == host ? CollectiveStep{} : CollectiveStep{.recv_from = server};
  }

  bool is_server(int host) const { return host < S_; }

  int N_, S_;
  double shard_;
};

}  // namespace

std::unique_ptr<CollectiveProgram> parameter_server_program(int N, double M, int servers) {
  return std::make_unique<ParameterServer>(N, M, servers);
}

namespace {

const bool registered = CollectiveRegistry::add({
    .name = "parameter-server",
    .help = "every host sends M to the servers (hosts 0..S−1, 1/S of M each), which send the average back",
    .keys = {{"servers", &CollectiveSpec::servers, "S: hosts 0..S−1 each own 1/S of the parameters (default 1)"}},
    .program = [](const CollectiveSpec& c, int N, double M) { return parameter_server_program(N, M, c.servers); },
    .validate = [](const CollectiveSpec& c, int N) {
      if (c.servers < 1 || c.servers > N)
        throw ValidationError("collective", fmt::format("parameter-server needs 1 ≤ servers ≤ N = {}, got {}", N, c.servers));
    },
});

}  // namespace
}  // namespace csgd
