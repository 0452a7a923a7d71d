#pragma once
// Which all-reduce the flow clock runs on a topology (timing.network.collective).
#include "csgd/collective.hpp"
#include "csgd/network.hpp"
#include "csgd/timing.hpp"

namespace csgd {

// "auto" asks the topology's registry entry: its auto_collective if it has one (complete and
// hypercube: halving-doubling when N is a power of two, every partner one hop away; fat-tree:
// ring), else hierarchical-ring over its host grid when it has one (2-D and 3-D torus, mesh,
// leaf-spine: rows stay local), else ring.
// An explicit name is used as given; hierarchical-ring without a host grid and a server
// count above N are refused with ValidationError ("network.collective", "network.servers").
CollectiveSpec choose_collective(const NetworkSpec& network, const PhysicalTopology& topology, int N);

}  // namespace csgd
