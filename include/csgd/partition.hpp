#pragma once
// How the training set is split across the N workers (what makes κ zero or not).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace csgd {

// How rows are dealt: the name of a PartitionRegistry entry (csgd/partition_registry.hpp). The
// constants name the built-in schemes.
struct PartitionScheme {
  std::string_view name = "iid";

  static const PartitionScheme iid, contiguous, shards, dirichlet;
  friend bool operator==(const PartitionScheme&, const PartitionScheme&) = default;
};
inline const PartitionScheme PartitionScheme::iid{"iid"};
inline const PartitionScheme PartitionScheme::contiguous{"contiguous"};
inline const PartitionScheme PartitionScheme::shards{"shards"};
inline const PartitionScheme PartitionScheme::dirichlet{"dirichlet"};

struct PartitionSpec {
  PartitionScheme scheme;
  double alpha = 0.5;         // dirichlet concentration (smaller = more label skew)
  int shards_per_worker = 2;  // shards
};

// Row indices of each worker's local set, each list sorted ascending.
// iid: every worker gets all n rows (the identical-data case κ = 0 of the paper).
// contiguous: worker i gets rows [i·n/N, (i+1)·n/N) in file order.
// shards: rows sorted by label (stable), cut into N·shards_per_worker equal shards, dealt by a
//   seeded permutation.
// dirichlet: for each class c, proportions p ~ Dir(alpha·1_N) split that class's rows.
// Throws InputError when a worker would be left with no rows.
// `y` are the raw labels/targets (shards sorts by them); `classes` the class of each row (empty
// for regression data: dirichlet then throws InputError).
std::vector<std::vector<std::uint32_t>> partition_rows(std::span<const double> y,
                                                       std::span<const std::int32_t> classes, int num_classes,
                                                       int N, const PartitionSpec& spec, std::uint64_t seed);

// The size of each worker's list as partition_rows would make it (the same draws, the same
// refusals), without keeping the lists where they would be large: what --timing-only needs.
std::vector<std::size_t> partition_sizes(std::span<const double> y, std::span<const std::int32_t> classes,
                                         int num_classes, int N, const PartitionSpec& spec, std::uint64_t seed);
PartitionScheme parse_partition_scheme(const std::string& name);  // throws ValidationError
const char* to_string(PartitionScheme s);

}  // namespace csgd
