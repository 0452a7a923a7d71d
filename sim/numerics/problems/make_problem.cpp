// make_problem(): the synthetic problem, or a dataset (loaded once per process) split across the
// N workers and wrapped around the model.
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <string>

#include <fmt/ranges.h>
#include <variant>

#include "csgd/dataset_registry.hpp"
#include "csgd/model_registry.hpp"
#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/problem.hpp"
#include "numerics/problems/data_problem.hpp"
#include "numerics/problems/synthetic_problem.hpp"

namespace csgd {
namespace {

// Everything that decides the loaded data; the seed only matters for generated data.
template <class S>
std::string dataset_key(const DatasetSpec& d, std::uint64_t seed) {
  std::string key = fmt::format("{}|{}", sizeof(S) == sizeof(float) ? "f32" : "f64", d.name);
  const DatasetEntry& entry = *DatasetRegistry::find(d.name);  // validate() checked the name
  for (const auto& k : entry.keys)
    std::visit([&](auto member) { key += fmt::format("|{}={}", k.name, d.*member); }, k.field);
  if (entry.seeded) key += fmt::format("|seed={}", seed);
  return key;
}

// Process-wide: a sweep of many runs over one dataset reads the files once. The lock is held while
// loading, so concurrent requests for the same data wait instead of loading it twice.
std::mutex g_cache_mutex;
template <class S> std::map<std::string, TrainTest<S>> g_cache;

template <class S>
TrainTest<S> cached_dataset(const DatasetSpec& spec, std::uint64_t seed) {
  auto& cache = g_cache<S>;
  const std::string key = dataset_key<S>(spec, seed);
  const std::lock_guard lock(g_cache_mutex);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, load_dataset<S>(spec, seed)).first;
  return it->second;
}

// The model entry of a checked spec for N ≥ 1 workers.
const ModelEntry& checked_entry(const ProblemSpec& spec, int N) {
  spec.validate();
  if (N < 1) throw InputError(fmt::format("the number of workers must be >= 1, got {}", N));
  return *ModelRegistry::find(spec.model);  // validate() checked the name
}

template <class S>
std::unique_ptr<Problem<S>> make_synthetic(const ModelEntry& entry, const ProblemSpec& spec, int N, std::uint64_t seed) {
  // The synthetic problem keeps every worker's b_i (built in double, stored in S).
  require_fits_in_memory(static_cast<double>(N) * spec.dimension * static_cast<double>(sizeof(double) + sizeof(S)),
                         "the synthetic problem's b_i",
                         fmt::format("{} workers × dimension {} × {} bytes", N, spec.dimension, sizeof(double) + sizeof(S)));
  if constexpr (std::is_same_v<S, float>) return entry.problem_float(spec, N, seed);
  else return entry.problem_double(spec, N, seed);
}

}  // namespace

void release_dataset_cache() {
  const std::lock_guard lock(g_cache_mutex);
  g_cache<float>.clear();
  g_cache<double>.clear();
}

template <class S>
std::unique_ptr<Problem<S>> make_problem(const ProblemSpec& spec, int N, std::uint64_t seed, const RankTeam* team) {
  const ModelEntry& entry = checked_entry(spec, N);
  if (!entry.data()) return make_synthetic<S>(entry, spec, N, seed);
  // Over a team the problem keeps only its rank's rows, compacting its own copy in place (the
  // cache's copy is shared, so compacting it would need a second one).
  TrainTest<S> data = team && team->size() > 1 ? load_dataset<S>(spec.dataset, seed) : cached_dataset<S>(spec.dataset, seed);
  const Dataset<S>& train = *data.train;
  auto partitions = partition_rows(train.y, train.classes, train.num_classes(), N, spec.partition, seed);
  return make_data_problem<S>(spec, std::move(data), std::move(partitions), seed, team);
}

template <class S>
std::unique_ptr<Problem<S>> make_problem_shape(const ProblemSpec& spec, int N, std::uint64_t seed) {
  const ModelEntry& entry = checked_entry(spec, N);
  if (!entry.data()) return make_synthetic<S>(entry, spec, N, seed);  // small: N·dimension numbers
  const TrainTest<S> data = cached_dataset<S>(spec.dataset, seed);
  const Dataset<S>& train = *data.train;
  const auto sizes = partition_sizes(train.y, train.classes, train.num_classes(), N, spec.partition, seed);
  return make_data_problem_shape<S>(spec, data, sizes, seed);
}

template std::unique_ptr<Problem<float>> make_problem_shape<float>(const ProblemSpec&, int, std::uint64_t);
template std::unique_ptr<Problem<double>> make_problem_shape<double>(const ProblemSpec&, int, std::uint64_t);

template std::unique_ptr<Problem<float>> make_problem<float>(const ProblemSpec&, int, std::uint64_t, const RankTeam*);
template std::unique_ptr<Problem<double>> make_problem<double>(const ProblemSpec&, int, std::uint64_t, const RankTeam*);

}  // namespace csgd
