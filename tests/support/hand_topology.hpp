#pragma once
// A hand-made topology for network tests: physical links become the directed pairs 2e (a→b),
// 2e+1 (b→a), as build_topology lays them out.
#include <vector>

#include "csgd/network.hpp"

namespace csgd::test {

struct Link {
  int a, b;
  double latency_s, bandwidth_Bps;
  bool half_duplex = false;
};

inline PhysicalTopology hand_topology(int hosts, int nodes, const std::vector<Link>& links) {
  PhysicalTopology t;
  t.name = "test";
  t.hosts = hosts;
  t.nodes = nodes;
  for (const Link& l : links) {
    t.links.push_back({l.a, l.b, l.latency_s, l.bandwidth_Bps, l.half_duplex});
    t.links.push_back({l.b, l.a, l.latency_s, l.bandwidth_Bps, l.half_duplex});
  }
  return t;
}

}  // namespace csgd::test
