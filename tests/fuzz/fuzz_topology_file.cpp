// libFuzzer target: a custom topology file through the reader and build_topology's checks
// (self-loops, duplicate links, gaps, disconnected graphs, sizes), for 2 and 4 hosts. Built twice:
// fuzz_topology_edge_list (a .txt file) and fuzz_topology_graphml (a .graphml file), since the
// extension picks the reader.
#include <cstdint>

#include "csgd/network.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  csgd::TopologySpec spec;
  spec.name = "custom";
  spec.file = csgd::fuzz::scratch_file(std::string("net") + CSGD_FUZZ_TOPOLOGY_EXTENSION, data, size);
  csgd::fuzz::expect_result_or_refusal([&] {
    for (int N : {2, 4}) (void)csgd::build_topology(spec, N, 5e-6, 1.25e9);
  });
  return 0;
}
