// The analytic cluster clock: identical workers, a synchronous compute phase, then the α-β
// closed form of the iteration's communication round.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "csgd/collective.hpp"
#include "csgd/timing.hpp"
#include "csgd/units.hpp"

namespace csgd {
namespace {


class AnalyticClock final : public ClusterClock {
 public:
  AnalyticClock(const TimingSpec& spec, const ClockSetup& setup)
      : network_(spec.network), N_(setup.N), compute_(spec.compute, setup), times_(static_cast<std::size_t>(setup.N)),
        trace_(setup.trace) {
    spec.validate();
    if (N_ < 1) throw std::invalid_argument(fmt::format("analytic clock: N must be at least 1, got {}", N_));
    if (!setup.neighbours.empty() && setup.neighbours.size() != static_cast<std::size_t>(N_))
      throw std::invalid_argument(
          fmt::format("analytic clock: neighbour lists for {} workers, expected {}", setup.neighbours.size(), N_));
    for (const auto& n : setup.neighbours) degrees_.push_back(static_cast<int>(n.size()));
  }

  IterationTiming advance(std::int64_t t, const Schedule& schedule) override {
    const IterationOps ops = schedule(t);
    IterationTiming timing;
    // Lock-step workers: everyone waits for the slowest step, then the round runs.
    double slowest = 0;
    std::vector<double> steps(static_cast<std::size_t>(N_));
    for (int i = 0; i < N_; ++i) {
      const auto k = static_cast<std::size_t>(i);
      steps[k] = compute_.step_seconds(i, ops.gradient_flops.empty() ? 0.0 : ops.gradient_flops[k]);
      slowest = std::max(slowest, steps[k]);
    }
    double comm_s = 0;
    if (ops.round) comm_s = add_round(*ops.round, timing);
    for (std::size_t k = 0; k < steps.size(); ++k) {
      times_[k].compute_s += steps[k];
      times_[k].wait_s += slowest - steps[k];
      times_[k].comm_s += comm_s;
      if (trace_) {
        const int w = static_cast<int>(k);
        trace_->add(w, "compute", now_s_, now_s_ + steps[k], t);
        if (steps[k] < slowest) trace_->add(w, "wait", now_s_ + steps[k], now_s_ + slowest, t);
        if (ops.round)
          trace_->add(w, ops.round->kind == RoundKind::all_reduce ? "all-reduce" : "exchange", now_s_ + slowest,
                      now_s_ + slowest + comm_s, t);
      }
    }
    now_s_ += slowest + comm_s;
    timing.end_s = now_s_;
    return timing;
  }

  double now_s() const override { return now_s_; }
  std::vector<WorkerTime> worker_times() const override { return times_; }

  std::string describe() const override {
    const std::string comm =
        degrees_.empty() ? "ring all-reduce"
                         : fmt::format("neighbour exchange (max degree {})", max_degree());
    return fmt::format("analytic: {}, α = {}, B = {}{}; compute: {}", comm, format_duration(network_.latency_s),
                       format_bandwidth(network_.bandwidth_Bps), describe_framing(network_), compute_.describe());
  }

 private:
  // Returns the round's duration and fills its byte counts.
  double add_round(const CommRound& round, IterationTiming& t) const {
    const double M = round.payload_bytes, alpha = network_.latency_s, B = network_.bandwidth_Bps;
    if (round.kind == RoundKind::all_reduce) {
      t.bytes_max_worker = ring_allreduce_bytes_per_worker(N_, M);
      t.bytes_total = N_ * t.bytes_max_worker;
      return network_.frames_rounds() ? framed_allreduce_seconds(N_, M, network_) : ring_allreduce_seconds(N_, M, alpha, B);
    }
    if (degrees_.empty())
      throw std::logic_error("analytic clock: a neighbour exchange needs the neighbours of W");
    const int d_max = max_degree();
    t.bytes_total = std::accumulate(degrees_.begin(), degrees_.end(), 0.0) * M;
    t.bytes_max_worker = d_max * M;
    return network_.frames_rounds() ? framed_exchange_seconds(d_max, M, network_)
                                    : neighbour_exchange_seconds(d_max, M, alpha, B);
  }

