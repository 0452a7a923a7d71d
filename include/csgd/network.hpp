#pragma once
// The physical cluster: hosts and switches joined by full-duplex links, shortest-path routing,
// and a flow-level network model on top of the event engine.
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "csgd/event_engine.hpp"
#include "csgd/mixing_matrix.hpp"

namespace csgd {

// A per-link override of latency and/or bandwidth (timing.network.links).
// Full duplex: each direction of a link has the whole bandwidth B. Half duplex: both directions
// share B (one capacity for the link), as on a shared medium or SimGrid's SHARED links.
enum class Duplex { full, half };

struct LinkOverride {
  int a = 0, b = 0;              // node ids (hosts 0..N−1, then switches)
  double latency_s = -1;         // < 0: keep the default
  double bandwidth_Bps = -1;
  std::optional<Duplex> duplex;  // unset: keep the default
};

// How a route is chosen among the shortest ones (in hops). shortest: ties go towards lower node
// ids, so every pair uses the same path family (on a fat-tree all cross-pod traffic takes the
// lowest-id core). ecmp: at every hop one of the equal-cost next hops is picked by a hash of
// (source, destination, node), as equal-cost multi-path switches spread flows — fixed per pair,
// the same on every run.
enum class Routing { shortest, ecmp };

// Settings of timing.network.topology.
struct TopologySpec {
  std::string name = "star";  // a TopologyRegistry entry (csgd/topology_registry.hpp); the keys
                              // below are read only for the entries that list them
  std::vector<int> dims;      // torus: [rows, cols] or [x, y, z]; mesh: [rows, cols]; empty: squarest
  int k = 0;                  // fat-tree arity (even); 0: smallest with k³/4 ≥ N
  int hosts_per_leaf = 0;     // leaf-spine; 0: chosen from N
  int spines = 0;             // leaf-spine; 0: chosen from N
  double oversubscription = 1.0;  // fat-tree and leaf-spine: host bandwidth ÷ uplink bandwidth at a switch
  std::string file;           // custom: edge list ("a b [latency] [bandwidth]" per line) or GraphML
  std::vector<LinkOverride> links;

  void validate() const;  // ValidationError with the field relative to `topology`
};

struct DirectedLink {
  int from = 0, to = 0;
  double latency_s = 0, bandwidth_Bps = 0;
  bool half_duplex = false;  // shares its bandwidth with the opposite direction (both say so)
};

// Hosts are nodes 0..hosts−1 (worker i runs on host i); switches follow. Every physical link
// appears as two directed links 2e (a→b) and 2e+1 (b→a), so full duplex is two capacities and
// half duplex one (capacity e of the flow model's sharing).
struct PhysicalTopology {
  std::string name;     // e.g. "torus 4×4", "fat-tree k=4: 16 hosts, 20 switches"
  int hosts = 0, nodes = 0;
  std::vector<DirectedLink> links;
  Routing routing = Routing::shortest;  // how its routers pick among equal shortest paths

  int diameter_hops() const;                // longest shortest host-to-host path, in links
  std::optional<int> known_diameter_hops;   // the generator's closed form; else diameter_hops() runs a BFS per host
  std::vector<int> host_degrees() const;    // links at each host
};

// The host-to-host graph when the topology has no switches (ring, line, torus, mesh, complete,
// hypercube, switch-free custom files): the default mixing graph of Algorithm 2. nullopt otherwise.
std::optional<Graph> host_graph(const PhysicalTopology& topology);

// Builds the topology for N hosts with default link latency and bandwidth. Throws
// ValidationError (field relative to `topology`, e.g. "dims") or InputError (custom files).
// `duplex` is every link's default; spec.links may override it per link.
PhysicalTopology build_topology(const TopologySpec& spec, int N, double latency_s, double bandwidth_Bps,
                                Duplex duplex = Duplex::full);

// Shortest paths in hops (breadth-first search), ties broken as topology.routing says, computed
// per (source, destination) on first use and cached.
class Router {
 public:
  explicit Router(const PhysicalTopology& topology);
  Router(const Router&) = delete;  // routes point into its storage
  Router& operator=(const Router&) = delete;
  struct Route {
    std::span<const int> links;  // directed link ids, src → dst; valid as long as the router
    double latency_s = 0;        // Σ latency along them
  };
  // Inline: on every message's path. A route asked for before, among its source's first few,
  // is found here; the rest (checks, more routes, new routes) is looked up out of line.
  Route route(int src_host, int dst_host) {
    const auto hosts = static_cast<unsigned>(topology_->hosts);
    if (static_cast<unsigned>(src_host) < hosts && static_cast<unsigned>(dst_host) < hosts && src_host != dst_host) {
      const Known& k = known_[static_cast<std::size_t>(src_host)];
      for (int i = 0; i < k.count && i < kInPlace; ++i)
        if (k.first[i].dst == dst_host) return stored(k.first[i]);
    }
    return look_up(src_host, dst_host);
  }
  std::span<const int> path(int src_host, int dst_host) { return route(src_host, dst_host).links; }
  double latency_s(int src_host, int dst_host) { return route(src_host, dst_host).latency_s; }

 private:
  struct Entry {  // a route a source asked for: 16 bytes, so that three fit beside the count
    int dst = -1, length = 0;
    const int* links = nullptr;  // in blocks_, right after the route's latency (stored as two ints)
  };
  struct Overflow {  // a source's routes beyond the first few, indexed once there are many
    std::vector<Entry> entries;
    std::unordered_map<int, int> index;  // dst → entry
  };
  // The routes a source asked for: the first three in place (hosts mostly talk to a few peers —
  // one per dimension in a hierarchical ring — and a lookup then reads one cache line), the rest
  // in a list, hashed once it grows (a parameter server talks to every host).
  static constexpr int kInPlace = 3;
  struct Known {
    Entry first[kInPlace];
    int count = 0;
    std::unique_ptr<Overflow> more;
  };

