#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "csgd/collective.hpp"
#include "csgd/errors.hpp"
#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"

using csgd::CollectiveKind;
using csgd::CollectiveSpec;
using csgd::TopologySpec;

namespace {

constexpr double kAlpha = 5e-6;   // 5 us per link
constexpr double kB = 1.25e9;     // 10 Gbps
constexpr double kM = 3.4e6;      // 3.4 MB

bool close(double got, double expected, double rel = 1e-9) {
  return std::abs(got - expected) <= rel * std::abs(expected);
}

TopologySpec topology(const std::string& name) {
  TopologySpec t;
  t.name = name;
  return t;
}

CollectiveSpec collective(CollectiveKind kind) {
  CollectiveSpec c;
  c.kind = kind;
  return c;
}

// One all-reduce on the flow network: every host enters at enter_at[h] (default 0).
struct Outcome {
  std::vector<int> done_calls;  // per host
  std::vector<double> done_at;  // per host: when done() was called (−1: never)
  double end_s = 0;             // the last done()
  double bytes = 0;             // payload bytes sent by all hosts
  std::uint64_t flows = 0;
};

Outcome all_reduce(const TopologySpec& spec, const CollectiveSpec& c, int N, double M,
                   std::vector<double> enter_at = {}, double alpha = kAlpha) {
  csgd::EventEngine engine;
  const csgd::PhysicalTopology t = csgd::build_topology(spec, N, alpha, kB);
  const auto network = csgd::make_flow_network(engine, t);
  Outcome out;
  out.done_calls.assign(static_cast<std::size_t>(N), 0);
  out.done_at.assign(static_cast<std::size_t>(N), -1);
  const auto coll = csgd::make_collective(c, *network, N, M, [&](int h) {
    ++out.done_calls[static_cast<std::size_t>(h)];
    out.done_at[static_cast<std::size_t>(h)] = engine.now();
  });
  enter_at.resize(static_cast<std::size_t>(N), 0.0);
  for (int h = 0; h < N; ++h)
    engine.schedule_at(enter_at[static_cast<std::size_t>(h)], [c = coll.get(), h] { c->enter(h); });
  engine.run();
  for (double d : out.done_at) out.end_s = std::max(out.end_s, d);
  for (int h = 0; h < N; ++h) out.bytes += network->bytes_sent(h);
  out.flows = network->flows_completed();
  return out;
}

}  // namespace

TEST_CASE("closed forms match hand-computed values") {
  // Ring: 2·7·(5e-6 + 1e6/(8·1.25e9)) = 14·1.05e-4.
  CHECK(close(csgd::ring_allreduce_closed_form_s(8, 1e6, 5e-6, 1.25e9), 1.47e-3));
  // Halving-doubling, N = 8: 2·3·5e-6 + 2·(7/8)·1e6/1.25e9 = 3e-5 + 1.4e-3.
  CHECK(close(csgd::halving_doubling_closed_form_s(8, 1e6, 5e-6, 1.25e9), 1.43e-3));
  // Binomial tree, N = 5: 2·⌈log2 5⌉·(5e-6 + 8e-4) = 6·8.05e-4.
  CHECK(close(csgd::binomial_tree_closed_form_s(5, 1e6, 5e-6, 1.25e9), 4.83e-3));
  CHECK(csgd::ring_allreduce_closed_form_s(1, 1e6, 5e-6, 1.25e9) == 0);
  CHECK(csgd::halving_doubling_closed_form_s(1, 1e6, 5e-6, 1.25e9) == 0);
  CHECK(csgd::binomial_tree_closed_form_s(1, 1e6, 5e-6, 1.25e9) == 0);
}

TEST_CASE("an uncontended ring all-reduce on a ring topology takes 2(N-1)(alpha + M/(N B))") {
  for (int N : {2, 5, 8, 16}) {
    CAPTURE(N);
    const Outcome o = all_reduce(topology("ring"), collective(CollectiveKind::ring), N, kM);
    CHECK(close(o.end_s, csgd::ring_allreduce_closed_form_s(N, kM, kAlpha, kB)));
    CHECK(o.flows == static_cast<std::uint64_t>(2 * (N - 1) * N));
    CHECK(close(o.bytes, 2.0 * (N - 1) * kM));  // N hosts × 2(N−1) chunks of M/N
  }
}

