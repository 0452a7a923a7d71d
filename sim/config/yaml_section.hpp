#pragma once
// Schema-checked reading of a YAML tree. Every value is read through a Section, which knows its
// key path and where each key came from, so any error can name file:line:column, the key path
// and the rule; keys nobody read are refused with the nearest valid key.
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "csgd/errors.hpp"

namespace csgd {

// Where each key path came from: a position in the file, a --set option, or a sweep value.
class ConfigSource {
 public:
  ConfigSource(std::string file, YAML::Node root) : file_(std::move(file)), root_(std::move(root)) {}

  void mark_override(const std::string& path, const std::string& origin) { overrides_[path] = origin; }
  // "file:line:column", "--set a.b=c", or "file" when nothing finer is known.
  std::string where(const std::string& path) const;
  std::string error(const std::string& path, const std::string& rule) const;  // full message
  const std::string& file() const { return file_; }
  const YAML::Node& root() const { return root_; }

 private:
  std::string file_;
  YAML::Node root_;
  std::map<std::string, std::string> overrides_;
};

class Section {
 public:
  // `mirror` receives every value as resolved (defaults included) for config.resolved.yaml.
  Section(const ConfigSource& source, YAML::Node node, std::string path, YAML::Node mirror);

  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key) const { return value_node(key); }
  const ConfigSource& source() const { return *source_; }
  std::string path(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& rule) const;

  // Typed scalars and lists: bool, int, std::int64_t, std::uint64_t, double, std::string,
  // std::vector<int>, std::vector<std::int64_t>, std::vector<double>.
  template <class T> T get(const std::string& key, const T& fallback);
  template <class T> std::optional<T> optional(const std::string& key);

  // Quantities with units (see csgd/units.hpp); values inside are seconds, bytes/s, bytes, FLOP/s.
  double duration(const std::string& key, double fallback_s);
  std::optional<double> optional_duration(const std::string& key);
  double bandwidth(const std::string& key, double fallback_Bps);
  double flop_rate(const std::string& key, double fallback);
  std::optional<double> optional_model_bytes(const std::string& key, double bytes_per_param);

  // A nested map (absent: an empty section). `shorthand`, if given, is the key a scalar stands
  // for: `dataset: fashion-mnist` reads as `dataset: {name: fashion-mnist}`.
  Section child(const std::string& key, const char* shorthand = nullptr);

  // Refuses any key that no accessor asked for, naming the nearest valid one.
  void finish() const;
  // Marks keys as known without reading them (read by someone else, e.g. `sweep`).
  void allow(std::initializer_list<const char*> keys);
  // Marks `key` as known and copies its value as written into the resolved configuration.
  void keep(const std::string& key);
  // What the resolved configuration shows for `key` (the accessors record what they read).
  void record(const std::string& key, const YAML::Node& resolved);

 private:
  YAML::Node value_node(const std::string& key) const;
  std::optional<double> unit_value(const std::string& key, const char* what,
                                   std::optional<double> (*parse)(std::string_view));

  const ConfigSource* source_;
  YAML::Node node_;
  std::string path_;
  YAML::Node mirror_;
  std::vector<std::string> known_;
};

// The number of single-character edits between two strings (for "did you mean").
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace csgd
