// validate() of the timing settings. Field names are YAML key paths relative to `timing`.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "csgd/collective.hpp"
#include "csgd/require.hpp"
#include "csgd/timing.hpp"

namespace csgd {

void ComputeSpec::validate() const {
  if (step_time_s) require_non_negative("compute.step_time", *step_time_s);
  require_positive("compute.device_flops", device_flops);
  if (measured_factor) require_positive("compute.measured_factor", *measured_factor);
  for (double f : speed_factors) require_positive("compute.speed_factors", f);
  require_non_negative("compute.jitter", jitter);
  if (!(straggler_probability >= 0 && straggler_probability <= 1))
    throw ValidationError("compute.stragglers.probability", fmt::format("must be in [0, 1], got {}", straggler_probability));
  if (!std::isfinite(straggler_slowdown) || straggler_slowdown < 1)
    throw ValidationError("compute.stragglers.slowdown", fmt::format("must be ≥ 1, got {}", straggler_slowdown));
}

void NetworkSpec::validate() const {
  if (model != "analytic" && model != "flow")
    throw ValidationError("network.model", fmt::format("must be analytic or flow, got '{}'", model));
  require_non_negative("network.latency", latency_s);
  require_positive("network.bandwidth", bandwidth_Bps);
  if (collective != "auto") {
    try {
      parse_collective(collective);
    } catch (const ValidationError& e) {
      throw ValidationError("network.collective", e.what());
    }
  }
  if (servers < 1) throw ValidationError("network.servers", fmt::format("must be ≥ 1, got {}", servers));
  if (!(sharing.tcp_window_bytes > 0) || !std::isfinite(sharing.tcp_window_bytes))
    throw ValidationError("network.tcp_window", fmt::format("must be a positive size, got {}", sharing.tcp_window_bytes));
  if (model == "flow") {
    try {
      topology.validate();
    } catch (const ValidationError& e) {
      throw ValidationError("network.topology." + e.field(), e.what());
    }
  }
}

void TimingSpec::validate() const {
  compute.validate();
  network.validate();
  if (model_bytes) require_positive("model_bytes", *model_bytes);
}

}  // namespace csgd
