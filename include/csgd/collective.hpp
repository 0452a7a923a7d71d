#pragma once
// Collective operations built from point-to-point sends on a NetworkModel. A round is one
// object: each host calls enter(host) when its local step is done; the collective calls
// done(host) once that host holds the full result. Payload M is what one host contributes.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "csgd/network.hpp"
#include "csgd/traffic_books.hpp"

namespace csgd {

// Which all-reduce: the name of a CollectiveRegistry entry (csgd/collective_registry.hpp). The
// constants name the built-in ones:
//   ring               reduce-scatter + all-gather around a ring of hosts: 2(N−1) steps of M/N
//   halving_doubling   Rabenseifner: recursive-halving reduce-scatter, recursive-doubling all-gather
//   binomial_tree      binomial-tree reduce to host 0, then binomial-tree broadcast of M
//   parameter_server   every host sends M to the server(s), which send the average back
//   hierarchical_ring  over a host grid (2-D or more): ring reduce-scatter along the last
//                      dimension (rows), then along the next, ring all-reduce of the shards
//                      along the first, ring all-gathers back (torus, leaf-spine, fat-tree)
struct CollectiveKind {
  std::string_view name = "ring";

  static const CollectiveKind ring, halving_doubling, binomial_tree, parameter_server, hierarchical_ring;
  friend bool operator==(const CollectiveKind&, const CollectiveKind&) = default;
};
inline const CollectiveKind CollectiveKind::ring{"ring"};
inline const CollectiveKind CollectiveKind::halving_doubling{"halving-doubling"};
inline const CollectiveKind CollectiveKind::binomial_tree{"binomial-tree"};
inline const CollectiveKind CollectiveKind::parameter_server{"parameter-server"};
inline const CollectiveKind CollectiveKind::hierarchical_ring{"hierarchical-ring"};

struct CollectiveSpec {
  CollectiveKind kind;
  int servers = 1;           // parameter_server: hosts 0..servers−1 each hold 1/servers of M
  std::vector<int> grid;     // hierarchical_ring: the hosts' sides, row-major (last fastest), product N

  void validate(int N) const;  // ValidationError("collective", ...): the entry's rules
};

// The registry entry `name` names; ValidationError("collective") listing the names if none.
CollectiveKind parse_collective(const std::string& name);
const char* to_string(CollectiveKind kind);

class Collective {
 public:
  virtual ~Collective() = default;
  virtual void enter(int host) = 0;
};

using HostDone = std::function<void(int host)>;

// One all-reduce round of M bytes among hosts 0..N−1; `books` (optional) hears of every message.
std::unique_ptr<Collective> make_collective(const CollectiveSpec& spec, NetworkModel& network, int N, double M,
                                            HostDone done, TrafficBooks* books = nullptr);

// Uncontended closed forms (every message alone on a direct link of latency α, bandwidth B),
// for tests and what-if tables.
double ring_allreduce_closed_form_s(int N, double M, double alpha, double B);
double halving_doubling_closed_form_s(int N, double M, double alpha, double B);  // N a power of two
double binomial_tree_closed_form_s(int N, double M, double alpha, double B);

}  // namespace csgd
