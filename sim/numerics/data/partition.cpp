// Splitting the training rows across N workers. Every random choice comes from
// Rng(seed, stream::partition) in a fixed order, and all arithmetic is sequential, so the
// same inputs give the same lists bit for bit.
#include "csgd/partition.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/partition_registry.hpp"
#include "csgd/random.hpp"

namespace csgd {
namespace {

using Rows = std::vector<std::uint32_t>;
using Lists = std::vector<Rows>;

template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {  // Fisher–Yates with our own generator (portable bits)
  for (std::size_t k = v.size(); k > 1; --k) std::swap(v[k - 1], v[rng.below(k)]);
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Lists iid(std::size_t n, int N) {
  Rows all(n);
  std::iota(all.begin(), all.end(), std::uint32_t{0});
  return Lists(static_cast<std::size_t>(N), all);
}

Lists contiguous(std::size_t n, int N) {
  Lists lists(static_cast<std::size_t>(N));
  for (std::size_t i = 0; i < lists.size(); ++i) {
    const std::size_t begin = i * n / lists.size(), end = (i + 1) * n / lists.size();
    lists[i].resize(end - begin);
    std::iota(lists[i].begin(), lists[i].end(), static_cast<std::uint32_t>(begin));
  }
  return lists;
}

Lists shards(std::span<const double> y, int N, int per_worker, Rng& rng) {
  Rows order(y.size());
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return y[a] < y[b]; });
  const std::size_t count = static_cast<std::size_t>(N) * static_cast<std::size_t>(per_worker), n = y.size();
  std::vector<std::size_t> deal(count);  // deal[j]: the shard that goes to slot j, worker j / per_worker
  std::iota(deal.begin(), deal.end(), std::size_t{0});
  shuffle(deal, rng);
  Lists lists(static_cast<std::size_t>(N));
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t s = deal[j];
    Rows& dst = lists[j / static_cast<std::size_t>(per_worker)];
    dst.insert(dst.end(), order.begin() + static_cast<std::ptrdiff_t>(s * n / count),
               order.begin() + static_cast<std::ptrdiff_t>((s + 1) * n / count));
  }
  return lists;
}

// p ~ Dir(alpha·1_N) from normalised Gamma(alpha) draws, in log space: for small alpha a
// Gamma(alpha) draw underflows to 0 so often that every entry can be 0. Uses the identity
// Gamma(a) = Gamma(a+1)·U^(1/a) that Rng::gamma itself uses for a < 1.
std::vector<double> dirichlet(int N, double alpha, Rng& rng) {
  std::vector<double> logs(static_cast<std::size_t>(N));
  for (double& l : logs) {
    if (alpha >= 1.0) {
      l = std::log(rng.gamma(alpha));
    } else {
      const double g = rng.gamma(alpha + 1.0), u = rng.uniform();
      l = std::log(g) + std::log(u > 0 ? u : 0x1.0p-53) / alpha;
    }
  }
  const double top = *std::max_element(logs.begin(), logs.end());
  double sum = 0;
  for (double& l : logs) sum += (l = std::exp(l - top));
  for (double& l : logs) l /= sum;
  return logs;
}

Lists dirichlet_split(std::span<const std::int32_t> classes, int num_classes, int N, double alpha, Rng& rng) {
  std::vector<Rows> by_class(static_cast<std::size_t>(num_classes));
  for (std::size_t k = 0; k < classes.size(); ++k) {
    if (classes[k] < 0 || classes[k] >= num_classes)
      throw std::invalid_argument("partition_rows: class " + std::to_string(classes[k]) + " of row " +
                                  std::to_string(k) + " is outside [0, num_classes)");
    by_class[static_cast<std::size_t>(classes[k])].push_back(static_cast<std::uint32_t>(k));
  }
  Lists lists(static_cast<std::size_t>(N));
  for (Rows& rows : by_class) {
    shuffle(rows, rng);
    const std::vector<double> p = dirichlet(N, alpha, rng);
    // Worker i takes rows [round(n_c·P_i), round(n_c·P_{i+1})) with P the cumulative sum.
    const double n_c = static_cast<double>(rows.size());
    double cumulative = 0;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < lists.size(); ++i) {
      cumulative += p[i];
      const std::size_t end = i + 1 == lists.size()
                                  ? rows.size()
                                  : std::min(rows.size(), static_cast<std::size_t>(std::llround(n_c * cumulative)));
      if (end > begin)
        lists[i].insert(lists[i].end(), rows.begin() + static_cast<std::ptrdiff_t>(begin),
                        rows.begin() + static_cast<std::ptrdiff_t>(end));
      begin = std::max(begin, end);
    }
  }
  return lists;
}