  Route look_up(int src_host, int dst_host);
  Route build_route(int src_host, int dst_host);
  unsigned search(int source, int target, std::vector<int>& label);
  int ecmp_hop(int src_host, int dst_host, int v, const std::function<int(int)>& hops_to);
  const int* store(std::span<const int> links, double latency_s);  // a stable copy in blocks_
  static Route stored(const Entry& e) {
    double latency;
    std::memcpy(&latency, e.links - 2, sizeof latency);
    return {{e.links, static_cast<std::size_t>(e.length)}, latency};
  }

  const PhysicalTopology* topology_;
  bool ecmp_;
  std::vector<int> adjacency_start_, adjacency_link_;  // outgoing links per node (CSR), by target id
  std::vector<int> incoming_start_, incoming_link_;    // ecmp: incoming links per node (CSR), by source id
  std::vector<Known> known_;                           // per source host
  // Per node that searches start from (a source host, or the one neighbour of a host with a
  // single link): how many destinations it was asked for, and once that is many, its whole
  // search — each node's parent link (shortest) or hop count (ecmp), −1 where unreachable.
  std::vector<int> asked_;
  std::vector<std::vector<int>> tree_;
  std::vector<std::unique_ptr<int[]>> blocks_;  // route storage, never moved
  std::size_t block_left_ = 0;
  // Searches' scratch: labels (parent link or hop count) and the epoch each node was last seen in.
  std::vector<int> scratch_parent_, queue_, path_;
  std::vector<unsigned> scratch_seen_;
  unsigned scratch_epoch_ = 0;
};

// Who hears of a message's arrival: the sender picks a tag, and the network calls
// delivered(tag) once the last byte is in. One virtual call per message, where a std::function
// would be built and moved through every layer (executor, round books, flow model, deliveries)
// on the simulator's hottest path.
class Receiver {
 public:
  virtual void delivered(std::uint64_t tag) = 0;
  // Messages that land at one instant, one after another: the same as delivered(tag) for each in
  // turn. A network hands a batch over in one call where it can (Deliveries); receivers on the
  // per-message path override it and keep their state in registers across the batch.
  virtual void delivered_all(std::span<const std::uint64_t> tags) {
    for (const std::uint64_t tag : tags) delivered(tag);
  }

 protected:
  ~Receiver() = default;  // never owned through this interface
};

// Holds callbacks until their message arrives: the adapter behind NetworkModel's callback send.
class CallbackReceiver final : public Receiver {
 public:
  std::uint64_t hold(std::function<void()> done);  // the tag to send with
  void release(std::uint64_t tag);                 // drops a held callback unrun (its send failed)
  void delivered(std::uint64_t tag) override;      // runs and drops it

 private:
  std::vector<std::function<void()>> held_;
  std::vector<std::uint64_t> free_;
};

// Network model: `send` moves `bytes` from one host to another and tells the receiver when the
// last byte has arrived.
//   flow:     the message is a flow on its route; concurrent flows share every link's bandwidth
//             (FlowSharing), recomputed when flows start or end (once per instant: same-time
//             events are batched); a flow takes its path latency plus its bytes at its current
//             rate.
//   analytic: each message alone on its route: path latency + bytes / bottleneck bandwidth.
class NetworkModel {
 public:
  virtual ~NetworkModel() = default;
  // Calls to.delivered(tag) on arrival. Throws std::invalid_argument for bytes that are negative
  // or not finite, std::out_of_range for a host that does not exist.
  virtual void send(int src_host, int dst_host, double bytes, Receiver& to, std::uint64_t tag) = 0;
  // The same with a callback, for one-off messages and tests.
  void send(int src_host, int dst_host, double bytes, std::function<void()> done);
  virtual std::uint64_t flows_completed() const = 0;
  virtual double bytes_sent(int host) const = 0;  // payload bytes this host has sent so far

 private:
  CallbackReceiver callbacks_;
};

// How the flow model shares links (timing.network.sharing; sources in flow_network.cpp):
//   max_min:      equal shares (max-min fairness); a flow's bytes, then its path latency.
//   rtt_weighted: SimGrid's CM02 (Casanova & Marchal 2002): the path latency L first, then the
//                 bytes, sharing a bottleneck in proportion to 1/L, each flow capped at
//                 tcp_window / (2L) (the TCP window bound).
//   lv08:         SimGrid's default LV08 (Velho & Legrand 2009): as rtt_weighted with the latency
//                 paid × 13.01, rates × 0.97, and a weight 1/(L + Σ_links 20537 / B_link).
enum class Sharing { max_min, rtt_weighted, lv08 };
const char* to_string(Sharing s);  // as timing.network.sharing spells it
struct FlowSharing {
  Sharing model = Sharing::max_min;
  double tcp_window_bytes = 4194304;  // γ of rtt_weighted and lv08 (SimGrid's network/TCP-gamma)
};

std::unique_ptr<NetworkModel> make_flow_network(EventEngine& engine, const PhysicalTopology& topology,
                                                FlowSharing sharing = {});
std::unique_ptr<NetworkModel> make_latency_bandwidth_network(EventEngine& engine, const PhysicalTopology& topology);

}  // namespace csgd
