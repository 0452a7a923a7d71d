// The analytic cluster clock: identical workers, a synchronous compute phase, then the α-β
// closed form of the iteration's communication round.
#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "csgd/timing.hpp"
#include "csgd/units.hpp"

namespace csgd {
namespace {

std::string format_flop_rate(double flops) {
  constexpr std::array<std::pair<double, const char*>, 5> prefixes{
      {{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  for (const auto& [factor, prefix] : prefixes)
    if (flops >= factor) return fmt::format("{:.3g} {}FLOP/s", flops / factor, prefix);
  return fmt::format("{:.3g} FLOP/s", flops);
}

class AnalyticClock final : public ClusterClock {
 public:
  AnalyticClock(const TimingSpec& spec, int N, std::vector<int> degrees)
      : compute_(spec.compute), network_(spec.network), N_(N), degrees_(std::move(degrees)) {
    spec.validate();
    if (N < 1) throw std::invalid_argument(fmt::format("analytic clock: N must be at least 1, got {}", N));
    if (!degrees_.empty() && degrees_.size() != static_cast<std::size_t>(N))
      throw std::invalid_argument(
          fmt::format("analytic clock: {} out-degrees for {} workers", degrees_.size(), N));
  }

  IterationTiming advance(const IterationOps& ops) override {
    IterationTiming t;
    t.compute_s = compute_seconds(ops.gradient_flops);
    if (ops.round) add_round(*ops.round, t);
    now_s_ += t.compute_s + t.comm_s;
    t.end_s = now_s_;
    return t;
  }

  double now_s() const override { return now_s_; }

  std::string describe() const override {
    const std::string comm =
        degrees_.empty() ? "ring all-reduce"
                         : fmt::format("neighbour exchange (max degree {})", max_degree());
    const std::string compute = compute_.step_time_s
                                    ? format_duration(*compute_.step_time_s) + " per step"
                                    : "gradient FLOPs at " + format_flop_rate(compute_.device_flops);
    return fmt::format("analytic: {}, α = {}, B = {}; compute: {}", comm, format_duration(network_.latency_s),
                       format_bandwidth(network_.bandwidth_Bps), compute);
  }

 private:
  // Workers are identical and synchronous: the slowest gradient sets the pace.
  double compute_seconds(std::span<const double> flops) const {
    if (compute_.step_time_s) return *compute_.step_time_s;
    const double most = flops.empty() ? 0.0 : *std::max_element(flops.begin(), flops.end());
    return most / compute_.device_flops;
  }

  void add_round(const CommRound& round, IterationTiming& t) const {
    const double M = round.payload_bytes, alpha = network_.latency_s, B = network_.bandwidth_Bps;
    if (round.kind == RoundKind::all_reduce) {
      t.comm_s = ring_allreduce_seconds(N_, M, alpha, B);
      t.bytes_max_worker = ring_allreduce_bytes_per_worker(N_, M);
      t.bytes_total = N_ * t.bytes_max_worker;
      return;
    }
    if (degrees_.empty())
      throw std::logic_error("analytic clock: a neighbour exchange needs the out-degrees of W");
    const int d_max = max_degree();
    t.comm_s = neighbour_exchange_seconds(d_max, M, alpha, B);
    t.bytes_total = std::accumulate(degrees_.begin(), degrees_.end(), 0.0) * M;
    t.bytes_max_worker = d_max * M;
  }

  int max_degree() const { return degrees_.empty() ? 0 : *std::max_element(degrees_.begin(), degrees_.end()); }

  ComputeSpec compute_;
  NetworkSpec network_;
  int N_;
  std::vector<int> degrees_;
  double now_s_ = 0;
};

}  // namespace

double ring_allreduce_seconds(int N, double M, double alpha, double B) {
  if (N <= 1) return 0;
  // 2(N−1) steps (reduce-scatter, then all-gather), each sending one M/N chunk per worker.
  return 2.0 * (N - 1) * (alpha + M / (N * B));
}

double ring_allreduce_bytes_per_worker(int N, double M) {
  if (N <= 1) return 0;
  return 2.0 * (N - 1) * M / N;
}

double neighbour_exchange_seconds(int max_degree, double M, double alpha, double B) {
  // Every link is a direct full-duplex one, so all sends of eq. (18) overlap.
  return max_degree > 0 ? alpha + M / B : 0;
}

std::unique_ptr<ClusterClock> make_analytic_clock(const TimingSpec& spec, int N, std::vector<int> degrees) {
  return std::make_unique<AnalyticClock>(spec, N, std::move(degrees));
}

}  // namespace csgd
