#pragma once
// The learning-rate schedules, one registry entry each (algorithm.lr.schedule), in
// sim/numerics/algorithms/learning_rate.cpp. Every schedule takes the linear warm-up keys.
#include <cstdint>
#include <string_view>
#include <vector>

#include "csgd/algorithm.hpp"
#include "csgd/registry.hpp"

namespace csgd {

struct LrScheduleEntry {
  std::string_view name;
  std::string_view help;          // one line: --help and the README
  int order = 0;                  // documented order (constant first)
  std::vector<Key<LrSpec>> keys;  // keys under algorithm.lr besides schedule and warm-up
  // γ for iteration t (1-based) of T before warm-up; `iterations_per_epoch` is 0 without epochs.
  double (*gamma)(const LrSpec& lr, std::int64_t t, double iterations_per_epoch, std::int64_t T, int N) = nullptr;
};

using LrScheduleRegistry = Registry<LrScheduleEntry>;

}  // namespace csgd
