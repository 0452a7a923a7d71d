#pragma once
// The graphs Algorithm 2 can mix over, one registry entry each (algorithm.mixing.topology), in
// topologies/mixing_graphs.cpp. `auto` is not an entry: resolve_mixing turns it into one.
#include <string_view>
#include <vector>

#include "csgd/mixing_matrix.hpp"
#include "csgd/registry.hpp"

namespace csgd {

struct MixingGraphEntry {
  std::string_view name;
  std::string_view help;              // one line: --help and the README
  std::vector<Key<MixingSpec>> keys;  // keys under algorithm.mixing besides topology
  // W for N workers; `network` is the flow model's host graph (null without one). Throws
  // ValidationError (fields relative to `algorithm`, e.g. "mixing.rows") or InputError.
  MixingMatrix (*build)(const MixingSpec& spec, int N, const Graph* network) = nullptr;
};

using MixingGraphRegistry = Registry<MixingGraphEntry>;

}  // namespace csgd