  int max_degree() const { return degrees_.empty() ? 0 : *std::max_element(degrees_.begin(), degrees_.end()); }

  NetworkSpec network_;
  int N_;
  ComputeModel compute_;
  std::vector<int> degrees_;
  std::vector<WorkerTime> times_;
  TraceRecorder* trace_;
  double now_s_ = 0;
};

}  // namespace

double ring_allreduce_seconds(int N, double M, double alpha, double B) {
  return ring_allreduce_closed_form_s(N, M, alpha, B);
}

namespace {

// What the framing adds around pieces whose bandwidth terms add up and whose per-operation
// latency overlaps k at a time: 2M/S + Σ_p bandwidth_s(m_p) + ⌈P/k⌉ (o + latency_s).
template <class BandwidthS>
double framed_seconds(double M, const NetworkSpec& network, double latency_s, BandwidthS bandwidth_s) {
  const std::vector<double> pieces = network.payload.pieces(M);
  const double P = static_cast<double>(pieces.size()), k = network.payload.overlap;
  double bytes_s = 0;
  for (double m : pieces) bytes_s += bandwidth_s(m);
  const double staging_s = network.staging_Bps > 0 ? 2 * M / network.staging_Bps : 0.0;
  return staging_s + bytes_s + std::ceil(P / k) * (network.software_overhead_s + latency_s);
}

}  // namespace

// Eq. of the framed round (README, "What frameworks add to a round"): with pieces m_1..m_P, k in
// flight, overhead o and staging bandwidth S,
//   T = 2M/S + Σ_p 2(N−1) m_p/(N B) + ⌈P/k⌉ (o + 2(N−1) α):
// the bytes of pieces in flight share the links (bandwidth terms add up), their latencies and
// software overheads overlap (k at a time). k = 1 is Σ_p (o + ring(m_p)) exactly.
double framed_allreduce_seconds(int N, double M, const NetworkSpec& network) {
  const double B = network.bandwidth_Bps;
  return framed_seconds(M, network, 2.0 * (N - 1) * network.latency_s,
                        [&](double m) { return N > 1 ? 2.0 * (N - 1) * m / (N * B) : 0.0; });
}

// Each piece is one exchange (α + m/B, sends overlapping on direct links), framed as above.
double framed_exchange_seconds(int max_degree, double M, const NetworkSpec& network) {
  const bool any = max_degree > 0;
  return framed_seconds(M, network, any ? network.latency_s : 0.0,
                        [&](double m) { return any ? m / network.bandwidth_Bps : 0.0; });
}

std::string describe_framing(const NetworkSpec& network) {
  std::string s;
  const PayloadSpec& p = network.payload;
  if (p.tensors.size() > 1) s += fmt::format(", {} tensors", p.tensors.size());
  if (p.bucket_bytes > 0) s += fmt::format(", buckets of {}", format_bytes(p.bucket_bytes));
  if (network.frames_rounds() && p.overlap > 1) s += fmt::format(", {} collectives in flight", p.overlap);
  if (network.software_overhead_s > 0) s += fmt::format(", {} per collective", format_duration(network.software_overhead_s));
  if (network.staging_Bps > 0) s += fmt::format(", staging at {}", format_bandwidth(network.staging_Bps));
  return s;
}

double ring_allreduce_bytes_per_worker(int N, double M) {
  if (N <= 1) return 0;
  return 2.0 * (N - 1) * M / N;
}

double neighbour_exchange_seconds(int max_degree, double M, double alpha, double B) {
  // Every link is a direct full-duplex one, so all sends of eq. (18) overlap.
  return max_degree > 0 ? alpha + M / B : 0;
}

std::unique_ptr<ClusterClock> make_analytic_clock(const TimingSpec& spec, const ClockSetup& setup) {
  return std::make_unique<AnalyticClock>(spec, setup);
}

std::unique_ptr<ClusterClock> make_cluster_clock(const TimingSpec& spec, const ClockSetup& setup) {
  if (spec.network.model == "flow") return make_flow_clock(spec, setup);
  return make_analytic_clock(spec, setup);
}

}  // namespace csgd
