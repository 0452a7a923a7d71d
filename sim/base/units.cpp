#include "csgd/units.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <span>
#include <string>

#include <fmt/format.h>

namespace csgd {
namespace {

struct Unit {
  std::string_view name;
  double factor;  // multiply the number by this to get the internal unit
};

// A number and the text after it. `rest` has the spaces between number and unit removed.
struct Quantity {
  double value = 0;
  std::string_view rest;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_front(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

// Leading non-negative finite number (from_chars also accepts "inf"/"nan", hence the check).
std::optional<Quantity> split_number(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || !std::isfinite(value) || value < 0) return std::nullopt;
  return Quantity{value, trim_front(text.substr(static_cast<std::size_t>(end - text.data())))};
}

std::optional<double> lookup(std::span<const Unit> units, std::string_view name) {
  for (const Unit& u : units)
    if (u.name == name) return u.factor;
  return std::nullopt;
}

// An SI or binary prefix followed by one of `bases`, e.g. "Gi" + "B/s".
std::optional<double> prefixed(std::string_view unit, std::span<const Unit> prefixes,
                               std::span<const Unit> bases) {
  for (const Unit& p : prefixes) {
    if (!unit.starts_with(p.name)) continue;
    if (const auto base = lookup(bases, unit.substr(p.name.size()))) return p.factor * *base;
  }
  return std::nullopt;
}

// Number times the unit's factor; a bare number is already in the internal unit.
template <class UnitFactor>
std::optional<double> parse_with(std::string_view text, UnitFactor factor_of) {
  const auto q = split_number(text);
  if (!q) return std::nullopt;
  if (q->rest.empty()) return q->value;
  const auto factor = factor_of(q->rest);
  if (!factor) return std::nullopt;
  const double result = q->value * *factor;
  if (!std::isfinite(result)) return std::nullopt;
  return result;
}

constexpr double kKi = 1024.0;
// Longest names first where one is a prefix of another ("Ki" before "K").
constexpr std::array kBytePrefixes{
    Unit{"Ki", kKi},           Unit{"Mi", kKi * kKi},           Unit{"Gi", kKi * kKi * kKi},
    Unit{"Ti", kKi * kKi * kKi * kKi}, Unit{"k", 1e3},          Unit{"K", 1e3},
    Unit{"M", 1e6},            Unit{"G", 1e9},                  Unit{"T", 1e12},
    Unit{"P", 1e15},           Unit{"", 1.0}};

constexpr std::array kDurations{Unit{"ns", 1e-9}, Unit{"us", 1e-6}, Unit{"\u00b5s", 1e-6},
                                Unit{"\u03bcs", 1e-6}, Unit{"ms", 1e-3}, Unit{"s", 1.0},
                                Unit{"min", 60.0}, Unit{"h", 3600.0}};
// Bits are lower-case b and count 1/8 byte; bytes are upper-case B.
constexpr std::array kBandwidthBases{Unit{"bps", 0.125}, Unit{"b/s", 0.125}, Unit{"bit/s", 0.125},
                                     Unit{"Bps", 1.0}, Unit{"B/s", 1.0}};
constexpr std::array kSizeBases{Unit{"B", 1.0}};
constexpr std::array kParamMultipliers{Unit{"k", 1e3}, Unit{"K", 1e3}, Unit{"M", 1e6},
                                       Unit{"B", 1e9}, Unit{"G", 1e9}, Unit{"", 1.0}};
constexpr std::array kParamWords{Unit{"params", 1.0}, Unit{"parameters", 1.0},
                                 Unit{"param", 1.0}, Unit{"parameter", 1.0}};
constexpr std::array kFlopPrefixes{Unit{"k", 1e3}, Unit{"K", 1e3},   Unit{"M", 1e6},
                                   Unit{"G", 1e9}, Unit{"T", 1e12},  Unit{"P", 1e15},
                                   Unit{"E", 1e18}, Unit{"", 1.0}};
constexpr std::array kFlopBases{Unit{"FLOPS", 1.0}, Unit{"FLOP/s", 1.0}, Unit{"FLOPs", 1.0},
                                Unit{"flops", 1.0}, Unit{"flop/s", 1.0}};

// "1.2M params": a multiplier letter, optional spaces, then the word.
std::optional<double> param_count_factor(std::string_view unit) {
  for (const Unit& m : kParamMultipliers) {
    if (!unit.starts_with(m.name)) continue;
    if (lookup(kParamWords, trim_front(unit.substr(m.name.size())))) return m.factor;
  }
  return std::nullopt;
}

// Rounds to 3 significant digits first so that 999.7 us becomes "1.00 ms", not "1000 us".
// `units` ascend by factor; the largest unit not above the value is used. Zero and non-finite
// values are printed in the base unit.
std::string format_3sig(double value, std::span<const Unit> units, std::string_view base) {
  if (value == 0) return fmt::format("0 {}", base);
  if (!std::isfinite(value)) return fmt::format("{} {}", value, base);
  if (value < 0) return fmt::format("-{}", format_3sig(-value, units, base));
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)) - 2);
  const double rounded = std::round(value / magnitude) * magnitude;
  const Unit* unit = &units[0];
  for (const Unit& u : units)
    if (rounded >= u.factor * (1 - 1e-12)) unit = &u;
  const double mantissa = rounded / unit->factor;
  const int decimals = std::max(0, 2 - static_cast<int>(std::floor(std::log10(mantissa * (1 + 1e-12)))));
  return fmt::format("{:.{}f} {}", mantissa, decimals, unit->name);
}

