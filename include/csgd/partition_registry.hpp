#pragma once
// The partition schemes, one registry entry each (problem.partition.scheme), in
// sim/numerics/data/partition.cpp.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "csgd/partition.hpp"
#include "csgd/random.hpp"
#include "csgd/registry.hpp"

namespace csgd {

// The training rows a scheme splits: raw targets and, for classification, each row's class.
struct PartitionRows {
  std::span<const double> y;
  std::span<const std::int32_t> classes;  // empty for regression data
  int num_classes = 0;
};

struct PartitionEntry {
  std::string_view name;
  std::string_view help;                 // one line: --help and the README
  int order = 0;                         // documented order (iid first)
  std::vector<Key<PartitionSpec>> keys;  // keys under problem.partition besides scheme
  // The N workers' row lists (need not be sorted); every draw from `rng`, in a fixed order.
  std::vector<std::vector<std::uint32_t>> (*split)(const PartitionRows& rows, int N, const PartitionSpec& spec,
                                                   Rng& rng) = nullptr;
  // Refuses (InputError) data or settings this scheme cannot split, before splitting.
  void (*check)(const PartitionRows& rows, int N, const PartitionSpec& spec) = nullptr;
  // The N workers' row counts where the lists themselves would be large (iid: N copies of all n
  // rows), without `check` (which concerns the lists); nullptr: split, then count.
  std::vector<std::size_t> (*sizes)(const PartitionRows& rows, int N, const PartitionSpec& spec) = nullptr;
  // The message when a worker is left with no rows: what happened and what to change.
  std::string (*empty_worker)(std::size_t worker, std::size_t n, int N, const PartitionSpec& spec) = nullptr;
};

using PartitionRegistry = Registry<PartitionEntry>;

}  // namespace csgd
