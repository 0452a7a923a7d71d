#pragma once
// Which all-reduce the flow clock runs on a topology (timing.network.collective).
#include "csgd/collective.hpp"
#include "csgd/network.hpp"
#include "csgd/timing.hpp"

namespace csgd {

// "auto" picks per topology:
//   torus with 2 dims, mesh, leaf-spine → hierarchical-ring over the host grid (rows stay local);
//   complete or hypercube with N a power of two → halving-doubling (every partner is one hop);
//   everything else (ring, line, star, 3-D torus, fat-tree, custom) → ring.
// An explicit name is used as given; hierarchical-ring without a 2-D host grid and a server
// count above N are refused with ValidationError ("network.collective", "network.servers").
CollectiveSpec choose_collective(const NetworkSpec& network, const PhysicalTopology& topology, int N);

}  // namespace csgd
