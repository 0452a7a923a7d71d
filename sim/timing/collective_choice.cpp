// The flow model's topology for N workers, and the collective it runs (`collective: auto`).
#include "timing/collective_choice.hpp"

#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd {

PhysicalTopology build_cluster_topology(const NetworkSpec& network, int N) {
  PhysicalTopology t;
  try {
    t = build_topology(network.topology, N, network.latency_s, network.bandwidth_Bps, network.duplex);
  } catch (const ValidationError& e) {
    throw ValidationError("network.topology." + e.field(), e.what());
  }
  t.routing = network.routing;
  if (t.hosts != N)
    throw ValidationError("network.topology", fmt::format("the {} has {} hosts for {} workers", t.name, t.hosts, N));
  return t;
}

CollectiveSpec choose_collective(const NetworkSpec& network, const PhysicalTopology& topology, int N) {
  const TopologyEntry& entry = *TopologyRegistry::find(network.topology.name);
  const auto grid = entry.host_grid ? entry.host_grid(network.topology, topology) : std::nullopt;
  CollectiveSpec c;
  if (network.collective != "auto") c.kind = parse_collective(network.collective);
  else if (entry.auto_collective) c.kind = parse_collective(std::string(entry.auto_collective(N)));
  else if (grid) c.kind = CollectiveKind::hierarchical_ring;
  c.servers = network.servers;
  if (grid) c.grid = *grid;
  if (c.kind == CollectiveKind::hierarchical_ring && !grid)
    throw ValidationError("network.collective",
                          fmt::format("hierarchical-ring needs hosts in a grid (a 2-D or 3-D torus, a mesh, a "
                                      "leaf-spine or a fat-tree whose hosts fill whole edge switches); the {} has none",
                                      topology.name));
  try {
    c.validate(N);
  } catch (const ValidationError& e) {
    throw ValidationError(c.kind == CollectiveKind::parameter_server ? "network.servers" : "network.collective",
                          e.what());
  }
  return c;
}

}  // namespace csgd
