// The flow model's sharing models against hand-computed cases: rtt-weighted (SimGrid's CM02),
// lv08 (SimGrid's LV08), the TCP window bound, and half-duplex links (network.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"
#include "support/hand_topology.hpp"

using csgd::EventEngine;
using csgd::FlowSharing;
using csgd::PhysicalTopology;
using csgd::Sharing;
using doctest::Approx;

namespace {

using csgd::test::Link;
constexpr auto topology = &csgd::test::hand_topology;

// Sends messages at time 0 and returns when each `done` ran.
std::vector<double> finish_times(const PhysicalTopology& t, FlowSharing sharing,
                                 const std::vector<std::tuple<int, int, double>>& messages) {
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t, sharing);
  std::vector<double> done(messages.size(), std::nan(""));
  for (std::size_t k = 0; k < messages.size(); ++k) {
    const auto [src, dst, bytes] = messages[k];
    net->send(src, dst, bytes, [&, k] { done[k] = engine.now(); });
  }
  engine.run();
  return done;
}

constexpr double kRel = 1e-12;
constexpr double B = 1.25e9, M = 1e6;

}  // namespace

TEST_CASE("rtt-weighted pays the latency first, then shares a bottleneck in inverse proportion to it") {
  // Star: hosts 0, 1, 2 on switch 3. 0→2 has L_A = 15 + 5 µs, 1→2 has L_B = 5 + 5 µs; both end
  // on the link 3→2. B joins at 10 µs alone, A at 20 µs; then rates are 2/3 B and 1/3 B.
  const double LA = 20e-6, LB = 10e-6;
  const auto t = topology(3, 4, {{0, 3, 15e-6, B}, {1, 3, 5e-6, B}, {2, 3, 5e-6, B}});
  const auto done = finish_times(t, {Sharing::rtt_weighted}, {{0, 2, M}, {1, 2, M}});
  const double left_B = M - B * (LA - LB);                 // B's bytes at 20 µs
  const double B_end = LA + left_B / (B * 2 / 3);          // B finishes while A has 1/3 B
  const double A_left = M - (B / 3) * (B_end - LA);
  CHECK(done[1] == Approx(B_end).epsilon(kRel));
  CHECK(done[0] == Approx(B_end + A_left / B).epsilon(kRel));
  // Equal max-min splits the link evenly and pays the latency after the bytes.
  const auto even = finish_times(t, {Sharing::max_min}, {{0, 2, M}, {1, 2, M}});
  CHECK(even[0] == Approx(2 * M / B + LA).epsilon(kRel));
  CHECK(even[1] == Approx(2 * M / B + LB).epsilon(kRel));
}

TEST_CASE("a parameter server under every sharing model leaves no event after the last delivery") {
  // Flows of different round-trips into one host: their predicted completions move earlier and
  // later as others join and end; a withdrawn prediction must not run (nor move the clock).
  const auto t = topology(4, 5, {{0, 4, 1e-6, B}, {1, 4, 7e-6, B}, {2, 4, 30e-6, B}, {3, 4, 2e-6, B}});
  for (const Sharing s : {Sharing::max_min, Sharing::rtt_weighted, Sharing::lv08}) {
    CAPTURE(csgd::to_string(s));
    EventEngine engine;
    const auto net = csgd::make_flow_network(engine, t, {s});
    double last = 0;
    for (int h = 1; h < 4; ++h)
      for (int k = 1; k <= 3; ++k) net->send(h, 0, k * M, [&] { last = engine.now(); });
    engine.run();
    CHECK(last > 0);
    CHECK(engine.now() == last);
    CHECK(net->flows_completed() == 9);
  }
}

