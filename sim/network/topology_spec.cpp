// TopologySpec::validate: the checks that need no N: each field's own range here, then the
// rules of the named registry entry. Fields are relative to `topology`; what depends on N (dims product, fat-tree capacity, hosts per leaf dividing N) is checked by
// build_topology.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "csgd/require.hpp"
#include "csgd/network.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd {
namespace {

void validate_dims(const TopologySpec& s) {
  for (int d : s.dims)
    if (d < 1) throw ValidationError("dims", fmt::format("every entry must be ≥ 1, got {}", d));
}

// A link override's latency is set when ≥ 0, its bandwidth when ≥ 0, its duplex when given; at
// least one must be.
void validate_link(const LinkOverride& l, std::size_t i) {
  const auto where = fmt::format("links[{}] ({}–{})", i, l.a, l.b);
  if (l.a < 0 || l.b < 0)
    throw ValidationError("links", fmt::format("{}: node ids must be ≥ 0", where));
  if (l.a == l.b) throw ValidationError("links", fmt::format("{}: a link joins two different nodes", where));
  if (std::isnan(l.latency_s) || std::isinf(l.latency_s))
    throw ValidationError("links", fmt::format("{}: latency must be a finite number ≥ 0, got {}", where, l.latency_s));
  if (std::isnan(l.bandwidth_Bps) || std::isinf(l.bandwidth_Bps) || l.bandwidth_Bps == 0)
    throw ValidationError("links", fmt::format("{}: bandwidth must be a positive finite number, got {}", where,
                                               l.bandwidth_Bps));
  if (l.latency_s < 0 && l.bandwidth_Bps < 0 && !l.duplex)
    throw ValidationError("links", fmt::format("{}: sets none of latency, bandwidth and duplex", where));
}

}  // namespace

void TopologySpec::validate() const {
  const TopologyEntry* entry = TopologyRegistry::find(name);
  require_one_of("name", name, TopologyRegistry::names());
  validate_dims(*this);
  if (k != 0 && (k < 2 || k % 2 != 0))
    throw ValidationError("k", fmt::format("must be an even number ≥ 2 (or 0: the smallest that fits N), got {}", k));
  if (!std::isfinite(oversubscription) || oversubscription < 1)
    throw ValidationError("oversubscription", fmt::format("must be a finite number ≥ 1, got {}", oversubscription));
  if (hosts_per_leaf < 0)
    throw ValidationError("hosts_per_leaf", fmt::format("must be ≥ 0 (0: chosen from N), got {}", hosts_per_leaf));
  if (spines < 0) throw ValidationError("spines", fmt::format("must be ≥ 0 (0: chosen from N), got {}", spines));
  if (entry->validate) entry->validate(*this);
  for (std::size_t i = 0; i < links.size(); ++i) validate_link(links[i], i);
}

}  // namespace csgd
