// Direct-connection topologies (hosts only, or one switch): ring, line, torus, mesh, complete,
// star, hypercube, one registry entry each. Their link lists come from the same edge generators
// as the mixing graphs (csgd/graphs.hpp), in a fixed order, so link ids are deterministic.
#include <bit>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "csgd/graphs.hpp"
#include "csgd/require.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd::topology {
namespace {

Parts start(std::string name, int hosts, int nodes) {
  Parts p;
  p.name = std::move(name);
  p.hosts = hosts;
  p.nodes = nodes;
  return p;
}

Parts from_edges(std::string name, int N, const std::vector<std::pair<int, int>>& edges, const LinkDefaults& d) {
  Parts p = start(std::move(name), N, N);
  p.links.reserve(edges.size());
  for (const auto& [a, b] : edges) p.links.push_back({a, b, d.latency_s, d.bandwidth_Bps});
  return p;
}

std::string shape(const std::vector<int>& dims) {
  std::string s;
  for (int d : dims) s += (s.empty() ? "" : "×") + std::to_string(d);
  return s;
}

std::vector<int> dims_or_squarest(const TopologySpec& spec, int N) {
  if (!spec.dims.empty()) return spec.dims;
  const auto [rows, cols] = squarest_factorization(N);
  return {rows, cols};
}

// A 2-D or 3-D grid's hosts are its dims, row-major (the generators number the last dimension
// fastest): every ring of a hierarchical ring runs along one dimension, over direct links.
std::optional<std::vector<int>> grid_rows(const TopologySpec& spec, const PhysicalTopology& t) {
  return dims_or_squarest(spec, t.hosts);
}

// Recursive halving-doubling partners differ in one bit: one hop apart when N is a power of two.
std::string_view one_hop_partners(int N) {
  return std::has_single_bit(static_cast<unsigned>(N)) ? "halving-doubling" : "ring";
}

void dims_of_arity(const TopologySpec& s, std::size_t low, std::size_t high, const char* what) {
  require(s.dims.empty() || (s.dims.size() >= low && s.dims.size() <= high), "dims",
          fmt::format("a {} takes {}, got {} entries", s.name, what, s.dims.size()));
}

const Key<TopologySpec> kDims{"dims", &TopologySpec::dims,
                              "sides, last fastest; default [rows, cols], the squarest with rows·cols = N"};

const bool registered = [] {
  TopologyRegistry::add({
      .name = "ring",
      .help = "N hosts in a cycle, each linked to its two neighbours",
      .build = [](const TopologySpec&, int N, const LinkDefaults& d) {
        Parts p = from_edges(fmt::format("ring of {} hosts", N), N, grid_edges({N}, true), d);
        p.diameter_hops = N / 2;
        return p;
      },
  });
  TopologyRegistry::add({
      .name = "line",
      .help = "N hosts in a chain (a ring without its closing link)",
      .build = [](const TopologySpec&, int N, const LinkDefaults& d) {
        Parts p = from_edges(fmt::format("line of {} hosts", N), N, grid_edges({N}, false), d);
        p.diameter_hops = N - 1;
        return p;
      },
  });
  TopologyRegistry::add({
      .name = "torus",
      .help = "2-D or 3-D torus: every host linked to its ± neighbours along each dimension, with wrap-around",
      .keys = {kDims},
      .build = [](const TopologySpec& s, int N, const LinkDefaults& d) { return grid("torus", dims_or_squarest(s, N), N, d, true); },
      .validate = [](const TopologySpec& s) { dims_of_arity(s, 2, 3, "[rows, cols] or [x, y, z]"); },
      .host_grid = grid_rows,
  });
  TopologyRegistry::add({
      .name = "mesh",
      .help = "2-D grid without wrap-around",
      .keys = {kDims},
      .build = [](const TopologySpec& s, int N, const LinkDefaults& d) { return grid("mesh", dims_or_squarest(s, N), N, d, false); },
      .validate = [](const TopologySpec& s) { dims_of_arity(s, 2, 2, "[rows, cols]"); },
      .host_grid = grid_rows,
  });
  TopologyRegistry::add({
      .name = "complete",
      .help = "a direct link between every pair of hosts",
      .build = [](const TopologySpec&, int N, const LinkDefaults& d) {
        Parts p = from_edges(fmt::format("complete graph on {} hosts", N), N, complete_edges(N), d);
        p.diameter_hops = N > 1 ? 1 : 0;
        return p;
      },
      .auto_collective = one_hop_partners,
  });
  TopologyRegistry::add({
      .name = "star",
      .help = "every host on one switch (the default)",
      .build = [](const TopologySpec&, int N, const LinkDefaults& d) {
        Parts p = start(fmt::format("star: {} hosts on one switch", N), N, N + 1);
        for (int i = 0; i < N; ++i) p.links.push_back({i, N, d.latency_s, d.bandwidth_Bps});
        p.diameter_hops = N > 1 ? 2 : 0;  // host, switch, host
        return p;
      },
  });
  TopologyRegistry::add({
      .name = "hypercube",
      .help = "hosts i and j linked when they differ in one bit (N a power of two)",
      .build = [](const TopologySpec&, int N, const LinkDefaults& d) {
        if (!std::has_single_bit(static_cast<unsigned>(N)))
          throw ValidationError("name", fmt::format("a hypercube needs N to be a power of two, got N = {}", N));
        const int dimension = std::countr_zero(static_cast<unsigned>(N));
        Parts p = start(fmt::format("hypercube of dimension {} ({} hosts)", dimension, N), N, N);
        for (int i = 0; i < N; ++i)
          for (int bit = 1; bit < N; bit <<= 1)
            if ((i & bit) == 0) p.links.push_back({i, i | bit, d.latency_s, d.bandwidth_Bps});
        p.diameter_hops = dimension;
        return p;
      },
      .auto_collective = one_hop_partners,
  });
  return true;
}();

}  // namespace

void require_buildable(const std::string& field, const std::string& what, double switches, double links) {
  if (switches > kMaxSwitches || links > kMaxPhysicalLinks)
    throw ValidationError(field, fmt::format("{} has {:.0f} switches and {:.0f} links; csgd builds at most {} switches "
                                             "and {} links",
                                             what, switches, links, kMaxSwitches, kMaxPhysicalLinks));
}

Parts grid(const char* kind, const std::vector<int>& dims, int N, const LinkDefaults& d, bool wrap) {
  double product = 1;  // double: sides up to 2^31 cannot overflow it, and any product ≠ N is refused
  for (int x : dims) product *= x;
  if (product != N)
    throw ValidationError("dims", fmt::format("a {} {} has {:.0f} hosts, but N = {}", kind, shape(dims), product, N));
  Parts p = from_edges(fmt::format("{} {}", kind, shape(dims)), N, grid_edges(dims, wrap), d);
  p.diameter_hops = 0;  // a torus side of d adds ⌊d/2⌋ hops, a mesh side d − 1
  for (int x : dims) *p.diameter_hops += wrap ? x / 2 : x - 1;
  return p;
}

}  // namespace csgd::topology
