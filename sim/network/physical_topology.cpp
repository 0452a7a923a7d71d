// build_topology: builds the registry entry the name picks, applies per-link overrides, refuses disconnected
// results (Boost.Graph connected_components) and lays the links out as directed pairs. Also the
// host-level measures of a built topology (Boost.Graph BFS).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/visitors.hpp>
#include <boost/range/iterator_range.hpp>
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "csgd/errors.hpp"
#include "csgd/network.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd {

namespace {

using UndirectedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

UndirectedGraph to_boost(int nodes, const std::vector<DirectedLink>& links) {
  UndirectedGraph g(static_cast<std::size_t>(nodes));
  for (std::size_t e = 0; e < links.size(); e += 2)
    boost::add_edge(static_cast<std::size_t>(links[e].from), static_cast<std::size_t>(links[e].to), g);
  return g;
}

// Hop distances from `source` to every node.
std::vector<int> hops_from(const UndirectedGraph& g, int source) {
  std::vector<int> distance(boost::num_vertices(g), -1);
  distance[static_cast<std::size_t>(source)] = 0;
  boost::breadth_first_search(
      g, static_cast<std::size_t>(source),
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(distance.data(), boost::on_tree_edge()))));
  return distance;
}

// The first node (hosts before switches) that host 0 cannot reach, as "host 5" / "switch 9".
std::optional<std::string> unreachable(const PhysicalTopology& t) {
  const UndirectedGraph g = to_boost(t.nodes, t.links);
  std::vector<int> component(static_cast<std::size_t>(t.nodes));
  if (boost::connected_components(g, component.data()) <= 1) return std::nullopt;
  for (int v = 0; v < t.nodes; ++v)
    if (component[static_cast<std::size_t>(v)] != component[0])
      return fmt::format("{} {} cannot reach host 0", v < t.hosts ? "host" : "switch", v);
  return std::nullopt;
}

// Overrides change both directions of the physical link joining a and b.
void apply_overrides(const std::vector<LinkOverride>& overrides, PhysicalTopology& t) {
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const LinkOverride& o = overrides[i];
    const auto it = std::find_if(t.links.begin(), t.links.end(), [&](const DirectedLink& l) { return l.from == o.a && l.to == o.b; });
    if (it == t.links.end())
      throw ValidationError("links", fmt::format("links[{}]: there is no link between nodes {} and {} in the {}", i,
                                                 o.a, o.b, t.name));
    const auto e = static_cast<std::size_t>(it - t.links.begin()) & ~std::size_t{1};
    for (std::size_t d : {e, e + 1}) {
      if (o.latency_s >= 0) t.links[d].latency_s = o.latency_s;
      if (o.bandwidth_Bps >= 0) t.links[d].bandwidth_Bps = o.bandwidth_Bps;
      if (o.duplex) t.links[d].half_duplex = *o.duplex == Duplex::half;
    }
  }
}

}  // namespace

PhysicalTopology build_topology(const TopologySpec& spec, int N, double latency_s, double bandwidth_Bps, Duplex duplex) {
  if (N < 1) throw std::invalid_argument(fmt::format("build_topology: N must be ≥ 1, got {}", N));
  if (!(latency_s >= 0) || !std::isfinite(latency_s) || !(bandwidth_Bps > 0) || !std::isfinite(bandwidth_Bps))
    throw std::invalid_argument(fmt::format("build_topology: bad default link (latency {}, bandwidth {})", latency_s,
                                            bandwidth_Bps));
  spec.validate();
  if (N > topology::kMaxFlowHosts)
    throw ValidationError("name", fmt::format("the flow model simulates at most {} hosts, got N = {} (the analytic "
                                              "model has no such limit)",
                                              topology::kMaxFlowHosts, N));
  const topology::Parts parts = TopologyRegistry::find(spec.name)->build(spec, N, {latency_s, bandwidth_Bps});

  PhysicalTopology t;
  t.name = parts.name;
  t.known_diameter_hops = parts.diameter_hops;
  t.hosts = parts.hosts;
  t.nodes = parts.nodes;
  t.links.reserve(2 * parts.links.size());
  for (const auto& l : parts.links) {
    t.links.push_back({l.a, l.b, l.latency_s, l.bandwidth_Bps, duplex == Duplex::half});
    t.links.push_back({l.b, l.a, l.latency_s, l.bandwidth_Bps, duplex == Duplex::half});
  }
  if (const auto cut = unreachable(t)) {
    const auto message = fmt::format("the topology is disconnected: {}", *cut);
    if (!parts.source.empty()) throw InputError(fmt::format("{}: {}", parts.source, message));
    throw ValidationError("name", fmt::format("{} ({})", message, t.name));
  }
  apply_overrides(spec.links, t);
  return t;
}

