#pragma once
// The physical topologies, one registry entry each (timing.network.topology.name), and what a
// generator produces before build_topology checks and finalises it: the physical (full-duplex)
// links of hosts 0..hosts−1 and switches hosts..nodes−1.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csgd/network.hpp"
#include "csgd/registry.hpp"

namespace csgd {
namespace topology {

struct PhysicalLink {
  int a = 0, b = 0;
  double latency_s = 0, bandwidth_Bps = 0;
};

struct Parts {
  std::string name;
  int hosts = 0, nodes = 0;
  std::vector<PhysicalLink> links;  // becomes directed links 2e (a→b) and 2e+1 (b→a)
  std::string source;               // custom: the file, so that checks can name it ("" otherwise)
  // The host-to-host diameter in links when the generator knows it in closed form (a BFS from
  // every host costs hosts × (nodes + links): minutes at 16k hosts); custom files leave it out.
  std::optional<int> diameter_hops;
};

struct LinkDefaults {
  double latency_s = 0, bandwidth_Bps = 0;
};

// What the flow model builds at most (refused up front, before anything is allocated): hosts,
// switches and physical links. A hosts² BFS (diameter_hops) and the max-min solver bound them.
inline constexpr int kMaxFlowHosts = 1 << 16;
inline constexpr int kMaxSwitches = 1 << 20;
inline constexpr int kMaxPhysicalLinks = 1 << 22;

// Throws ValidationError(field) when a topology of `switches` switches and `links` physical links
// (computed in double: no overflow) exceeds those limits; `what` names it ("a fat-tree with k = 1000").
void require_buildable(const std::string& field, const std::string& what, double switches, double links);

// A switch-free grid of N hosts with sides `dims` (csgd::grid_edges), every link with defaults `d`;
// refuses (field "dims") sides whose product is not N. `kind` names it: "torus 4×4".
Parts grid(const char* kind, const std::vector<int>& dims, int N, const LinkDefaults& d, bool wrap);

}  // namespace topology

struct TopologyEntry {
  std::string_view name;
  std::string_view help;                 // one line: --help, csgd topo and the README
  std::vector<Key<TopologySpec>> keys;   // keys under timing.network.topology besides name and links
  // Builds the parts for N hosts; throws ValidationError with the field relative to `topology`.
  topology::Parts (*build)(const TopologySpec& spec, int N, const topology::LinkDefaults& d) = nullptr;
  // Rules of this member that need no N (each field's own range is TopologySpec::validate's).
  void (*validate)(const TopologySpec& spec) = nullptr;
  // The hosts as a grid of sides d0 × d1 × … (≥ 2 sides, row-major: the last side varies fastest,
  // and its rows are the most local hosts), if the topology has one: `collective:
  // hierarchical-ring` runs over it, and so does `auto` unless auto_collective says otherwise.
  std::optional<std::vector<int>> (*host_grid)(const TopologySpec& spec, const PhysicalTopology& t) = nullptr;
  // What `collective: auto` picks (nullptr: hierarchical-ring over the host grid if any, else ring).
  std::string_view (*auto_collective)(int N) = nullptr;
};

using TopologyRegistry = Registry<TopologyEntry>;

}  // namespace csgd
