#include "config/yaml_section.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "csgd/units.hpp"

namespace csgd {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

std::string position(const std::string& file, const YAML::Mark& mark) {
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

template <class T> const char* type_name() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (std::is_same_v<T, double>) return "a number";
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return "a whole number ≥ 0";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_same_v<T, std::vector<double>>) return "a list of numbers";
  else return "a list of integers";
}

// Integers may be written 1e5 or 100000; both must be whole numbers in range.
template <class T> bool decode_integer(const YAML::Node& node, T& out) {
  if (YAML::convert<T>::decode(node, out)) return true;
  double d = 0;
  if (!YAML::convert<double>::decode(node, d) || !std::isfinite(d) || d != std::floor(d)) return false;
  if (d < static_cast<double>(std::numeric_limits<T>::min()) || d > static_cast<double>(std::numeric_limits<T>::max()))
    return false;
  out = static_cast<T>(d);
  return true;
}

template <class T> bool decode(const YAML::Node& node, T& out) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> || std::is_same_v<T, double>) {
    return node.IsScalar() && YAML::convert<T>::decode(node, out);
  } else if constexpr (std::is_integral_v<T>) {
    return node.IsScalar() && decode_integer(node, out);
  } else {  // lists
    if (!node.IsSequence()) return false;
    out.clear();
    for (const auto& item : node) {
      typename T::value_type v{};
      if (!decode(item, v)) return false;
      out.push_back(v);
    }
    return true;
  }
}

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string ConfigSource::where(const std::string& path) const {
  // The longest overridden prefix wins: a --set of problem.dataset covers problem.dataset.name.
  std::string best;
  for (const auto& [key, origin] : overrides_)
    if ((path == key || path.rfind(key + ".", 0) == 0) && key.size() >= best.size()) best = key;
  if (!best.empty()) return overrides_.at(best);
  // Otherwise the deepest node on the path that the parser placed in the file.
  // Walk through const nodes: operator[] on a const node never creates keys.
  std::vector<YAML::Node> chain{root_};
  for (const auto& part : split_path(path)) {
    const YAML::Node parent = chain.back();
    if (!parent.IsMap()) break;
    const YAML::Node child = parent[part];
    if (!child.IsDefined()) break;
    chain.push_back(child);
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if (!it->Mark().is_null()) return position(file_, it->Mark());
  return file_;
}

std::string ConfigSource::error(const std::string& path, const std::string& rule) const {
  return fmt::format("{}: {}: {}", where(path), path.empty() ? "(top level)" : path, rule);
}

Section::Section(const ConfigSource& source, YAML::Node node, std::string path, YAML::Node mirror)
    : source_(&source), node_(std::move(node)), path_(std::move(path)), mirror_(std::move(mirror)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
    throw InputError(source_->error(path_, "expected a map of keys (key: value)"));
}

std::string Section::path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void Section::fail(const std::string& key, const std::string& rule) const {
  throw InputError(source_->error(path(key), rule));
}

bool Section::has(const std::string& key) const {
  const YAML::Node found = value_node(key);
  return found.IsDefined() && !found.IsNull();
}

YAML::Node Section::value_node(const std::string& key) const {
  if (!node_.IsMap()) return {};
  const YAML::Node found = node_[key];  // const lookup: an absent key yields an invalid node
  return found.IsDefined() ? found : YAML::Node();
}

void Section::record(const std::string& key, const YAML::Node& resolved) {
  mirror_[key] = resolved;
}

template <class T> std::optional<T> Section::optional(const std::string& key) {
  known_.push_back(key);
  if (!has(key)) return std::nullopt;
  T value{};
  if (!decode(value_node(key), value)) fail(key, fmt::format("expected {}", type_name<T>()));
  record(key, value_node(key));
  return value;
}

template <class T> T Section::get(const std::string& key, const T& fallback) {
  if (auto v = optional<T>(key)) return *v;
  record(key, YAML::Node(fallback));
  return fallback;
}

std::optional<double> Section::unit_value(const std::string& key, const char* what,
                                          std::optional<double> (*parse)(std::string_view)) {
  known_.push_back(key);
  if (!has(key)) return std::nullopt;
  const YAML::Node node = value_node(key);
  std::optional<double> v;
  if (node.IsScalar()) v = parse(node.Scalar());
  if (!v) {
    // A quantity with a unit is never negative: say so rather than "expected a duration".
    const bool negative = node.IsScalar() && !node.Scalar().empty() && node.Scalar().front() == '-';
    fail(key, negative ? fmt::format("must not be negative, got {}", node.Scalar()) : fmt::format("expected {}", what));
  }
  record(key, node);
  return v;
}

std::optional<double> Section::optional_duration(const std::string& key) {
  return unit_value(key, "a duration such as 5us, 2ms or 1.5s", parse_duration_s);
}

double Section::duration(const std::string& key, double fallback_s) {
  if (auto v = optional_duration(key)) return *v;
  record(key, YAML::Node(format_duration(fallback_s)));
  return fallback_s;
}

double Section::bandwidth(const std::string& key, double fallback_Bps) {
  if (auto v = unit_value(key, "a bandwidth such as 10Gbps, 100Mbps or 25GB/s", parse_bandwidth_Bps)) return *v;
  record(key, YAML::Node(format_bandwidth(fallback_Bps)));
  return fallback_Bps;
}

double Section::flop_rate(const std::string& key, double fallback) {
  if (auto v = unit_value(key, "a FLOP rate such as 9.3TFLOPS or 500GFLOP/s", parse_flop_rate)) return *v;
  record(key, YAML::Node(fmt::format("{:g}TFLOPS", fallback / 1e12)));
  return fallback;
}

std::optional<double> Section::optional_model_bytes(const std::string& key, double bytes_per_param) {
  known_.push_back(key);
  if (!has(key)) return std::nullopt;
  const YAML::Node node = value_node(key);
  std::optional<double> v;
  if (node.IsScalar()) v = parse_model_bytes(node.Scalar(), bytes_per_param);
  if (!v) fail(key, "expected a size such as 3.4MB, 512KiB or 850k params");
  record(key, node);
  return v;
}

Section Section::child(const std::string& key, const char* shorthand) {
  known_.push_back(key);
  YAML::Node node = value_node(key);
  if (shorthand && node.IsDefined() && node.IsScalar()) {
    YAML::Node expanded(YAML::NodeType::Map);
    expanded[shorthand] = node;
    node = expanded;
  }
  YAML::Node mirror(YAML::NodeType::Map);
  mirror_[key] = mirror;
  return Section(*source_, node, path(key), mirror);
}

void Section::allow(std::initializer_list<const char*> keys) {
  for (const char* k : keys) known_.emplace_back(k);
}

void Section::keep(const std::string& key) {
  known_.push_back(key);
  if (has(key)) record(key, value_node(key));
}

void Section::finish() const {
  if (!node_.IsMap()) return;
  for (const auto& entry : node_) {
    const auto key = entry.first.as<std::string>();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::vector<std::string> valid = known_;
    std::sort(valid.begin(), valid.end());
    valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
    std::string nearest;
    std::size_t best = std::string::npos;
    for (const auto& k : valid)
      if (const auto d = edit_distance(key, k); d < best) best = d, nearest = k;
    std::string rule = "unknown key";
    if (!nearest.empty() && best <= std::max<std::size_t>(2, key.size() / 3))
      rule += fmt::format("; did you mean '{}'?", nearest);
    rule += fmt::format(" (valid keys here: {})", fmt::join(valid, ", "));
    const std::string where = entry.first.Mark().is_null() ? source_->where(path(key))
                                                           : position(source_->file(), entry.first.Mark());
    throw InputError(fmt::format("{}: {}: {}", where, path(key), rule));
  }
}

#define CSGD_SECTION_TYPE(T)                                              \
  template T Section::get<T>(const std::string&, const T&);               \
  template std::optional<T> Section::optional<T>(const std::string&);
CSGD_SECTION_TYPE(bool)
CSGD_SECTION_TYPE(int)
CSGD_SECTION_TYPE(std::int64_t)
CSGD_SECTION_TYPE(std::uint64_t)
CSGD_SECTION_TYPE(double)
CSGD_SECTION_TYPE(std::string)
CSGD_SECTION_TYPE(std::vector<int>)
CSGD_SECTION_TYPE(std::vector<std::int64_t>)
CSGD_SECTION_TYPE(std::vector<double>)
#undef CSGD_SECTION_TYPE

}  // namespace csgd
