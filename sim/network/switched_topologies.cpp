// Switched fabrics: the k-ary fat-tree and the two-tier leaf-spine. Hosts come first, then
// switches layer by layer; links are listed host links first, then upwards.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "csgd/require.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd::topology {
namespace {

std::string ratio(double r) { return fmt::format("{:g}:1", r); }

// Hosts per leaf, read off the built topology: the hosts that share host 0's switch.
int hosts_on_first_leaf(const PhysicalTopology& t) {
  int leaf = -1;
  for (const DirectedLink& l : t.links)
    if (l.from == 0) {
      leaf = l.to;
      break;
    }
  int count = 0;
  for (const DirectedLink& l : t.links)
    if (l.from < t.hosts && l.to == leaf) ++count;
  return count;
}

const Key<TopologySpec> kOversubscription{"oversubscription", &TopologySpec::oversubscription,
                                          "host bandwidth ÷ uplink bandwidth at a switch (default 1: non-blocking)"};

}  // namespace

// k pods of k/2 edge and k/2 aggregation switches (a complete bipartite graph inside the pod),
// (k/2)² core switches with aggregation switch a of every pod linked to cores a·k/2 … a·k/2+k/2−1,
// k/2 host ports per edge switch. Hosts fill the edge switches in order; every switch exists
// even when N is below the capacity k³/4. Links above the edge layer carry B ÷ oversubscription.
static int fat_tree_k(const TopologySpec& spec, int N) {
  int k = spec.k;
  if (k == 0)
    for (k = 2; static_cast<long long>(k) * k * k / 4 < N;) k += 2;
  return k;
}

static Parts fat_tree(const TopologySpec& spec, int N, const LinkDefaults& d) {
  const int k = fat_tree_k(spec, N);
  const double kd = k;
  require_buildable("k", fmt::format("a fat-tree with k = {}", k), 1.25 * kd * kd, N + kd * kd * kd / 2);
  const long long capacity = static_cast<long long>(k) * k * k / 4;
  if (N > capacity)
    throw ValidationError("k", fmt::format("a fat-tree with k = {} holds at most {} hosts, got N = {}", k, capacity, N));
  const int half = k / 2, edge0 = N, agg0 = N + k * half, core0 = N + k * k;
  const int switches = k * k + half * half;
  Parts p;
  p.name = capacity == N ? fmt::format("fat-tree k={}: {} hosts, {} switches", k, N, switches)
                         : fmt::format("fat-tree k={}: {} of {} hosts, {} switches", k, N, capacity, switches);
  p.hosts = N;
  p.nodes = N + switches;
  const LinkDefaults up{d.latency_s, d.bandwidth_Bps / spec.oversubscription};
  for (int h = 0; h < N; ++h) p.links.push_back({h, edge0 + h / half, d.latency_s, d.bandwidth_Bps});
  for (int pod = 0; pod < k; ++pod)
    for (int e = 0; e < half; ++e)
      for (int a = 0; a < half; ++a)
        p.links.push_back({edge0 + pod * half + e, agg0 + pod * half + a, up.latency_s, up.bandwidth_Bps});
  for (int pod = 0; pod < k; ++pod)
    for (int a = 0; a < half; ++a)
      for (int j = 0; j < half; ++j)
        p.links.push_back({agg0 + pod * half + a, core0 + a * half + j, up.latency_s, up.bandwidth_Bps});
  // Hosts fill edge switches in order: on one edge switch 2 links apart (host, edge, host), in
  // one pod 4 (through an aggregation switch), else 6 (through a core).
  p.diameter_hops = N <= 1 ? 0 : N <= half ? 2 : N <= half * half ? 4 : 6;
  return p;
}

