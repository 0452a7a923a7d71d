#pragma once
// One registry entry per member of a kind (a topology, an algorithm, a collective, a mixing
// graph): its name, the YAML keys it reads with their defaults and units, and its help line, all
// in the file that implements it. The config reader, --help, `csgd topo` and the "does not apply"
// and "did you mean" messages read the registries, so a new member is one new file (plus its line
// in meson.build, its test and its README line).
//
// Entries add themselves at static-initialisation time:
//   const bool registered = Registry<TopologyEntry>::add({.name = "ring", ...});
// which is why the programs link every layer library whole (meson.build).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace csgd {

// How a key's YAML value is written: a plain value, a quantity with units, or a file path
// (relative paths resolve against the experiment file's folder).
enum class KeyUnit { plain, duration, bandwidth, path };

// One YAML key of a kind member, stored into a field of its settings struct `Spec`.
template <class Spec>
struct Key {
  using Field = std::variant<bool Spec::*, int Spec::*, std::int64_t Spec::*, double Spec::*, std::string Spec::*,
                             std::vector<int> Spec::*, std::vector<std::int64_t> Spec::*, std::vector<double> Spec::*>;
  std::string_view name;
  Field field;
  std::string_view help;  // meaning, units and what the default means, for --help and the README
  KeyUnit unit = KeyUnit::plain;
};

// The members of one kind, kept in name order, or in `order` where the entry type has that field
// (static initialisation order is unspecified, so the registry sorts).
// `Entry` has a `std::string_view name` and a `std::vector<Key<...>> keys`.
template <class Entry>
class Registry {
 public:
  static bool add(Entry entry) {
    auto& all = storage();
    all.insert(std::upper_bound(all.begin(), all.end(), entry, before), std::move(entry));
    return true;
  }
  static const Entry* find(std::string_view name) {
    for (const Entry& e : storage())
      if (e.name == name) return &e;
    return nullptr;
  }
  static std::span<const Entry> all() { return storage(); }
  static std::vector<std::string_view> names() {
    std::vector<std::string_view> out;
    for (const Entry& e : storage()) out.push_back(e.name);
    return out;
  }
  // The members that read `key`, e.g. {"fat-tree", "leaf-spine"} for "oversubscription".
  static std::vector<std::string_view> members_reading(std::string_view key) {
    std::vector<std::string_view> out;
    for (const Entry& e : storage())
      if (reads(e, key)) out.push_back(e.name);
    return out;
  }
  static bool reads(const Entry& e, std::string_view key) {
    return std::any_of(e.keys.begin(), e.keys.end(), [&](const auto& k) { return k.name == key; });
  }
  // The refusal of a key that `subject` does not read: "does not apply to ring (a topology); it is
  // read by fat-tree, leaf-spine".
  static std::string not_read(std::string_view subject, std::string_view key) {
    std::string readers;
    for (std::string_view m : members_reading(key)) readers.append(readers.empty() ? "" : ", ").append(m);
    return "does not apply to " + std::string(subject) + "; it is read by " + readers;
  }

 private:
  // Entries with an `order` field keep the order they are documented in; others sort by name.
  static bool before(const Entry& a, const Entry& b) {
    if constexpr (requires { a.order; }) {
      if (a.order != b.order) return a.order < b.order;
    }
    return a.name < b.name;
  }
  static std::vector<Entry>& storage() {
    static std::vector<Entry> entries;
    return entries;
  }
};

}  // namespace csgd
