#include <algorithm>
#include <cmath>

#include "csgd/algorithm.hpp"

namespace csgd {

double learning_rate(const LrSpec& lr, std::int64_t t, double iterations_per_epoch, std::int64_t T, int N) {
  double gamma = lr.initial;
  if (lr.schedule == "theory") {
    gamma = lr.scale * std::sqrt(static_cast<double>(N) / static_cast<double>(T));  // Corollaries 1–3
  } else if (lr.schedule == "step") {
    const double epoch_before = iterations_per_epoch > 0 ? static_cast<double>(t - 1) / iterations_per_epoch : 0.0;
    for (double e : lr.milestones_epochs)
      if (epoch_before >= e) gamma *= lr.factor;
    for (std::int64_t k : lr.milestones_iterations)
      if (t > k) gamma *= lr.factor;
  }
  // Linear warm-up: iteration t of a warm-up of W iterations runs at t/W of the rate.
  double warmup = static_cast<double>(lr.warmup_iterations);
  if (lr.warmup_epochs > 0 && iterations_per_epoch > 0) warmup = std::max(warmup, lr.warmup_epochs * iterations_per_epoch);
  if (warmup > 0 && static_cast<double>(t) < warmup) gamma *= static_cast<double>(t) / warmup;
  return gamma;
}

}  // namespace csgd
