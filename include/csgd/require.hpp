#pragma once
// The rule checks every settings struct's validate() uses, with one wording. Each throws
// ValidationError naming the field (relative to the struct; the config layer adds the section
// path and the file position). The negated comparisons also refuse NaN.
#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csgd/errors.hpp"

namespace csgd {

inline void require(bool ok, const std::string& field, const std::string& rule) {
  if (!ok) throw ValidationError(field, rule);
}

inline void require_finite(const std::string& field, double v) {
  if (std::isinf(v)) throw ValidationError(field, fmt::format("must be finite, got {}", v));
}

inline void require_positive(const std::string& field, double v) {
  if (!(v > 0)) throw ValidationError(field, fmt::format("must be > 0, got {}", v));
  require_finite(field, v);
}

inline void require_non_negative(const std::string& field, double v) {
  if (!(v >= 0)) throw ValidationError(field, fmt::format("must be >= 0, got {}", v));
  require_finite(field, v);
}

inline void require_at_least(const std::string& field, long long v, long long low) {
  if (v < low) throw ValidationError(field, fmt::format("must be >= {}, got {}", low, v));
}

// `names` is the list a user may choose from, as the registry or the schema gives it.
template <class Names>
void require_one_of(const std::string& field, std::string_view value, const Names& names) {
  for (const auto& n : names)
    if (value == n) return;
  throw ValidationError(field, fmt::format("must be one of {}; got '{}'", fmt::join(names, ", "), value));
}

}  // namespace csgd
