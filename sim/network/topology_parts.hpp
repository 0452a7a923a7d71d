#pragma once
// What a topology generator produces before build_topology checks and finalises it: the physical
// (full-duplex) links of hosts 0..hosts−1 and switches hosts..nodes−1.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "csgd/network.hpp"

namespace csgd::topology {

struct PhysicalLink {
  int a = 0, b = 0;
  double latency_s = 0, bandwidth_Bps = 0;
};

struct Parts {
  std::string name;
  int hosts = 0, nodes = 0;
  std::vector<PhysicalLink> links;  // becomes directed links 2e (a→b) and 2e+1 (b→a)
  std::string source;               // custom: the file, so that checks can name it ("" otherwise)
};

struct LinkDefaults {
  double latency_s = 0, bandwidth_Bps = 0;
};

// One generator per topology name; each throws ValidationError with the field relative to `topology`.
using Generator = Parts (*)(const TopologySpec& spec, int N, const LinkDefaults& d);

Parts ring(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts line(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts torus(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts mesh(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts complete(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts star(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts hypercube(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts fat_tree(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts leaf_spine(const TopologySpec& spec, int N, const LinkDefaults& d);
Parts custom(const TopologySpec& spec, int N, const LinkDefaults& d);  // InputError naming file and line

struct NamedGenerator {
  std::string_view name;
  Generator make;
};
std::span<const NamedGenerator> generators();  // in the order the names are documented

}  // namespace csgd::topology