std::string left(std::size_t worker) { return " left worker " + std::to_string(worker) + " with no rows; "; }

void check_arguments(std::span<const double> y, int N) {
  if (N < 1) throw std::invalid_argument("partition_rows: N must be at least 1");
  if (y.size() > std::numeric_limits<std::uint32_t>::max())
    throw InputError("the training set has more rows than a partition can index (2^32 - 1)");
  if (y.empty()) throw InputError("the training set is empty, so there is nothing to partition");
}

// iid and contiguous only run out of rows when there are more workers than rows.
std::string too_few_rows(const char* scheme, std::size_t worker, std::size_t n, int N) {
  return std::string(scheme) + " partition of " + std::to_string(n) + " rows over " + std::to_string(N) + " workers" +
         left(worker) + "use at most " + std::to_string(n) + " workers";
}

const bool registered = [] {
  PartitionRegistry::add({
      .name = "iid",
      .help = "every worker samples from all rows (identical data: κ = 0)",
      .order = 1,
      .split = [](const PartitionRows& r, int N, const PartitionSpec&, Rng&) { return iid(r.y.size(), N); },
      .check = [](const PartitionRows& r, int N, const PartitionSpec&) {
        // Every worker keeps the full row list and its own shuffled order of it.
        require_fits_in_memory(static_cast<double>(N) * static_cast<double>(r.y.size()) * 2 * sizeof(std::uint32_t),
                               "the iid partition's row lists",
                               fmt::format("{} workers × {} rows × 2 lists × 4 bytes", N, r.y.size()));
      },
      .sizes = [](const PartitionRows& r, int N, const PartitionSpec&) {
        return std::vector<std::size_t>(static_cast<std::size_t>(N), r.y.size());
      },
      .empty_worker = [](std::size_t w, std::size_t n, int N, const PartitionSpec&) { return too_few_rows("iid", w, n, N); },
  });
  PartitionRegistry::add({
      .name = "contiguous",
      .help = "worker i gets rows [i·n/N, (i+1)·n/N) in file order",
      .order = 2,
      .split = [](const PartitionRows& r, int N, const PartitionSpec&, Rng&) { return contiguous(r.y.size(), N); },
      .empty_worker = [](std::size_t w, std::size_t n, int N, const PartitionSpec&) {
        return too_few_rows("contiguous", w, n, N);
      },
  });
  PartitionRegistry::add({
      .name = "shards",
      .help = "rows sorted by label, cut into N·shards_per_worker shards, dealt at random",
      .order = 3,
      .keys = {{"shards_per_worker", &PartitionSpec::shards_per_worker, "shards each worker gets (default 2)"}},
      .split = [](const PartitionRows& r, int N, const PartitionSpec& spec, Rng& rng) {
        return shards(r.y, N, spec.shards_per_worker, rng);
      },
      .check = [](const PartitionRows& r, int N, const PartitionSpec& spec) {
        if (spec.shards_per_worker < 1)
          throw InputError("problem.partition.shards_per_worker must be at least 1, got " +
                           std::to_string(spec.shards_per_worker));
        // Checked before the N·shards_per_worker shards are dealt: each needs a row.
        if (static_cast<double>(N) * spec.shards_per_worker > static_cast<double>(r.y.size()))
          throw InputError(fmt::format("problem.partition.shards_per_worker: {} workers × {} shards need at least {:.0f} "
                                       "rows, but the training set has {}; lower shards_per_worker or use fewer workers",
                                       N, spec.shards_per_worker,
                                       static_cast<double>(N) * spec.shards_per_worker, r.y.size()));
      },
      .empty_worker = [](std::size_t w, std::size_t n, int N, const PartitionSpec& spec) {
        return "shards partition of " + std::to_string(n) + " rows into " + std::to_string(N) + "x" +
               std::to_string(spec.shards_per_worker) + " shards" + left(w) +
               "lower problem.partition.shards_per_worker or use fewer workers";
      },
  });
  PartitionRegistry::add({
      .name = "dirichlet",
      .help = "each class's rows split by proportions p ~ Dir(alpha·1_N): label skew, smaller alpha = more",
      .order = 4,
      .keys = {{"alpha", &PartitionSpec::alpha, "Dirichlet concentration (default 0.5)"}},
      .split = [](const PartitionRows& r, int N, const PartitionSpec& spec, Rng& rng) {
        return dirichlet_split(r.classes, r.num_classes, N, spec.alpha, rng);
      },
      .check = [](const PartitionRows& r, int, const PartitionSpec& spec) {
        if (!(spec.alpha > 0) || !std::isfinite(spec.alpha))
          throw InputError("problem.partition.alpha must be a positive number, got " + number(spec.alpha));
        if (r.classes.empty())
          throw InputError(
              "the dirichlet partition needs class labels, but the dataset's targets are not classes "
              "(not all integers, or more than 1000 distinct values); use iid, contiguous or shards");
        if (r.classes.size() != r.y.size()) throw std::invalid_argument("partition_rows: classes and y differ in length");
      },
      .empty_worker = [](std::size_t w, std::size_t, int, const PartitionSpec& spec) {
        return "dirichlet partition with alpha=" + number(spec.alpha) + left(w) +
               "raise problem.partition.alpha or use fewer workers";
      },
  });
  return true;
}();

