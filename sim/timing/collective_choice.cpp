// The collective for a topology, and the host grid hierarchical-ring runs on.
#include "timing/collective_choice.hpp"

#include <bit>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "csgd/errors.hpp"

namespace csgd {
namespace {


// Hosts per leaf, read off the built topology: the hosts that share host 0's switch.
int hosts_on_first_leaf(const PhysicalTopology& t) {
  int leaf = -1;
  for (const DirectedLink& l : t.links)
    if (l.from == 0) { leaf = l.to; break; }
  int count = 0;
  for (const DirectedLink& l : t.links)
    if (l.from < t.hosts && l.to == leaf) ++count;
  return count;
}

// Row-major rows × cols layout of the hosts, where the topology has one: a torus or mesh row
// (the generators number hosts with the last dimension fastest), or the hosts of one leaf.
std::optional<std::pair<int, int>> host_grid(const TopologySpec& spec, const PhysicalTopology& t, int N) {
  if (spec.name == "torus" || spec.name == "mesh") {
    if (spec.dims.empty()) return squarest_factorization(N);  // the generators' rule
    if (spec.dims.size() == 2) return std::pair{spec.dims[0], spec.dims[1]};
    return std::nullopt;
  }
  if (spec.name == "leaf-spine") {
    const int per_leaf = hosts_on_first_leaf(t);
    if (per_leaf > 0 && N % per_leaf == 0) return std::pair{N / per_leaf, per_leaf};
  }
  return std::nullopt;
}

CollectiveKind default_kind(const TopologySpec& spec, bool has_grid, int N) {
  if (has_grid) return CollectiveKind::hierarchical_ring;
  if ((spec.name == "complete" || spec.name == "hypercube") && std::has_single_bit(static_cast<unsigned>(N)))
    return CollectiveKind::halving_doubling;
  return CollectiveKind::ring;
}

}  // namespace

CollectiveSpec choose_collective(const NetworkSpec& network, const PhysicalTopology& topology, int N) {
  const auto grid = host_grid(network.topology, topology, N);
  CollectiveSpec c;
  c.kind = network.collective == "auto" ? default_kind(network.topology, grid.has_value(), N)
                                        : parse_collective(network.collective);
  c.servers = network.servers;
  if (grid) std::tie(c.rows, c.cols) = *grid;
  if (c.kind == CollectiveKind::hierarchical_ring && !grid)
    throw ValidationError("network.collective",
                          fmt::format("hierarchical-ring needs hosts in a rows × cols grid (a 2-D torus, a mesh or "
                                      "a leaf-spine); the {} has none", topology.name));
  try {
    c.validate(N);
  } catch (const ValidationError& e) {
    throw ValidationError(c.kind == CollectiveKind::parameter_server ? "network.servers" : "network.collective",
                          e.what());
  }
  return c;
}

}  // namespace csgd
