#include <set>

#include "csgd/network.hpp"

namespace csgd {

std::optional<Graph> host_graph(const PhysicalTopology& topology) {
  if (topology.nodes != topology.hosts) return std::nullopt;
  std::set<std::pair<int, int>> edges;  // ordered: the edge list comes out sorted, as Graph requires
  for (const DirectedLink& l : topology.links)
    if (l.from != l.to) edges.emplace(std::min(l.from, l.to), std::max(l.from, l.to));
  Graph g;
  g.N = topology.hosts;
  g.edges.assign(edges.begin(), edges.end());
  return g;
}

}  // namespace csgd