TEST_CASE("halving-doubling on a complete graph takes 2 log2(N) alpha + 2 (N-1)/N M/B") {
  for (int N : {2, 8, 16}) {
    CAPTURE(N);
    const Outcome o = all_reduce(topology("complete"), collective(CollectiveKind::halving_doubling), N, kM);
    const double L = std::log2(N);
    CHECK(close(o.end_s, 2 * L * kAlpha + 2.0 * (N - 1) / N * kM / kB));
    CHECK(close(o.end_s, csgd::halving_doubling_closed_form_s(N, kM, kAlpha, kB)));
  }
}

TEST_CASE("halving-doubling for N not a power of two adds the extra hosts' send and result") {
  for (int N : {3, 6, 12}) {
    CAPTURE(N);
    const Outcome o = all_reduce(topology("complete"), collective(CollectiveKind::halving_doubling), N, kM);
    const int p = N == 3 ? 2 : N == 6 ? 4 : 8;
    const double core = 2 * std::log2(p) * kAlpha + 2.0 * (p - 1) / p * kM / kB;
    CHECK(close(o.end_s, core + 2 * (kAlpha + kM / kB)));
    CHECK(close(o.end_s, csgd::halving_doubling_closed_form_s(N, kM, kAlpha, kB)));
  }
}

TEST_CASE("a binomial-tree all-reduce on a complete graph takes 2 ceil(log2 N)(alpha + M/B)") {
  for (int N : {2, 4, 8, 16}) {
    CAPTURE(N);
    const Outcome o = all_reduce(topology("complete"), collective(CollectiveKind::binomial_tree), N, kM);
    CHECK(close(o.end_s, 2 * std::ceil(std::log2(N)) * (kAlpha + kM / kB)));
    CHECK(close(o.end_s, csgd::binomial_tree_closed_form_s(N, kM, kAlpha, kB)));
    CHECK(close(o.bytes, 2.0 * (N - 1) * kM));  // every host but 0 sends up once and receives once
  }
  // Absent children only shorten levels: the closed form bounds other N from above.
  const Outcome o5 = all_reduce(topology("complete"), collective(CollectiveKind::binomial_tree), 5, kM);
  CHECK(o5.end_s <= csgd::binomial_tree_closed_form_s(5, kM, kAlpha, kB) * (1 + 1e-12));
}

TEST_CASE("the same ring all-reduce on a line is never faster than on a ring") {
  // Only the ring all-reduce: with one fixed shortest path per pair (ties towards lower ids) the
  // distance-N/2 exchanges of halving-doubling all take the same way round a ring and collide,
  // so on a ring it can be slower than on a line (N = 8: 8.37 ms against 8.23 ms).
  for (int N = 2; N <= 16; ++N) {
    CAPTURE(N);
    const double ring = all_reduce(topology("ring"), collective(CollectiveKind::ring), N, kM).end_s;
    const double line = all_reduce(topology("line"), collective(CollectiveKind::ring), N, kM).end_s;
    if (N == 2) CHECK(line == ring);  // the same single link
    else CHECK(line > ring);          // N−1 → 0 crosses the whole line
  }
}

TEST_CASE("a parameter server with one server on a star is an incast on the server's link, both ways") {
  // Host → switch → host: 2 hops. Phase 1: N−1 messages of M share the switch → server link, B/(N−1)
  // each, and all land 2α after their last byte. Phase 2: the server's N−1 replies share its uplink.
  for (int N : {2, 4, 9}) {
    CAPTURE(N);
    CollectiveSpec c = collective(CollectiveKind::parameter_server);
    c.servers = 1;
    const Outcome o = all_reduce(topology("star"), c, N, kM);
    const double phase = 2 * kAlpha + (N - 1) * kM / kB;
    CHECK(close(o.end_s, 2 * phase));
    CHECK(close(o.done_at[0], phase));  // the server holds the average as soon as the last shard is in
    CHECK(close(o.bytes, 2.0 * (N - 1) * kM));
  }
}

