// make_collective: the program of the chosen all-reduce algorithm, run over the network model.
#include <memory>
#include <utility>

#include "network/collective_program.hpp"

namespace csgd {
namespace {

std::unique_ptr<CollectiveProgram> program_for(const CollectiveSpec& spec, int N, double M) {
  switch (spec.kind) {
    case CollectiveKind::ring: return ring_allreduce_program(N, M);
    case CollectiveKind::halving_doubling: return halving_doubling_program(N, M);
    case CollectiveKind::binomial_tree: return binomial_tree_program(N, M);
    case CollectiveKind::parameter_server: return parameter_server_program(N, M, spec.servers);
    case CollectiveKind::hierarchical_ring: return hierarchical_ring_program(spec.rows, spec.cols, M);
  }
  return ring_allreduce_program(N, M);
}

}  // namespace

std::unique_ptr<Collective> make_collective(const CollectiveSpec& spec, NetworkModel& network, int N, double M,
                                            HostDone done) {
  spec.validate(N);
  return run_collective_program(program_for(spec, N, M), network, std::move(done));
}

}  // namespace csgd
