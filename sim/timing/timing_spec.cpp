// validate() of the timing settings. Field names are YAML key paths relative to `timing`.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/timing.hpp"

namespace csgd {
namespace {

void require_positive(double value, const char* field) {
  if (!std::isfinite(value) || value <= 0)
    throw ValidationError(field, fmt::format("must be a positive finite number, got {}", value));
}

void require_non_negative(double value, const char* field) {
  if (!std::isfinite(value) || value < 0)
    throw ValidationError(field, fmt::format("must be a finite number ≥ 0, got {}", value));
}

}  // namespace

void ComputeSpec::validate() const {
  if (step_time_s) require_non_negative(*step_time_s, "compute.step_time");
  require_positive(device_flops, "compute.device_flops");
}

void NetworkSpec::validate() const {
  if (model != "analytic") throw ValidationError("network.model", fmt::format("must be analytic, got '{}'", model));
  require_non_negative(latency_s, "network.latency");
  require_positive(bandwidth_Bps, "network.bandwidth");
  if (collective != "ring")
    throw ValidationError("network.collective", fmt::format("must be ring, got '{}'", collective));
}

void TimingSpec::validate() const {
  compute.validate();
  network.validate();
  if (model_bytes) require_positive(*model_bytes, "model_bytes");
}

}  // namespace csgd