const PartitionEntry& checked_entry(std::span<const double> y, int N, const PartitionSpec& spec) {
  check_arguments(y, N);
  const PartitionEntry* entry = PartitionRegistry::find(spec.scheme.name);
  if (!entry) throw ValidationError("partition", fmt::format("unknown partition scheme '{}'", spec.scheme.name));
  return *entry;
}

}  // namespace

std::vector<std::vector<std::uint32_t>> partition_rows(std::span<const double> y, std::span<const std::int32_t> classes,
                                                       int num_classes, int N, const PartitionSpec& spec,
                                                       std::uint64_t seed) {
  const PartitionEntry& entry = checked_entry(y, N, spec);
  const PartitionRows rows{y, classes, num_classes};
  if (entry.check) entry.check(rows, N, spec);
  Rng rng(seed, stream::partition);
  Lists lists = entry.split(rows, N, spec, rng);
  for (std::size_t i = 0; i < lists.size(); ++i)
    if (lists[i].empty()) throw InputError(entry.empty_worker(i, y.size(), N, spec));
  for (Rows& rows_of_worker : lists)
    if (!std::is_sorted(rows_of_worker.begin(), rows_of_worker.end()))
      std::sort(rows_of_worker.begin(), rows_of_worker.end());
  return lists;
}

std::vector<std::size_t> partition_sizes(std::span<const double> y, std::span<const std::int32_t> classes,
                                         int num_classes, int N, const PartitionSpec& spec, std::uint64_t seed) {
  const PartitionEntry& entry = checked_entry(y, N, spec);
  std::vector<std::size_t> sizes;
  if (entry.sizes) {
    sizes = entry.sizes({y, classes, num_classes}, N, spec);
    for (std::size_t i = 0; i < sizes.size(); ++i)
      if (sizes[i] == 0) throw InputError(entry.empty_worker(i, y.size(), N, spec));
    return sizes;
  }
  for (const Rows& rows : partition_rows(y, classes, num_classes, N, spec, seed)) sizes.push_back(rows.size());
  return sizes;
}

PartitionScheme parse_partition_scheme(const std::string& name) {
  if (const PartitionEntry* e = PartitionRegistry::find(name)) return PartitionScheme{e->name};
  throw ValidationError("partition", fmt::format("must be one of {}", fmt::join(PartitionRegistry::names(), ", ")));
}

const char* to_string(PartitionScheme s) { return s.name.data(); }  // names are string literals

}  // namespace csgd
