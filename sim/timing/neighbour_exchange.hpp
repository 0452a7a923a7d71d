#pragma once
// Algorithm 2's communication round (eq. 18) as a collective: after its step a worker sends its
// payload M to each out-neighbour of W, all at once; it is done once it has entered and the
// message of the round from each of its in-neighbours has arrived. There is no barrier: a slow
// worker holds up its neighbours, and others only as the delay spreads through the graph.
#include <memory>
#include <span>
#include <vector>

#include "csgd/collective.hpp"

namespace csgd {

std::unique_ptr<Collective> make_neighbour_exchange(std::span<const std::vector<int>> out_neighbours,
                                                    std::span<const int> in_degree, NetworkModel& network,
                                                    double M, HostDone done, TrafficBooks* books = nullptr);

}  // namespace csgd
