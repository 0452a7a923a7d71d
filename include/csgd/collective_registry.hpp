#pragma once
// The all-reduce algorithms, one registry entry each (timing.network.collective), in the file
// that implements the algorithm's per-host program: sim/network/<name>.cpp.
#include <memory>
#include <string_view>
#include <vector>

#include "csgd/collective.hpp"
#include "csgd/registry.hpp"

namespace csgd {

class CollectiveProgram;  // sim/network/collective_program.hpp

struct CollectiveEntry {
  std::string_view name;
  std::string_view help;               // one line: --help and the README
  std::vector<Key<CollectiveSpec>> keys;  // keys under timing.network this collective reads
  // The per-host program of one round of M bytes among N hosts.
  std::unique_ptr<CollectiveProgram> (*program)(const CollectiveSpec& spec, int N, double M) = nullptr;
  // Rules that need N; ValidationError("collective", ...).
  void (*validate)(const CollectiveSpec& spec, int N) = nullptr;
};

using CollectiveRegistry = Registry<CollectiveEntry>;

}  // namespace csgd