// Leaves of hosts_per_leaf hosts, every leaf linked to every spine. Uplinks carry
// hosts_per_leaf·B ÷ (spines·oversubscription), so oversubscription 1 is non-blocking.
// Defaults: hosts_per_leaf is the largest divisor of N not above 2√N (leaves about as many as
// half their hosts: 16 → 2 × 8, 64 → 4 × 16, 1024 → 16 × 64, a prime N → N × 1), and
// spines = ⌈hosts_per_leaf / 2⌉.
static Parts leaf_spine(const TopologySpec& spec, int N, const LinkDefaults& d) {
  int per_leaf = spec.hosts_per_leaf;
  if (per_leaf == 0)
    for (int h = 1; static_cast<double>(h) <= 2 * std::sqrt(static_cast<double>(N)) && h <= N; ++h)
      if (N % h == 0) per_leaf = h;
  if (N % per_leaf != 0)
    throw ValidationError("hosts_per_leaf",
                          fmt::format("must divide the number of hosts N = {}, got {}", N, per_leaf));
  const int spines = spec.spines > 0 ? spec.spines : (per_leaf + 1) / 2;
  require_buildable("spines", fmt::format("a leaf-spine of {} leaves and {} spines", N / per_leaf, spines),
                    N / per_leaf + static_cast<double>(spines), N + static_cast<double>(N / per_leaf) * spines);
  const int leaves = N / per_leaf, leaf0 = N, spine0 = N + leaves;
  const double uplink = per_leaf * d.bandwidth_Bps / (spines * spec.oversubscription);
  Parts p;
  p.name = fmt::format("leaf-spine: {} leaves × {} hosts, {} spines, oversubscription {}", leaves, per_leaf,
                       spines, ratio(spec.oversubscription));
  p.hosts = N;
  p.nodes = N + leaves + spines;
  for (int h = 0; h < N; ++h) p.links.push_back({h, leaf0 + h / per_leaf, d.latency_s, d.bandwidth_Bps});
  for (int l = 0; l < leaves; ++l)
    for (int s = 0; s < spines; ++s) p.links.push_back({leaf0 + l, spine0 + s, d.latency_s, uplink});
  p.diameter_hops = N <= 1 ? 0 : leaves == 1 ? 2 : 4;  // host, leaf, (spine, leaf,) host
  return p;
}

namespace {

const bool registered = [] {
  TopologyRegistry::add({
      .name = "fat-tree",
      .help = "k-ary fat-tree: k pods of k/2 edge and k/2 aggregation switches, (k/2)² cores",
      .keys = {{"k", &TopologySpec::k, "switch arity, even (default 0: the smallest with k³/4 ≥ N)"},
               kOversubscription},
      .build = fat_tree,
      // Pods × edge switches × hosts per edge switch when the hosts fill whole pods, else edge
      // switches × hosts when they fill whole edge switches: rings stay under one switch, then
      // one pod. `auto` keeps the flat ring; `collective: hierarchical-ring` asks for this.
      .host_grid = [](const TopologySpec& spec, const PhysicalTopology& t) -> std::optional<std::vector<int>> {
        const int half = fat_tree_k(spec, t.hosts) / 2;
        if (half <= 1 || t.hosts % half != 0) return std::nullopt;
        if (t.hosts % (half * half) == 0) return std::vector{t.hosts / (half * half), half, half};
        return std::vector{t.hosts / half, half};
      },
      .auto_collective = [](int) { return std::string_view("ring"); },
  });
  TopologyRegistry::add({
      .name = "leaf-spine",
      .help = "two tiers: leaves of hosts_per_leaf hosts, every leaf linked to every spine",
      .keys = {{"hosts_per_leaf", &TopologySpec::hosts_per_leaf,
                "hosts per leaf switch (default 0: the largest divisor of N not above 2√N)"},
               {"spines", &TopologySpec::spines, "spine switches (default 0: ⌈hosts_per_leaf / 2⌉)"},
               kOversubscription},
      .build = leaf_spine,
      .host_grid = [](const TopologySpec&, const PhysicalTopology& t) -> std::optional<std::vector<int>> {
        const int per_leaf = hosts_on_first_leaf(t);
        if (per_leaf > 0 && t.hosts % per_leaf == 0) return std::vector{t.hosts / per_leaf, per_leaf};
        return std::nullopt;
      },
  });
  return true;
}();

}  // namespace
}  // namespace csgd::topology
