#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/timing.hpp"

using csgd::CommRound;
using csgd::IterationOps;
using csgd::RoundKind;
using csgd::TimingSpec;

namespace {

// Relative agreement to 1e-12 (exact zero must be exact).
bool close(double got, double expected) {
  if (expected == 0) return got == 0;
  return std::abs(got - expected) <= 1e-12 * std::abs(expected);
}

// α = 5 us, B = 1.25e9 B/s (10 Gbps), 1.5 ms per step unless a test changes it.
TimingSpec spec_with_step_time() {
  TimingSpec spec;
  spec.network.latency_s = 5e-6;
  spec.network.bandwidth_Bps = 1.25e9;
  spec.compute.step_time_s = 1.5e-3;
  return spec;
}

IterationOps ops(const std::vector<double>& flops, std::optional<CommRound> round) {
  return IterationOps{std::span<const double>(flops), round};
}

// An analytic clock whose workers have the given numbers of mixing neighbours (none: all-reduce).
std::unique_ptr<csgd::ClusterClock> analytic(const TimingSpec& spec, int N, const std::vector<int>& degrees) {
  csgd::ClockSetup setup;
  setup.N = N;
  for (int d : degrees) setup.neighbours.emplace_back(static_cast<std::size_t>(d), 0);
  return csgd::make_analytic_clock(spec, setup);
}

// One iteration with fixed ops, and where it went: the slowest step and the round.
struct Step {
  double end_s, bytes_total, bytes_max_worker, compute_s, comm_s;
};

Step step(csgd::ClusterClock& clock, const IterationOps& o) {
  static std::int64_t t = 0;
  const auto before = clock.worker_times();
  const auto timing = clock.advance(++t, [&](std::int64_t) { return o; });
  const auto after = clock.worker_times();
  Step s{timing.end_s, timing.bytes_total, timing.bytes_max_worker, 0, after[0].comm_s - before[0].comm_s};
  for (std::size_t i = 0; i < after.size(); ++i)
    s.compute_s = std::max(s.compute_s, after[i].compute_s - before[i].compute_s);
  return s;
}

std::string validation_field(const TimingSpec& spec) {
  try {
    spec.validate();
  } catch (const csgd::ValidationError& e) {
    return e.field();
  }
  return "";
}

}  // namespace

TEST_CASE("ring all-reduce time and bytes match hand-computed closed forms") {
  // 2·7·(5e-6 + 1e6/(8·1.25e9)) = 14·1.05e-4
  CHECK(close(csgd::ring_allreduce_seconds(8, 1e6, 5e-6, 1.25e9), 1.47e-3));
  // 2·1·(1e-5 + 4e6/(2·1e9)) = 2·2.01e-3
  CHECK(close(csgd::ring_allreduce_seconds(2, 4e6, 1e-5, 1e9), 4.02e-3));
  CHECK(close(csgd::ring_allreduce_bytes_per_worker(8, 1e6), 1.75e6));  // 2·7·1e6/8
  CHECK(close(csgd::ring_allreduce_bytes_per_worker(2, 4e6), 4e6));
}

TEST_CASE("a ring all-reduce over one worker costs nothing") {
  CHECK(csgd::ring_allreduce_seconds(1, 1e6, 5e-6, 1.25e9) == 0.0);
  CHECK(csgd::ring_allreduce_bytes_per_worker(1, 1e6) == 0.0);
}

TEST_CASE("a neighbour exchange costs one latency plus one payload transfer, or nothing alone") {
  CHECK(close(csgd::neighbour_exchange_seconds(2, 1e6, 5e-6, 1.25e9), 8.05e-4));  // 5e-6 + 8e-4
  CHECK(close(csgd::neighbour_exchange_seconds(7, 1e6, 5e-6, 1.25e9), 8.05e-4));  // sends overlap
  CHECK(csgd::neighbour_exchange_seconds(0, 1e6, 5e-6, 1.25e9) == 0.0);
}

TEST_CASE("an all-reduce iteration adds the step time and the ring all-reduce") {
  const auto clock = analytic(spec_with_step_time(), 8, {});
  const std::vector<double> flops(8, 0.0);
  const auto t = step(*clock, ops(flops, CommRound{RoundKind::all_reduce, 1e6}));
  CHECK(close(t.compute_s, 1.5e-3));
  CHECK(close(t.comm_s, 1.47e-3));
  CHECK(close(t.end_s, 2.97e-3));
  CHECK(close(t.bytes_total, 1.4e7));  // 8 workers × 1.75e6
  CHECK(close(t.bytes_max_worker, 1.75e6));
  CHECK(close(clock->now_s(), 2.97e-3));
}

TEST_CASE("without a step time the slowest gradient's FLOPs set the compute phase") {
  TimingSpec spec = spec_with_step_time();
  spec.compute.step_time_s.reset();
  spec.compute.device_flops = 1e12;
  const auto clock = analytic(spec, 3, {});
  const std::vector<double> flops{2e9, 3e9, 1e9};
  const auto t = step(*clock, ops(flops, std::nullopt));
  CHECK(close(t.compute_s, 3e-3));
  CHECK(t.comm_s == 0.0);
  CHECK(t.bytes_total == 0.0);
  CHECK(t.bytes_max_worker == 0.0);
  CHECK(close(t.end_s, 3e-3));
}