constexpr std::array kDurationOut{Unit{"ns", 1e-9}, Unit{"us", 1e-6}, Unit{"ms", 1e-3},
                                  Unit{"s", 1.0}, Unit{"min", 60.0}, Unit{"h", 3600.0}};
constexpr std::array kBytesOut{Unit{"B", 1.0}, Unit{"kB", 1e3}, Unit{"MB", 1e6},
                               Unit{"GB", 1e9}, Unit{"TB", 1e12}, Unit{"PB", 1e15}};
// In bits per second, as network links are quoted.
constexpr std::array kBitsOut{Unit{"bps", 1.0}, Unit{"kbps", 1e3}, Unit{"Mbps", 1e6},
                              Unit{"Gbps", 1e9}, Unit{"Tbps", 1e12}};

}  // namespace

std::optional<double> parse_duration_s(std::string_view text) {
  return parse_with(text, [](std::string_view u) { return lookup(kDurations, u); });
}

std::optional<double> parse_bandwidth_Bps(std::string_view text) {
  return parse_with(text, [](std::string_view u) { return prefixed(u, kBytePrefixes, kBandwidthBases); });
}

std::optional<double> parse_bytes(std::string_view text) {
  return parse_with(text, [](std::string_view u) { return prefixed(u, kBytePrefixes, kSizeBases); });
}

std::optional<double> parse_model_bytes(std::string_view text, double bytes_per_param) {
  if (const auto bytes = parse_bytes(text)) return bytes;
  if (!(bytes_per_param > 0) || !std::isfinite(bytes_per_param)) return std::nullopt;
  return parse_with(text, [&](std::string_view u) -> std::optional<double> {
    if (const auto count = param_count_factor(u)) return *count * bytes_per_param;
    return std::nullopt;
  });
}

std::optional<double> parse_flop_rate(std::string_view text) {
  return parse_with(text, [](std::string_view u) { return prefixed(u, kFlopPrefixes, kFlopBases); });
}

std::string format_duration(double seconds) { return format_3sig(seconds, kDurationOut, "s"); }

std::string format_bytes(double bytes) { return format_3sig(bytes, kBytesOut, "B"); }

std::string format_bandwidth(double bytes_per_s) { return format_3sig(bytes_per_s * 8, kBitsOut, "bps"); }

std::string format_flop_rate(double flops) {
  constexpr std::array<std::pair<double, const char*>, 5> prefixes{
      {{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  for (const auto& [factor, prefix] : prefixes)
    if (flops >= factor) return fmt::format("{:.3g} {}FLOP/s", flops / factor, prefix);
  return fmt::format("{:.3g} FLOP/s", flops);
}

}  // namespace csgd
