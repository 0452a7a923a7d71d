// Names and settings of the collectives (timing.network.collective), from the registry.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csgd/collective_registry.hpp"
#include "csgd/errors.hpp"

namespace csgd {

CollectiveKind parse_collective(const std::string& name) {
  if (const CollectiveEntry* e = CollectiveRegistry::find(name)) return CollectiveKind{e->name};
  throw ValidationError("collective", fmt::format("must be one of auto, {}; got '{}'",
                                                  fmt::join(CollectiveRegistry::names(), ", "), name));
}

const char* to_string(CollectiveKind kind) { return kind.name.data(); }  // names are string literals

void CollectiveSpec::validate(int N) const {
  const CollectiveEntry* e = CollectiveRegistry::find(kind.name);
  if (!e) throw ValidationError("collective", fmt::format("unknown collective '{}'", kind.name));
  if (e->validate) e->validate(*this, N);
}

}  // namespace csgd
