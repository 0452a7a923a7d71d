// Names and settings of the collectives (timing.network.collective).
#include <array>
#include <utility>

#include <fmt/format.h>

#include "csgd/collective.hpp"
#include "csgd/errors.hpp"

namespace csgd {
namespace {
constexpr std::array<std::pair<const char*, CollectiveKind>, 5> kNames{{
    {"ring", CollectiveKind::ring},
    {"halving-doubling", CollectiveKind::halving_doubling},
    {"binomial-tree", CollectiveKind::binomial_tree},
    {"parameter-server", CollectiveKind::parameter_server},
    {"hierarchical-ring", CollectiveKind::hierarchical_ring},
}};
}  // namespace

CollectiveKind parse_collective(const std::string& name) {
  for (const auto& [n, kind] : kNames)
    if (name == n) return kind;
  throw ValidationError("collective", fmt::format("must be one of auto, ring, halving-doubling, binomial-tree, "
                                                  "parameter-server, hierarchical-ring; got '{}'", name));
}

const char* to_string(CollectiveKind kind) {
  for (const auto& [n, k] : kNames)
    if (k == kind) return n;
  return "?";
}

void CollectiveSpec::validate(int N) const {
  if (kind == CollectiveKind::parameter_server && (servers < 1 || servers > N))
    throw ValidationError("collective", fmt::format("parameter-server needs 1 ≤ servers ≤ N = {}, got {}", N, servers));
  if (kind == CollectiveKind::hierarchical_ring && rows * cols != N)
    throw ValidationError("collective", fmt::format("hierarchical-ring needs a rows × cols layout of the {} hosts "
                                                    "(a torus, mesh or leaf-spine topology); got {} × {}", N, rows, cols));
}

}  // namespace csgd
