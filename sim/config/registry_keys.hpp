#pragma once
// Reads the YAML keys a registry entry declares into its settings struct, and refuses, before
// any work starts, a key that only other members of the kind read ("does not apply").
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/yaml_section.hpp"
#include "csgd/registry.hpp"

namespace csgd {

inline std::string resolve_path(const std::string& p, const std::filesystem::path& base_dir) {
  if (p.empty()) return p;
  const std::filesystem::path path(p);
  return path.is_absolute() ? p : (base_dir / path).lexically_normal().string();
}

template <class Spec>
void read_key(Section& s, const Key<Spec>& key, Spec& spec, const std::filesystem::path& base_dir) {
  const std::string name(key.name);
  std::visit(
      [&](auto member) {
        auto& field = spec.*member;
        using T = std::remove_reference_t<decltype(field)>;
        if constexpr (std::is_same_v<T, double>) {
          if (key.unit == KeyUnit::duration) field = s.duration(name, field);
          else if (key.unit == KeyUnit::bandwidth) field = s.bandwidth(name, field);
          else field = s.get<double>(name, field);
        } else if constexpr (std::is_same_v<T, std::string>) {
          field = s.get<std::string>(name, field);
          if (key.unit == KeyUnit::path) field = resolve_path(field, base_dir);
        } else {
          field = s.get<T>(name, field);
        }
      },
      key.field);
}

// The entry `name` names, or a refusal at `key` listing the members.
template <class Entry>
const Entry& find_entry(const Section& s, const std::string& key, const std::string& name) {
  if (const Entry* e = Registry<Entry>::find(name)) return *e;
  s.fail(key, fmt::format("must be one of {}; got '{}'", fmt::join(Registry<Entry>::names(), ", "), name));
}

// Refuses every key of the kind that `entry` does not read (null: none of them), naming the
// members that do; `subject` names the choice: "ring (a topology)", "collective auto".
template <class Entry>
void refuse_keys_not_read(const Section& s, const Entry* entry, const std::string& subject) {
  using R = Registry<Entry>;
  for (const Entry& other : R::all())
    for (const auto& key : other.keys)
      if (!(entry && R::reads(*entry, key.name)) && s.has(std::string(key.name)))
        s.fail(std::string(key.name), R::not_read(subject, key.name));
}

// `kind` names the kind in messages: "does not apply to ring (a topology); it is read by …".
template <class Entry, class Spec>
void read_entry_keys(Section& s, const Entry& entry, Spec& spec, std::string_view kind,
                     const std::filesystem::path& base_dir) {
  const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
  refuse_keys_not_read(s, &entry, fmt::format("{} ({} {})", entry.name, vowel ? "an" : "a", kind));
  for (const auto& key : entry.keys) read_key(s, key, spec, base_dir);
}

}  // namespace csgd
