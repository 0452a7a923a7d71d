// resolve_cluster: the topology, collective and W of one run, each resolved exactly once.
#include "csgd/cluster_setup.hpp"

#include "csgd/algorithm_registry.hpp"
#include "csgd/errors.hpp"
#include "csgd/timing.hpp"
#include "timing/collective_choice.hpp"

namespace csgd {
namespace {

// Turns a settings error into a message with its file position: `section` is the key path the
// error's field is relative to, `file_key` the setting that named a bad topology or matrix file.
template <class F>
auto located(const RunPlan& plan, const std::string& section, const std::string& file_key, F&& build) {
  try {
    return build();
  } catch (const ValidationError& e) {
    throw InputError(plan.error_at(e.field().empty() ? section : section + "." + e.field(), e.what()));
  } catch (const InputError& e) {
    throw InputError(plan.error_at(file_key, e.what()));
  }
}

}  // namespace

ResolvedCluster resolve_cluster(const RunPlan& plan) {
  const ExperimentConfig& c = plan.config;
  ResolvedCluster r;
  std::optional<Graph> host_graph_of_network;
  if (c.timing.network.model == "flow") {
    r.topology = located(plan, "timing", "timing.network.topology", [&] {
      c.timing.validate();
      return std::make_shared<const PhysicalTopology>(build_cluster_topology(c.timing.network, c.N));
    });
    r.collective = located(plan, "timing", "timing.network", [&] { return choose_collective(c.timing.network, *r.topology, c.N); });
    host_graph_of_network = host_graph(*r.topology);
  }
  if (AlgorithmRegistry::find(c.algorithm.name)->mixes)
    r.W = located(plan, "algorithm", "algorithm", [&] {
      return build_mixing_matrix(c.algorithm.mixing, c.N, host_graph_of_network ? &*host_graph_of_network : nullptr);
    });
  return r;
}

}  // namespace csgd
