#pragma once
// Collective operations built from point-to-point sends on a NetworkModel. A round is one
// object: each host calls enter(host) when its local step is done; the collective calls
// done(host) once that host holds the full result. Payload M is what one host contributes.
#include <functional>
#include <memory>
#include <string>

#include "csgd/network.hpp"

namespace csgd {

enum class CollectiveKind {
  ring,               // reduce-scatter + all-gather around a ring of hosts: 2(N−1) steps of M/N
  halving_doubling,   // Rabenseifner: recursive-halving reduce-scatter, recursive-doubling all-gather
  binomial_tree,      // binomial-tree reduce to host 0, then binomial-tree broadcast of M
  parameter_server,   // every host sends M to the server(s), which send the average back
  hierarchical_ring,  // 2-D: ring reduce-scatter along rows, ring all-reduce of the shards along
                      // columns, ring all-gather along rows (torus, leaf-spine)
};

struct CollectiveSpec {
  CollectiveKind kind = CollectiveKind::ring;
  int servers = 1;           // parameter_server: hosts 0..servers−1 each hold 1/servers of M
  int rows = 0, cols = 0;    // hierarchical_ring: hosts laid out row-major, rows·cols = N

  void validate(int N) const;  // ValidationError("collective", ...)
};

CollectiveKind parse_collective(const std::string& name);  // ValidationError("collective") if unknown
const char* to_string(CollectiveKind kind);

class Collective {
 public:
  virtual ~Collective() = default;
  virtual void enter(int host) = 0;
};

using HostDone = std::function<void(int host)>;

// One all-reduce round of M bytes among hosts 0..N−1.
std::unique_ptr<Collective> make_collective(const CollectiveSpec& spec, NetworkModel& network, int N, double M,
                                            HostDone done);

// Uncontended closed forms (every message alone on a direct link of latency α, bandwidth B),
// for tests and what-if tables.
double ring_allreduce_closed_form_s(int N, double M, double alpha, double B);
double halving_doubling_closed_form_s(int N, double M, double alpha, double B);  // N a power of two
double binomial_tree_closed_form_s(int N, double M, double alpha, double B);

}  // namespace csgd
