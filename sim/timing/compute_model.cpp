// Per-worker step times: base time × speed factor × jitter × straggler slowdown.
#include <cmath>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/timing.hpp"
#include "csgd/units.hpp"

namespace csgd {

ComputeModel::ComputeModel(const ComputeSpec& spec, const ClockSetup& setup)
    : spec_(spec), measured_step_s_(setup.measured_step_s) {
  if (!spec_.speed_factors.empty() && spec_.speed_factors.size() != static_cast<std::size_t>(setup.N))
    throw ValidationError("compute.speed_factors",
                          fmt::format("has {} entries for {} workers", spec_.speed_factors.size(), setup.N));
  rngs_.reserve(static_cast<std::size_t>(setup.N));
  for (int i = 0; i < setup.N; ++i) rngs_.emplace_back(setup.seed, stream::compute(i));
}

double ComputeModel::step_seconds(int worker, double gradient_flops) {
  const auto k = static_cast<std::size_t>(worker);
  double s = spec_.step_time_s       ? *spec_.step_time_s
             : spec_.measured_factor ? measured_step_s_ * *spec_.measured_factor
                                     : gradient_flops / spec_.device_flops;
  if (!spec_.speed_factors.empty()) s *= spec_.speed_factors[k];
  Rng& rng = rngs_[k];
  if (spec_.jitter > 0) s *= std::exp(spec_.jitter * rng.normal() - 0.5 * spec_.jitter * spec_.jitter);
  if (spec_.straggler_probability > 0 && rng.uniform() < spec_.straggler_probability) s *= spec_.straggler_slowdown;
  return s;
}

std::string ComputeModel::describe() const {
  std::string base = spec_.step_time_s       ? format_duration(*spec_.step_time_s) + " per step"
                     : spec_.measured_factor ? fmt::format("measured step ({}) × {}", format_duration(measured_step_s_),
                                                           *spec_.measured_factor)
                                             : "gradient FLOPs at " + format_flop_rate(spec_.device_flops);
  if (!spec_.speed_factors.empty()) base += ", per-worker speed factors";
  if (spec_.jitter > 0) base += fmt::format(", lognormal jitter σ = {}", spec_.jitter);
  if (spec_.straggler_probability > 0)
    base += fmt::format(", stragglers p = {} × {}", spec_.straggler_probability, spec_.straggler_slowdown);
  return base;
}

}  // namespace csgd