TEST_CASE("the clock accumulates compute and communication over iterations") {
  const auto clock = analytic(spec_with_step_time(), 8, {});
  const std::vector<double> flops(8, 0.0);
  double expected = 0;
  for (int t = 1; t <= 10; ++t) {
    const bool sync = t % 4 == 0;  // I = 4
    const std::optional<CommRound> round =
        sync ? std::optional(CommRound{RoundKind::all_reduce, 1e6}) : std::nullopt;
    const auto timing = step(*clock, ops(flops, round));
    expected += 1.5e-3 + (sync ? 1.47e-3 : 0.0);
    CHECK(close(timing.end_s, expected));
  }
  CHECK(close(clock->now_s(), 10 * 1.5e-3 + 2 * 1.47e-3));
}

TEST_CASE("a neighbour exchange is paced by the largest degree and counts every send") {
  const auto clock = analytic(spec_with_step_time(), 4, {1, 2, 2, 1});  // a line
  const std::vector<double> flops(4, 0.0);
  const auto t = step(*clock, ops(flops, CommRound{RoundKind::neighbour_exchange, 2e6}));
  CHECK(close(t.comm_s, 5e-6 + 2e6 / 1.25e9));
  CHECK(close(t.bytes_total, 6 * 2e6));       // Σ degrees = 6
  CHECK(close(t.bytes_max_worker, 2 * 2e6));  // degree 2
  CHECK(close(t.end_s, 1.5e-3 + 5e-6 + 1.6e-3));
}

TEST_CASE("one worker spends nothing on either kind of round") {
  const auto clock = analytic(spec_with_step_time(), 1, {0});
  const std::vector<double> flops{0.0};
  for (const RoundKind kind : {RoundKind::all_reduce, RoundKind::neighbour_exchange}) {
    const auto t = step(*clock, ops(flops, CommRound{kind, 1e6}));
    CHECK(t.comm_s == 0.0);
    CHECK(t.bytes_total == 0.0);
    CHECK(t.bytes_max_worker == 0.0);
  }
  CHECK(close(clock->now_s(), 3e-3));
}

TEST_CASE("the clock describes its network in readable units") {
  CHECK(analytic(spec_with_step_time(), 8, {})->describe().starts_with(
      "analytic: ring all-reduce, α = 5.00 us, B = 10.0 Gbps"));
  const std::string exchange = analytic(spec_with_step_time(), 3, {2, 2, 2})->describe();
  CHECK(exchange.starts_with("analytic: neighbour exchange (max degree 2), α = 5.00 us"));
  CHECK(exchange.find("1.50 ms per step") != std::string::npos);
}

TEST_CASE("the default timing settings are valid, and zero latency and step time are allowed") {
  TimingSpec spec;
  CHECK(validation_field(spec).empty());
  spec.compute.step_time_s = 0.0;
  spec.network.latency_s = 0.0;
  spec.model_bytes = 1.0;
  CHECK(validation_field(spec).empty());
}

TEST_CASE("validate rejects each bad timing value naming its key") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const auto field_after = [](auto change) {
    TimingSpec spec;
    change(spec);
    return validation_field(spec);
  };
  for (const double bad : {-1e-3, nan, inf})
    CHECK(field_after([bad](TimingSpec& s) { s.compute.step_time_s = bad; }) == "compute.step_time");
  for (const double bad : {0.0, -1.0, nan, inf})
    CHECK(field_after([bad](TimingSpec& s) { s.compute.device_flops = bad; }) == "compute.device_flops");
  for (const double bad : {-1e-6, nan, inf})
    CHECK(field_after([bad](TimingSpec& s) { s.network.latency_s = bad; }) == "network.latency");
  for (const double bad : {0.0, -1.0, nan, inf})
    CHECK(field_after([bad](TimingSpec& s) { s.network.bandwidth_Bps = bad; }) == "network.bandwidth");
  CHECK(field_after([](TimingSpec& s) { s.network.model = "packet"; }) == "network.model");
  CHECK(field_after([](TimingSpec& s) { s.network.collective = "tree"; }) == "network.collective");
  for (const double bad : {0.0, -5.0, nan, inf})
    CHECK(field_after([bad](TimingSpec& s) { s.model_bytes = bad; }) == "model_bytes");
}

TEST_CASE("the network model message says it must be analytic") {
  TimingSpec spec;
  spec.network.model = "packet";
  CHECK_THROWS_WITH(spec.validate(), doctest::Contains("must be analytic"));
}

TEST_CASE("making a clock refuses bad settings, no workers and a wrong degree list") {
  TimingSpec bad = spec_with_step_time();
  bad.network.bandwidth_Bps = 0;
  CHECK_THROWS_AS(analytic(bad, 4, {}), csgd::ValidationError);
  CHECK_THROWS_AS(analytic(spec_with_step_time(), 0, {}), std::invalid_argument);
  CHECK_THROWS_AS(analytic(spec_with_step_time(), 4, {2, 2}), std::invalid_argument);
}

TEST_CASE("a neighbour exchange without the degrees of W is a programming error") {
  const auto clock = analytic(spec_with_step_time(), 4, {});
  const std::vector<double> flops(4, 0.0);
  CHECK_THROWS_AS(step(*clock, ops(flops, CommRound{RoundKind::neighbour_exchange, 1e6})), std::logic_error);
}
