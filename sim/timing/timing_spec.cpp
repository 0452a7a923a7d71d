// validate() of the timing settings. Field names are YAML key paths relative to `timing`.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "csgd/collective.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/require.hpp"
#include "csgd/timing.hpp"
#include "csgd/units.hpp"

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

std::vector<double> PayloadSpec::pieces(double M) const {
  std::vector<double> sizes;
  if (tensors.empty()) {
    sizes.push_back(M);
  } else {
    double total = 0;
    for (double t : tensors) total += t;
    for (double t : tensors) sizes.push_back(M * (t / total));
  }
  if (!(bucket_bytes > 0)) return sizes;
  std::vector<double> buckets;
  if (tensors.empty()) {  // pieces of bucket_bytes
    const double full = std::floor(M / bucket_bytes);
    buckets.assign(static_cast<std::size_t>(full), bucket_bytes);
    if (M - full * bucket_bytes > 0 || buckets.empty()) buckets.push_back(M - full * bucket_bytes);
    return buckets;
  }
  double open = 0;  // consecutive tensors fill a bucket until it holds bucket_bytes
  for (double s : sizes) {
    open += s;
    if (open >= bucket_bytes) {
      buckets.push_back(open);
      open = 0;
    }
  }
  if (open > 0 || buckets.empty()) buckets.push_back(open);
  return buckets;
}

void PayloadSpec::check_round(double M, int N, bool flow) const {
  // Buckets only merge tensors, so only buckets without tensors can outnumber the tensor count.
  const double count = !tensors.empty() ? static_cast<double>(tensors.size())
                       : bucket_bytes > 0 ? std::ceil(M / bucket_bytes) : 1.0;
  if (count > 1'000'000)
    throw ValidationError(tensors.empty() ? "bucket" : "tensors",
                          fmt::format("a round of {} would be {:.3g} collectives (at most 1,000,000)", format_bytes(M), count));
  // A collective keeps about 64 bytes per host (its step state and arrival bits).
  if (flow)
    require_fits_in_memory(count * N * 64, "the round's collectives",
                           fmt::format("{:.0f} collectives × {} hosts × about 64 bytes", count, N));
}

void PayloadSpec::validate() const {
  if (tensors.size() > 1'000'000)
    throw ValidationError("tensors", fmt::format("at most 1,000,000 tensors, got {}", tensors.size()));
  for (double t : tensors)
    if (!(t > 0) || !std::isfinite(t))
      throw ValidationError("tensors", fmt::format("every tensor size must be positive, got {}", t));
  if (bucket_bytes != 0) require_positive("bucket", bucket_bytes);
  if (overlap < 1) throw ValidationError("overlap", fmt::format("must be ≥ 1, got {}", overlap));
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
  try {
    payload.validate();
  } catch (const ValidationError& e) {
    throw ValidationError("network.payload." + e.field(), e.what());
  }
  require_non_negative("network.software_overhead", software_overhead_s);
  if (staging_Bps != 0) require_positive("network.staging.bandwidth", staging_Bps);
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
  if (model_bytes) {
    require_positive("model_bytes", *model_bytes);
    require(*model_bytes <= kMaxModelBytes, "model_bytes",
            fmt::format("must be at most {:g} bytes (1 PB), got {:g}", kMaxModelBytes, *model_bytes));
  }
}

}  // namespace csgd
