#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/partition.hpp"
#include "csgd/random.hpp"
#include "support/scoped_env.hpp"

using csgd::PartitionScheme;
using csgd::PartitionSpec;
using Lists = std::vector<std::vector<std::uint32_t>>;

namespace {

// Labels 0..C-1, `per_class` rows each; sorted (class blocks) or shuffled.
struct Labels {
  std::vector<double> y;
  std::vector<std::int32_t> classes;
  int num_classes = 0;
};

Labels make_labels(int num_classes, int per_class, bool shuffled) {
  Labels l;
  l.num_classes = num_classes;
  for (int c = 0; c < num_classes; ++c) l.classes.insert(l.classes.end(), static_cast<std::size_t>(per_class), c);
  if (shuffled) {
    csgd::Rng rng(123, 0);
    for (std::size_t k = l.classes.size(); k > 1; --k) std::swap(l.classes[k - 1], l.classes[rng.below(k)]);
  }
  l.y.assign(l.classes.begin(), l.classes.end());
  return l;
}

PartitionSpec spec_of(PartitionScheme scheme, double alpha = 0.5, int shards_per_worker = 2) {
  PartitionSpec s;
  s.scheme = scheme;
  s.alpha = alpha;
  s.shards_per_worker = shards_per_worker;
  return s;
}

Lists partition(const Labels& l, int N, const PartitionSpec& spec, std::uint64_t seed = 1) {
  return csgd::partition_rows(l.y, l.classes, l.num_classes, N, spec, seed);
}

// Each row 0..n-1 appears in exactly one list, and every list is sorted ascending.
void check_exact_cover(const Lists& lists, std::size_t n) {
  std::vector<int> seen(n, 0);
  for (const auto& rows : lists) {
    CHECK(std::is_sorted(rows.begin(), rows.end()));
    for (const auto r : rows) {
      REQUIRE(r < n);
      ++seen[r];
    }
  }
  CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<std::ptrdiff_t>(n));
}

// Mean over workers of the largest share one class has in that worker's rows (1 = one class only).
double mean_top_class_share(const Lists& lists, const Labels& l) {
  double total = 0;
  for (const auto& rows : lists) {
    std::vector<int> counts(static_cast<std::size_t>(l.num_classes), 0);
    for (const auto r : rows) ++counts[static_cast<std::size_t>(l.classes[r])];
    total += *std::max_element(counts.begin(), counts.end()) / static_cast<double>(rows.size());
  }
  return total / static_cast<double>(lists.size());
}

