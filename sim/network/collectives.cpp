// make_collective: the program of the registry entry the spec names, run over the network model.
#include <memory>
#include <utility>

#include "csgd/collective_registry.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

std::unique_ptr<CollectiveProgram> program_for(const CollectiveSpec& spec, int N, double M) {
  return CollectiveRegistry::find(spec.kind.name)->program(spec, N, M);  // validate() found it
}

}  // namespace

std::unique_ptr<Collective> make_collective(const CollectiveSpec& spec, NetworkModel& network, int N, double M,
                                            HostDone done, TrafficBooks* books) {
  spec.validate(N);
  return run_collective_program(program_for(spec, N, M), network, std::move(done), books);
}

}  // namespace csgd
