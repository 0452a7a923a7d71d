// What frameworks add to a round (timing.network.payload, software_overhead, staging), an
// all-reduce or Algorithm 2's exchange: how a payload splits into pieces, and hand-computed round
// times under the analytic closed form and the flow model, which must agree where the flow model
// has no contention.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/timing.hpp"

using csgd::CommRound;
using csgd::IterationOps;
using csgd::PayloadSpec;
using csgd::RoundKind;
using csgd::TimingSpec;

namespace {

constexpr double kAlpha = 5e-6, kB = 1.25e9, kStep = 1e-3, kM = 8e6;

bool close(double got, double expected, double rel = 1e-9) { return std::abs(got - expected) <= rel * std::abs(expected); }

TimingSpec spec(const std::string& model) {
  TimingSpec s;
  s.network.model = model;
  s.network.latency_s = kAlpha;
  s.network.bandwidth_Bps = kB;
  s.network.topology.name = "ring";
  s.network.collective = "ring";
  s.compute.step_time_s = kStep;
  if (model == "analytic") s.network.collective = "auto";
  return s;
}

// The end of iteration 1: one step, then one round of kM — an all-reduce, or an exchange with
// each worker's ring neighbours.
double first_round_end(const TimingSpec& s, int N, RoundKind kind = RoundKind::all_reduce) {
  csgd::ClockSetup setup;
  setup.N = N;
  if (kind == RoundKind::neighbour_exchange)
    for (int i = 0; i < N; ++i) setup.neighbours.push_back({(i + 1) % N, (i + N - 1) % N});
  const auto clock = csgd::make_cluster_clock(s, setup);
  const csgd::Schedule one_round = [kind](std::int64_t) { return IterationOps{{}, CommRound{kind, kM}}; };
  return clock->advance(1, one_round).end_s;
}

// Tensors of relative sizes 1 and 3, one operation each, back to back, o each, staging at S.
TimingSpec two_tensors(const std::string& model, double o, double S) {
  TimingSpec s = spec(model);
  s.network.payload.tensors = {1, 3};
  s.network.software_overhead_s = o;
  s.network.staging_Bps = S;
  return s;
}

// Four equal tensors, two operations in flight, o each, no staging.
TimingSpec four_tensors_two_in_flight(const std::string& model, double o) {
  TimingSpec s = spec(model);
  s.network.payload.tensors.assign(4, 1.0);
  s.network.payload.overlap = 2;
  s.network.software_overhead_s = o;
  return s;
}

// An uncontended ring all-reduce of m bytes on direct links: 2(N−1)(α + m/(N B)).
double ring(int N, double m) { return 2.0 * (N - 1) * (kAlpha + m / (N * kB)); }

}  // namespace

TEST_CASE("a payload splits in proportion to its tensors, then into buckets of at least the bucket size") {
  PayloadSpec p;
  CHECK(p.pieces(kM) == std::vector{kM});
  p.tensors = {1, 3};
  CHECK(p.pieces(kM) == std::vector{2e6, 6e6});
  p.tensors.assign(4, 1.0);
  p.bucket_bytes = 4e6;
  CHECK(p.pieces(kM) == std::vector{4e6, 4e6});
  p.bucket_bytes = 3e6;  // 2 MB tensors: a bucket closes once it holds ≥ 3 MB
  CHECK(p.pieces(kM) == std::vector{4e6, 4e6});
  p.bucket_bytes = 1e9;  // one bucket holds everything
  CHECK(p.pieces(kM) == std::vector{kM});
  p.tensors.clear();  // without tensors: pieces of the bucket size, the last smaller
  p.bucket_bytes = 3e6;
  CHECK(p.pieces(kM) == std::vector{3e6, 3e6, 2e6});
}

TEST_CASE("bad payload settings are refused with the key that breaks the rule") {
  TimingSpec s = spec("analytic");
  s.network.payload.tensors = {1, 0};
  CHECK_THROWS_WITH_AS(s.validate(), doctest::Contains("positive"), csgd::ValidationError);
  try {
    s.validate();
  } catch (const csgd::ValidationError& e) {
    CHECK(e.field() == "network.payload.tensors");
  }
  s.network.payload.tensors = {};
  s.network.payload.overlap = 0;
  CHECK_THROWS_AS(s.validate(), csgd::ValidationError);
  s.network.payload.overlap = 1;
  s.network.software_overhead_s = -1;
  CHECK_THROWS_AS(s.validate(), csgd::ValidationError);
  s.network.software_overhead_s = 0;
  s.network.staging_Bps = -1;
  CHECK_THROWS_AS(s.validate(), csgd::ValidationError);
}

TEST_CASE("pieces run back to back, each paying its latency and software overhead, with staging both ways") {
  constexpr int N = 4;
  constexpr double o = 50e-6, S = 4e9;
  const double expected = kStep + 2 * kM / S + (o + ring(N, 2e6)) + (o + ring(N, 6e6));
  for (const std::string model : {"analytic", "flow"}) {
    CAPTURE(model);
    CHECK(close(first_round_end(two_tensors(model, o, S), N), expected));
    // Without any of it, the plain ring all-reduce.
    CHECK(close(first_round_end(spec(model), N), kStep + ring(N, kM)));
  }
}

TEST_CASE("pieces in flight share the links' bandwidth and overlap their latencies and overheads") {
  // 4 equal pieces, 2 in flight: two groups, each 2(N−1) steps of α + 2·(M/4)/(N B).
  constexpr int N = 4;
  constexpr double o = 20e-6;
  const double expected = kStep + 2 * (o + 2.0 * (N - 1) * kAlpha) + 2.0 * (N - 1) * kM / (N * kB);
  for (const std::string model : {"analytic", "flow"}) {
    CAPTURE(model);
    CHECK(close(first_round_end(four_tensors_two_in_flight(model, o), N), expected));
  }
}

TEST_CASE("Algorithm 2's exchange is framed too: one exchange per piece, overheads and staging") {
  // On a 4-ring each worker sends to both neighbours over links no other message uses: a piece
  // of m takes α + m/B. Back to back, then 2 of 4 equal pieces in flight sharing the links.
  constexpr int N = 4;
  constexpr double o = 50e-6, S = 4e9;
  const double back_to_back = kStep + 2 * kM / S + (o + kAlpha + 2e6 / kB) + (o + kAlpha + 6e6 / kB);
  const double two_in_flight = kStep + 2 * (o + kAlpha) + kM / kB;
  for (const std::string model : {"analytic", "flow"}) {
    CAPTURE(model);
    CHECK(close(first_round_end(two_tensors(model, o, S), N, RoundKind::neighbour_exchange), back_to_back));
    CHECK(close(first_round_end(four_tensors_two_in_flight(model, o), N, RoundKind::neighbour_exchange), two_in_flight));
    // Without any of it, the plain exchange.
    CHECK(close(first_round_end(spec(model), N, RoundKind::neighbour_exchange), kStep + kAlpha + kM / kB));
  }
}

TEST_CASE("one worker pays the staging and the overheads but no network") {
  TimingSpec s = spec("flow");
  s.network.payload.bucket_bytes = 3e6;  // 3 pieces
  s.network.software_overhead_s = 1e-4;
  s.network.staging_Bps = 1e10;
  const double expected = kStep + 2 * kM / 1e10 + 3 * 1e-4;
  CHECK(close(first_round_end(s, 1), expected));
  s.network.model = "analytic";
  s.network.collective = "auto";
  CHECK(close(first_round_end(s, 1), expected));
}