TEST_CASE("sharding the parameter server over more servers spreads the incast") {
  CollectiveSpec one = collective(CollectiveKind::parameter_server), four = one;
  four.servers = 4;
  const double t1 = all_reduce(topology("star"), one, 8, kM).end_s;
  const Outcome t4 = all_reduce(topology("star"), four, 8, kM);
  CHECK(t4.end_s < t1);
  // Each host sends M/4 to each other server: N·(S−1)·M/S from servers, plus (N−S)·M from workers,
  // and the same back.
  CHECK(close(t4.bytes, 2 * (4 * 3 * kM / 4 + 4 * kM)));
}

TEST_CASE("an oversubscribed fat-tree slows a cross-pod ring all-reduce by exactly the oversubscription") {
  // k = 2: host 0 and host 1 sit in different pods; every path climbs edge → aggregation → core
  // and down, 6 links, and the 4 links above the edge switches carry B ÷ r. One flow per
  // direction, so each step is 6α + (M/2)/(B/r).
  for (double r : {1.0, 2.0, 4.0}) {
    CAPTURE(r);
    TopologySpec t = topology("fat-tree");
    t.k = 2;
    t.oversubscription = r;
    const Outcome o = all_reduce(t, collective(CollectiveKind::ring), 2, kM);
    CHECK(close(o.end_s, 2 * (6 * kAlpha + r * kM / (2 * kB))));
  }
}

TEST_CASE("an oversubscribed fat-tree slows a parameter-server incast by the predicted factor") {
  // k = 4, 16 hosts, server host 0 (edge switch 0 of pod 0, with host 1). Shortest paths break
  // ties towards lower ids, so the 14 flows from outside edge switch 0 all come down through
  // aggregation switch 0 of pod 0 (via core 0), and the replies go back up the same way.
  // Phase 1, r = 1: the server's own link is the bottleneck, 15 flows at B/15: 15 M/B.
  //          r = 2: the aggregation → edge link (B/2) holds 14 flows at B/28 (< B/15): 28 M/B.
  // Phase 2 mirrors it on the server's uplink and edge → aggregation link. With α = 0 the
  // all-reduce slows by 28/15; with α the 6-hop latency is added once per phase.
  CollectiveSpec c = collective(CollectiveKind::parameter_server);
  TopologySpec t = topology("fat-tree");
  t.k = 4;
  for (double alpha : {0.0, kAlpha}) {
    CAPTURE(alpha);
    t.oversubscription = 1;
    const double full = all_reduce(t, c, 16, kM, {}, alpha).end_s;
    t.oversubscription = 2;
    const double half = all_reduce(t, c, 16, kM, {}, alpha).end_s;
    CHECK(close(full, 2 * (15 * kM / kB + 6 * alpha)));
    CHECK(close(half, 2 * (28 * kM / kB + 6 * alpha)));
    if (alpha == 0) CHECK(close(half / full, 28.0 / 15.0));
  }
}

TEST_CASE("a hierarchical ring on a torus is its three ring phases, each on direct links") {
  // Rows of 4, columns of 3: row reduce-scatter 3 steps of M/4, column all-reduce 4 steps of
  // M/12, row all-gather 3 steps of M/4; every step is one hop and uncontended.
  TopologySpec t = topology("torus");
  t.dims = {3, 4};
  CollectiveSpec c = collective(CollectiveKind::hierarchical_ring);
  c.grid = {3, 4};
  const Outcome o = all_reduce(t, c, 12, kM);
  const double expected = 6 * (kAlpha + kM / (4 * kB)) + 4 * (kAlpha + kM / (12 * kB));
  CHECK(close(o.end_s, expected));
  // On a torus it beats the flat ring, whose row-to-row steps take two hops and share links.
  CHECK(o.end_s < all_reduce(t, collective(CollectiveKind::ring), 12, kM).end_s);
}

