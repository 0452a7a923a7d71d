// resolve_cluster: the topology, collective and W of one run, each resolved exactly once.
#include "csgd/cluster_setup.hpp"

#include "csgd/algorithm_registry.hpp"
#include "csgd/errors.hpp"
#include "csgd/timing.hpp"
#include "run/located.hpp"
#include "timing/collective_choice.hpp"

namespace csgd {

ResolvedCluster resolve_cluster(const RunPlan& plan) {
  const ExperimentConfig& c = plan.config;
  ResolvedCluster r;
  std::optional<Graph> host_graph_of_network;
  if (c.timing.network.model == "flow") {
    r.topology = located(
        plan, "timing",
        [&] {
          c.timing.validate();
          return std::make_shared<const PhysicalTopology>(build_cluster_topology(c.timing.network, c.N));
        },
        "timing.network.topology");
    r.collective = located(plan, "timing", [&] { return choose_collective(c.timing.network, *r.topology, c.N); });
    host_graph_of_network = host_graph(*r.topology);
  }
  if (AlgorithmRegistry::find(c.algorithm.name)->mixes)
    r.W = located(plan, "algorithm", [&] {
      return build_mixing_matrix(c.algorithm.mixing, c.N, host_graph_of_network ? &*host_graph_of_network : nullptr);
    });
  return r;
}

}  // namespace csgd
