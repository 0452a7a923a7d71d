// The learning-rate schedules (one registry entry each) and the linear warm-up they share.
#include <algorithm>
#include <cmath>

#include "csgd/lr_schedule_registry.hpp"

namespace csgd {
namespace {

const Key<LrSpec> kInitial{"initial", &LrSpec::initial, "γ (default 0.1); `lr: 0.1` is short for {initial: 0.1}"};

const bool registered = [] {
  LrScheduleRegistry::add({
      .name = "constant",
      .help = "γ = initial throughout",
      .order = 1,
      .keys = {kInitial},
      .gamma = [](const LrSpec& lr, std::int64_t, double, std::int64_t, int) { return lr.initial; },
  });
  LrScheduleRegistry::add({
      .name = "step",
      .help = "γ = initial, multiplied by factor at each milestone reached (epochs or iterations)",
      .order = 2,
      .keys = {kInitial,
               {"milestones_epochs", &LrSpec::milestones_epochs, "epochs at which γ is multiplied by factor"},
               {"milestones_iterations", &LrSpec::milestones_iterations, "the same, counted in iterations"},
               {"factor", &LrSpec::factor, "multiplier at each milestone (default 0.1)"}},
      .gamma = [](const LrSpec& lr, std::int64_t t, double iterations_per_epoch, std::int64_t, int) {
        double gamma = lr.initial;
        const double epoch_before = iterations_per_epoch > 0 ? static_cast<double>(t - 1) / iterations_per_epoch : 0.0;
        for (double e : lr.milestones_epochs)
          if (epoch_before >= e) gamma *= lr.factor;
        for (std::int64_t k : lr.milestones_iterations)
          if (t > k) gamma *= lr.factor;
        return gamma;
      },
  });
  LrScheduleRegistry::add({
      .name = "theory",
      .help = "γ = scale·√(N/T), the step size of Corollaries 1–3",
      .order = 3,
      .keys = {{"scale", &LrSpec::scale, "multiplier of √(N/T) (default 1, as in the corollaries)"}},
      .gamma = [](const LrSpec& lr, std::int64_t, double, std::int64_t T, int N) {
        return lr.scale * std::sqrt(static_cast<double>(N) / static_cast<double>(T));  // Corollaries 1–3
      },
  });
  return true;
}();

}  // namespace

double learning_rate(const LrSpec& lr, std::int64_t t, double iterations_per_epoch, std::int64_t T, int N) {
  double gamma = LrScheduleRegistry::find(lr.schedule)->gamma(lr, t, iterations_per_epoch, T, N);
  // Linear warm-up: iteration t of a warm-up of W iterations runs at t/W of the rate (W in
  // iterations or in epochs; validate() refuses both).
  double warmup = static_cast<double>(lr.warmup_iterations);
  if (lr.warmup_epochs > 0 && iterations_per_epoch > 0) warmup = lr.warmup_epochs * iterations_per_epoch;
  if (warmup > 0 && static_cast<double>(t) < warmup) gamma *= static_cast<double>(t) / warmup;
  return gamma;
}

}  // namespace csgd