std::string input_error(const Labels& l, int N, const PartitionSpec& spec) {
  try {
    partition(l, N, spec);
  } catch (const csgd::InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("iid gives every worker all rows in order") {
  const Labels l = make_labels(3, 5, true);
  const Lists lists = partition(l, 4, spec_of(PartitionScheme::iid));
  REQUIRE(lists.size() == 4);
  std::vector<std::uint32_t> all(15);
  for (std::uint32_t k = 0; k < 15; ++k) all[k] = k;
  for (const auto& rows : lists) CHECK(rows == all);
}

TEST_CASE("contiguous gives worker i the rows from i*n/N up to (i+1)*n/N") {
  const Labels l = make_labels(2, 5, false);  // n = 10
  const Lists lists = partition(l, 3, spec_of(PartitionScheme::contiguous));
  REQUIRE(lists.size() == 3);
  CHECK(lists[0] == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(lists[1] == std::vector<std::uint32_t>{3, 4, 5});
  CHECK(lists[2] == std::vector<std::uint32_t>{6, 7, 8, 9});
}

TEST_CASE("shards give each worker at most shards_per_worker distinct labels and cover every row once") {
  for (const bool shuffled : {false, true}) {
    CAPTURE(shuffled);
    const Labels l = make_labels(10, 100, shuffled);
    for (const int per_worker : {1, 2}) {
      CAPTURE(per_worker);
      const int N = 10 / per_worker;  // N·per_worker = 10 shards of exactly one label each
      const Lists lists = partition(l, N, spec_of(PartitionScheme::shards, 0.5, per_worker));
      REQUIRE(lists.size() == static_cast<std::size_t>(N));
      check_exact_cover(lists, l.y.size());
      for (const auto& rows : lists) {
        std::set<double> labels;
        for (const auto r : rows) labels.insert(l.y[r]);
        CHECK(labels.size() <= static_cast<std::size_t>(per_worker));
        CHECK(rows.size() == static_cast<std::size_t>(100 * per_worker));
      }
    }
  }
}

TEST_CASE("shards are dealt by the seed: another seed deals them to other workers") {
  const Labels l = make_labels(10, 20, true);
  const auto spec = spec_of(PartitionScheme::shards, 0.5, 2);
  CHECK(partition(l, 5, spec, 7) == partition(l, 5, spec, 7));
  CHECK(partition(l, 5, spec, 7) != partition(l, 5, spec, 8));
}

TEST_CASE("dirichlet covers every row exactly once") {
  const Labels l = make_labels(10, 300, true);
  for (const double alpha : {0.1, 1.0, 100.0}) {
    CAPTURE(alpha);
    const Lists lists = partition(l, 8, spec_of(PartitionScheme::dirichlet, alpha));
    REQUIRE(lists.size() == 8);
    check_exact_cover(lists, l.y.size());
  }
}

TEST_CASE("dirichlet with small alpha skews labels more than with large alpha") {
  const Labels l = make_labels(10, 1000, true);
  const double skewed = mean_top_class_share(partition(l, 10, spec_of(PartitionScheme::dirichlet, 0.1)), l);
  const double even = mean_top_class_share(partition(l, 10, spec_of(PartitionScheme::dirichlet, 100.0)), l);
  MESSAGE("mean top-class share: alpha=0.1 -> " << skewed << ", alpha=100 -> " << even);
  CHECK(skewed > 0.4);  // a few classes dominate each worker
  CHECK(even < 0.15);   // close to the uniform 0.1
  CHECK(skewed > even + 0.2);
}

TEST_CASE("dirichlet partitions are identical for one seed and differ for another") {
  const Labels l = make_labels(5, 200, true);
  const auto spec = spec_of(PartitionScheme::dirichlet, 0.5);
  CHECK(partition(l, 6, spec, 42) == partition(l, 6, spec, 42));
  CHECK(partition(l, 6, spec, 42) != partition(l, 6, spec, 43));
}

TEST_CASE("dirichlet with a tiny alpha gives each class to a single worker") {
  // Gamma(1e-3) draws underflow to zero; the proportions must still be valid (near one-hot).
  const Labels l = make_labels(40, 5, true);
  const Lists lists = partition(l, 2, spec_of(PartitionScheme::dirichlet, 1e-3), 3);
  REQUIRE(lists.size() == 2);
  check_exact_cover(lists, l.y.size());
  for (const auto& rows : lists) {
    std::vector<int> counts(40, 0);
    for (const auto r : rows) ++counts[static_cast<std::size_t>(l.classes[r])];
    for (const int c : counts) CHECK((c == 0 || c == 5));
  }
}

TEST_CASE("a worker left with no rows is an InputError saying which worker and what to change") {
  SUBCASE("dirichlet with a tiny alpha") {
    const Labels l = make_labels(2, 50, true);
    const std::string msg = input_error(l, 10, spec_of(PartitionScheme::dirichlet, 0.01));
    CHECK(contains(msg, "dirichlet partition with alpha=0.01 left worker"));
    CHECK(contains(msg, "raise problem.partition.alpha or use fewer workers"));
  }
  SUBCASE("contiguous with more workers than rows") {
    const Labels l = make_labels(1, 3, false);
    const std::string msg = input_error(l, 4, spec_of(PartitionScheme::contiguous));
    CHECK(contains(msg, "left worker 0 with no rows"));
    CHECK(contains(msg, "use at most 3 workers"));
  }
  SUBCASE("shards with more shards than rows, refused before dealing") {
    const Labels l = make_labels(1, 2, false);  // 3 shards of 2 rows: one shard would be empty
    const std::string msg = input_error(l, 3, spec_of(PartitionScheme::shards, 0.5, 1));
    CHECK(contains(msg, "3 workers × 1 shards need at least 3 rows, but the training set has 2"));
    CHECK(contains(msg, "problem.partition.shards_per_worker"));
  }
}

TEST_CASE("partition sizes are the lists' sizes for every scheme, and iid's need no list") {
  const Labels l = make_labels(4, 30, true);
  for (const PartitionScheme scheme :
       {PartitionScheme::iid, PartitionScheme::contiguous, PartitionScheme::shards, PartitionScheme::dirichlet}) {
    CAPTURE(scheme.name);
    const Lists lists = partition(l, 7, spec_of(scheme, 2.0, 2), 5);
    const std::vector<std::size_t> sizes = csgd::partition_sizes(l.y, l.classes, l.num_classes, 7, spec_of(scheme, 2.0, 2), 5);
    REQUIRE(sizes.size() == lists.size());
    for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == lists[i].size());
  }
  // iid lists of 2^20 workers × 120 rows would need about 1 GB, refused under a 64 MiB limit;
  // their sizes are one number per worker.
  const csgd::testing::ScopedEnv limit("CSGD_MEMORY_LIMIT", "64MiB");
  CHECK_THROWS_AS(partition(l, 1 << 20, spec_of(PartitionScheme::iid)), csgd::InputError);
  const std::vector<std::size_t> sizes = csgd::partition_sizes(l.y, l.classes, l.num_classes, 1 << 20, spec_of(PartitionScheme::iid), 5);
  CHECK(sizes.size() == std::size_t{1} << 20);
  CHECK(sizes.back() == 120);
  // The same refusals as the lists: an empty worker names the worker and what to change.
  CHECK_THROWS_AS(csgd::partition_sizes(l.y, l.classes, l.num_classes, 200, spec_of(PartitionScheme::contiguous), 5),
                  csgd::InputError);
}

TEST_CASE("dirichlet on regression targets (no classes) is refused") {
  const std::vector<double> y{0.5, 1.5, 2.5};
  const std::string msg = [&] {
    try {
      csgd::partition_rows(y, {}, 0, 2, spec_of(PartitionScheme::dirichlet), 1);
    } catch (const csgd::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  CHECK(contains(msg, "needs class labels"));
}

TEST_CASE("partition scheme names round-trip and unknown names are a ValidationError on partition") {
  for (const auto s :
       {PartitionScheme::iid, PartitionScheme::contiguous, PartitionScheme::shards, PartitionScheme::dirichlet}) {
    CHECK(csgd::parse_partition_scheme(csgd::to_string(s)) == s);
  }
  CHECK(std::string(csgd::to_string(PartitionScheme::dirichlet)) == "dirichlet");
  try {
    csgd::parse_partition_scheme("random");
    FAIL("an unknown scheme was accepted");
  } catch (const csgd::ValidationError& e) {
    CHECK(e.field() == "partition");
    CHECK(std::string(e.what()) == "must be one of iid, contiguous, shards, dirichlet");
  }
}