// A BFS from every host, except that a host with a single neighbour (a host on its switch, the
// end of a line) reaches every other node through it: its distances are 1 + the neighbour's, so
// one BFS from a switch serves all of its single-linked hosts (800 searches instead of 16,000 for
// a k = 40 fat-tree file). Hosts linked only to hosts (a ring or torus file) still search one each.
// Boost.Graph's adjacency list is only read, so the searches run on the TBB threads at once.
int PhysicalTopology::diameter_hops() const {
  if (known_diameter_hops) return *known_diameter_hops;
  const UndirectedGraph g = to_boost(nodes, links);
  // Per node: the hosts whose search starts there (a host itself, or its single neighbour).
  std::vector<std::vector<int>> served(static_cast<std::size_t>(nodes));
  for (int h = 0; h < hosts; ++h) {
    int only = -1;
    for (const auto v : boost::make_iterator_range(boost::adjacent_vertices(static_cast<std::size_t>(h), g))) {
      const int n = static_cast<int>(v);
      only = (only == -1 || only == n) ? n : -2;
    }
    served[static_cast<std::size_t>(only >= 0 ? only : h)].push_back(h);
  }
  std::vector<int> sources;
  for (int s = 0; s < nodes; ++s)
    if (!served[static_cast<std::size_t>(s)].empty()) sources.push_back(s);
  // The searches are independent: spread over the threads (a maximum, the same on any count).
  const auto farthest = [&](int s) {
    const std::vector<int> d = hops_from(g, s);
    // The two farthest hosts from s: a host served through s is not its own farthest host.
    int far1 = -1, far2 = -1;  // hosts, far1 the farthest
    for (int h = 0; h < hosts; ++h) {
      if (d[static_cast<std::size_t>(h)] < 0)
        throw std::logic_error(fmt::format("diameter_hops: host {} cannot reach node {} in the {}", h, s, name));
      if (far1 < 0 || d[static_cast<std::size_t>(h)] > d[static_cast<std::size_t>(far1)]) {
        far2 = far1;
        far1 = h;
      } else if (far2 < 0 || d[static_cast<std::size_t>(h)] > d[static_cast<std::size_t>(far2)]) {
        far2 = h;
      }
    }
    int longest = 0;
    for (const int h : served[static_cast<std::size_t>(s)]) {
      if (h == s) {  // its own search: the farthest host (itself at 0 never is, unless alone)
        longest = std::max(longest, d[static_cast<std::size_t>(far1)]);
        continue;
      }
      const int far = far1 != h ? far1 : far2;  // every other host, one hop further than from s
      if (far >= 0) longest = std::max(longest, 1 + d[static_cast<std::size_t>(far)]);
    }
    return longest;
  };
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, sources.size()), 0,
      [&](const tbb::blocked_range<std::size_t>& r, int longest) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) longest = std::max(longest, farthest(sources[k]));
        return longest;
      },
      [](int a, int b) { return std::max(a, b); });
}

std::vector<int> PhysicalTopology::host_degrees() const {
  std::vector<int> degree(static_cast<std::size_t>(hosts), 0);
  for (const DirectedLink& l : links)
    if (l.from < hosts) ++degree[static_cast<std::size_t>(l.from)];
  return degree;
}

}  // namespace csgd
