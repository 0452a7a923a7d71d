#pragma once
// Averages across workers, parallel over coordinate blocks. Each coordinate is summed over
// workers 0..N−1 in that order, so the bits do not depend on the thread count or block split.
#include <span>

#include "csgd/algorithm.hpp"

namespace csgd {

// Replaces every worker's `member` (x or u) by the node average (the reset of eq. (6)).
template <class S>
void replace_by_node_average(std::span<WorkerState<S>> workers, Vector<S> WorkerState<S>::*member);

}  // namespace csgd