TEST_CASE("a hierarchical ring on a 3-D torus reduce-scatters along z, then y, all-reduces along x") {
  // 2 × 3 × 4 hosts: z reduce-scatter 3 steps of M/4, y reduce-scatter 2 steps of M/12, x
  // all-reduce 2 steps of M/24, then y and z all-gathers (2 steps of M/12, 3 of M/4); every
  // message one hop on its own link.
  TopologySpec t = topology("torus");
  t.dims = {2, 3, 4};
  CollectiveSpec c = collective(CollectiveKind::hierarchical_ring);
  c.grid = {2, 3, 4};
  const Outcome o = all_reduce(t, c, 24, kM);
  const double expected = 6 * (kAlpha + kM / (4 * kB)) + 4 * (kAlpha + kM / (12 * kB)) + 2 * (kAlpha + kM / (24 * kB));
  CHECK(close(o.end_s, expected));
  CHECK(o.flows == 24 * (6 + 4 + 2));
  // Each host sends Σ_j 2(d_j − 1)/P_j · M bytes.
  CHECK(close(o.bytes, 24 * kM * (2.0 * 3 / 4 + 2.0 * 2 / 12 + 2.0 * 1 / 24)));
}

TEST_CASE("every host is released exactly once, never before it entered, whatever the entry order") {
  for (int N : {2, 3, 5, 6, 7, 8, 12, 13}) {
    std::vector<double> enter_at;
    for (int h = 0; h < N; ++h) enter_at.push_back(((h * 7 + 3) % N) * 2e-4);  // a scrambled order
    for (CollectiveKind kind : {CollectiveKind::ring, CollectiveKind::halving_doubling, CollectiveKind::binomial_tree,
                                CollectiveKind::parameter_server, CollectiveKind::hierarchical_ring}) {
      CAPTURE(N);
      CAPTURE(std::string(csgd::to_string(kind)));
      CollectiveSpec c = collective(kind);
      c.servers = N >= 3 ? 2 : 1;
      int rows = 1;
      for (int r = 1; r * r <= N; ++r)
        if (N % r == 0) rows = r;
      c.grid = {rows, N / rows};
      if (N == 12) c.grid = {3, 2, 2};  // three sides
      const Outcome o = all_reduce(topology("complete"), c, N, kM, enter_at);
      const double last_entry = *std::max_element(enter_at.begin(), enter_at.end());
      for (int h = 0; h < N; ++h) {
        CAPTURE(h);
        CHECK(o.done_calls[static_cast<std::size_t>(h)] == 1);
        CHECK(o.done_at[static_cast<std::size_t>(h)] >= enter_at[static_cast<std::size_t>(h)]);
        // An all-reduce result depends on every host: nobody is released before the last entry.
        CHECK(o.done_at[static_cast<std::size_t>(h)] > last_entry);
      }
    }
  }
}

TEST_CASE("with one host every collective releases it at once without sending anything") {
  for (CollectiveKind kind : {CollectiveKind::ring, CollectiveKind::halving_doubling, CollectiveKind::binomial_tree,
                              CollectiveKind::parameter_server, CollectiveKind::hierarchical_ring}) {
    CAPTURE(std::string(csgd::to_string(kind)));
    CollectiveSpec c = collective(kind);
    c.grid = {1, 1};
    const Outcome o = all_reduce(topology("ring"), c, 1, kM, {0.25});
    CHECK(o.done_calls[0] == 1);
    CHECK(o.done_at[0] == 0.25);
    CHECK(o.flows == 0);
    CHECK(o.bytes == 0);
  }
}

TEST_CASE("collective settings that do not fit N are refused") {
  csgd::EventEngine engine;
  const auto t = csgd::build_topology(topology("ring"), 6, kAlpha, kB);
  const auto network = csgd::make_flow_network(engine, t);
  CollectiveSpec ps = collective(CollectiveKind::parameter_server);
  ps.servers = 7;
  CHECK_THROWS_AS(csgd::make_collective(ps, *network, 6, kM, [](int) {}), csgd::ValidationError);
  CollectiveSpec grid = collective(CollectiveKind::hierarchical_ring);
  grid.grid = {4, 2};
  CHECK_THROWS_AS(csgd::make_collective(grid, *network, 6, kM, [](int) {}), csgd::ValidationError);
  grid.grid = {};
  CHECK_THROWS_AS(csgd::make_collective(grid, *network, 6, kM, [](int) {}), csgd::ValidationError);
  grid.grid = {6, 0};
  CHECK_THROWS_AS(csgd::make_collective(grid, *network, 6, kM, [](int) {}), csgd::ValidationError);
}
