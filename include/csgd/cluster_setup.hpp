#pragma once
// Every `auto` of a run resolved once, in one function that the run, `csgd bound --from` and the
// theory checks share (csgd topo calls the same resolve_mixing / choose_collective underneath):
// the physical topology (flow model, built once and handed to the clock), the collective it runs,
// and Algorithm 2's mixing matrix W (`mixing: auto` is the topology's host graph when it has no
// switches, else a ring).
#include <memory>
#include <optional>

#include "csgd/collective.hpp"
#include "csgd/experiment.hpp"
#include "csgd/mixing_matrix.hpp"
#include "csgd/network.hpp"

namespace csgd {

struct ResolvedCluster {
  std::shared_ptr<const PhysicalTopology> topology;  // flow model only
  std::optional<CollectiveSpec> collective;          // flow model only
  std::optional<MixingMatrix> W;                     // algorithms that mix (Algorithm 2) only
};

// Throws InputError located at the setting that is wrong (file:line:column, key path, rule).
ResolvedCluster resolve_cluster(const RunPlan& plan);

}  // namespace csgd