TEST_CASE("lv08 scales the latency by 13.01 and the rate by 0.97, and weighs by L + 20537/B per link") {
  const double L = 5e-6;
  const auto t = topology(2, 2, {{0, 1, L, B}});
  CHECK(finish_times(t, {Sharing::lv08}, {{0, 1, M}})[0] == Approx(13.01 * L + M / (0.97 * B)).epsilon(kRel));
  // Two flows of different routes on one bottleneck: penalties p = L + Σ 20537/B_l.
  const auto star = topology(3, 4, {{0, 3, 15e-6, B}, {1, 3, 5e-6, 2 * B}, {2, 3, 5e-6, B}});
  const double pA = 20e-6 + 20537 / B + 20537 / B, pB = 10e-6 + 20537 / (2 * B) + 20537 / B;
  const double wA = 1 / pA, wB = 1 / pB;
  const double tA = 13.01 * 20e-6, tB = 13.01 * 10e-6;      // when each joins
  const double left_B = M - 0.97 * B * (tA - tB);           // B alone on 3→2 until A joins
  const double rate_B = 0.97 * B * wB / (wA + wB), rate_A = 0.97 * B * wA / (wA + wB);
  const double B_end = tA + left_B / rate_B;
  const auto done = finish_times(star, {Sharing::lv08}, {{0, 2, M}, {1, 2, M}});
  CHECK(done[1] == Approx(B_end).epsilon(1e-10));
  CHECK(done[0] == Approx(B_end + (M - rate_A * (B_end - tA)) / (0.97 * B)).epsilon(1e-10));
}

TEST_CASE("a long route is capped by the TCP window: rate at most gamma / (2 L)") {
  const double L = 10e-3, gamma = 4194304;  // 210 MB/s < 1.25 GB/s
  const auto t = topology(2, 2, {{0, 1, L, B}});
  CHECK(finish_times(t, {Sharing::rtt_weighted, gamma}, {{0, 1, M}})[0] == Approx(L + M / (gamma / (2 * L))).epsilon(kRel));
  CHECK(finish_times(t, {Sharing::rtt_weighted, 1e9}, {{0, 1, M}})[0] == Approx(L + M / B).epsilon(kRel));  // window wide enough
  CHECK(finish_times(t, {Sharing::max_min}, {{0, 1, M}})[0] == Approx(L + M / B).epsilon(kRel));  // max-min: no window
}

TEST_CASE("a TCP window just below the rate a flow would get binds, and one above it does not") {
  const double L = 1e-3;
  const auto t = topology(2, 2, {{0, 1, L, B}});
  // γ/(2L) = fraction × B: alone, the flow runs at min(fraction, 1) × B.
  for (const double fraction : {0.45, 0.9, 0.99, 1.01, 1.5, 1.99, 2.0, 3.0}) {
    CAPTURE(fraction);
    const FlowSharing sharing{Sharing::rtt_weighted, fraction * B * 2 * L};
    CHECK(finish_times(t, sharing, {{0, 1, M}})[0] == Approx(L + M / (std::min(fraction, 1.0) * B)).epsilon(kRel));
    // Two flows on the link: each at min(fraction, 1/2) × B.
    for (const double d : finish_times(t, sharing, {{0, 1, M}, {0, 1, M}}))
      CHECK(d == Approx(L + M / (std::min(fraction, 0.5) * B)).epsilon(kRel));
  }
}

TEST_CASE("a half-duplex link shares one bandwidth between its two directions") {
  const double L = 2e-6;
  const auto full = topology(2, 2, {{0, 1, L, B}});
  const auto half = topology(2, 2, {{0, 1, L, B, true}});
  const std::vector<std::tuple<int, int, double>> both_ways{{0, 1, M}, {1, 0, M}};
  for (const double d : finish_times(full, {}, both_ways)) CHECK(d == Approx(M / B + L).epsilon(kRel));
  for (const double d : finish_times(half, {}, both_ways)) CHECK(d == Approx(2 * M / B + L).epsilon(kRel));
  for (const double d : finish_times(half, {Sharing::rtt_weighted}, both_ways)) CHECK(d == Approx(L + 2 * M / B).epsilon(kRel));
  // One direction alone still has the whole link.
  CHECK(finish_times(half, {}, {{1, 0, M}})[0] == Approx(M / B + L).epsilon(kRel));
}

TEST_CASE("half duplex is a default for every link and a per-link override") {
  csgd::TopologySpec spec;
  spec.name = "ring";
  const auto all_half = csgd::build_topology(spec, 4, 5e-6, B, csgd::Duplex::half);
  for (const auto& l : all_half.links) CHECK(l.half_duplex);
  spec.links.push_back({0, 1, -1, -1, csgd::Duplex::half});
  const auto one = csgd::build_topology(spec, 4, 5e-6, B);
  int half = 0;
  for (const auto& l : one.links) half += l.half_duplex ? 1 : 0;
  CHECK(half == 2);  // both directions of 0–1
}
