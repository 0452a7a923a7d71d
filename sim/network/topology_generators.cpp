// Direct-connection topologies (hosts only, or one switch): ring, line, torus, mesh, complete,
// star, hypercube. Links are listed in a fixed order so that link ids are deterministic.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "network/topology_parts.hpp"

namespace csgd::topology {
namespace {

Parts start(std::string name, int hosts, int nodes) {
  Parts p;
  p.name = std::move(name);
  p.hosts = hosts;
  p.nodes = nodes;
  return p;
}

void add(Parts& p, int a, int b, const LinkDefaults& d) { p.links.push_back({a, b, d.latency_s, d.bandwidth_Bps}); }

std::vector<int> squarest(int N) {
  const auto [rows, cols] = squarest_factorization(N);
  return {rows, cols};
}

std::string shape(const std::vector<int>& dims) {
  std::string s;
  for (int d : dims) s += (s.empty() ? "" : "×") + std::to_string(d);
  return s;
}

// A grid with the last dimension fastest; each node links to its +1 neighbour along every
// dimension, and with `wrap` from the last coordinate back to 0. A dimension of size 2 wraps
// onto its forward link (kept once) and one of size 1 has no links.
Parts grid(const char* kind, const TopologySpec& spec, int N, const LinkDefaults& d, bool wrap) {
  const std::vector<int> dims = spec.dims.empty() ? squarest(N) : spec.dims;
  long long product = 1;
  for (int x : dims) product *= x;
  if (product != N)
    throw ValidationError("dims", fmt::format("a {} {} has {} hosts, but N = {}", kind, shape(dims), product, N));
  Parts p = start(fmt::format("{} {}", kind, shape(dims)), N, N);
  std::vector<int> stride(dims.size(), 1);
  for (std::size_t j = dims.size() - 1; j > 0; --j) stride[j - 1] = stride[j] * dims[j];
  for (int v = 0; v < N; ++v)
    for (std::size_t j = 0; j < dims.size(); ++j) {
      const int coord = v / stride[j] % dims[j];
      if (coord + 1 < dims[j]) add(p, v, v + stride[j], d);
      else if (wrap && dims[j] >= 3) add(p, v - coord * stride[j], v, d);
    }
  return p;
}

}  // namespace

Parts ring(const TopologySpec&, int N, const LinkDefaults& d) {
  Parts p = start(fmt::format("ring of {} hosts", N), N, N);
  for (int i = 0; i + 1 < N; ++i) add(p, i, i + 1, d);
  if (N >= 3) add(p, 0, N - 1, d);  // two hosts share one link, not two parallel ones
  return p;
}

Parts line(const TopologySpec&, int N, const LinkDefaults& d) {
  Parts p = start(fmt::format("line of {} hosts", N), N, N);
  for (int i = 0; i + 1 < N; ++i) add(p, i, i + 1, d);
  return p;
}

Parts torus(const TopologySpec& spec, int N, const LinkDefaults& d) { return grid("torus", spec, N, d, true); }
Parts mesh(const TopologySpec& spec, int N, const LinkDefaults& d) { return grid("mesh", spec, N, d, false); }

Parts complete(const TopologySpec&, int N, const LinkDefaults& d) {
  Parts p = start(fmt::format("complete graph on {} hosts", N), N, N);
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) add(p, i, j, d);
  return p;
}

Parts star(const TopologySpec&, int N, const LinkDefaults& d) {
  Parts p = start(fmt::format("star: {} hosts on one switch", N), N, N + 1);
  for (int i = 0; i < N; ++i) add(p, i, N, d);
  return p;
}

Parts hypercube(const TopologySpec&, int N, const LinkDefaults& d) {
  if ((N & (N - 1)) != 0)
    throw ValidationError("name", fmt::format("a hypercube needs N to be a power of two, got N = {}", N));
  int dimension = 0;
  while ((1 << dimension) < N) ++dimension;
  Parts p = start(fmt::format("hypercube of dimension {} ({} hosts)", dimension, N), N, N);
  for (int i = 0; i < N; ++i)
    for (int bit = 1; bit < N; bit <<= 1)
      if ((i & bit) == 0) add(p, i, i | bit, d);
  return p;
}

}  // namespace csgd::topology
