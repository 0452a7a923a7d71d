#pragma once
// Averages across workers, parallel over coordinate blocks. Each coordinate is summed over
// workers 0..N−1 in that order, so the bits do not depend on the thread count or block split.
#include <span>

#include "csgd/algorithm.hpp"

namespace csgd {

// Replaces every worker's `member` (x or u) by the node average (the reset of eq. (6)), over all
// ranks of the team (node_average's chain when there are several).
template <class S>
void replace_by_node_average(const WorkerBlock<S>& workers, Vector<S> WorkerState<S>::*member);

}  // namespace csgd
