#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"
#include "network/deliveries.hpp"
#include "support/hand_topology.hpp"

using csgd::EventEngine;
using csgd::NetworkModel;
using csgd::PhysicalTopology;
using doctest::Approx;

namespace {

using csgd::test::Link;
constexpr auto topology = &csgd::test::hand_topology;

// Sends a message and records the time its `done` runs (NaN until then).
struct Recorder {
  EventEngine& engine;
  NetworkModel& network;
  std::vector<double> done_at;

  void send(int src, int dst, double bytes) {
    const std::size_t id = done_at.size();
    done_at.push_back(std::nan(""));
    network.send(src, dst, bytes, [this, id] { done_at[id] = engine.now(); });
  }
  void send_at(double t, int src, int dst, double bytes) {
    engine.schedule_at(t, [this, src, dst, bytes] { send(src, dst, bytes); });
  }
};

constexpr double kRel = 1e-12;

// Notes the tags delivered to it, in order.
struct Note final : csgd::Receiver {
  std::vector<int>& ran;
  explicit Note(std::vector<int>& r) : ran(r) {}
  void delivered(std::uint64_t k) override { ran.push_back(static_cast<int>(k)); }
};

}  // namespace

TEST_CASE("a message alone takes its path latency plus its bytes over the bottleneck bandwidth") {
  const auto t = topology(3, 3, {{0, 1, 2e-6, 1e9}, {1, 2, 3e-6, 4e8}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 2, 1e6);
  r.send_at(1.0, 2, 1, 5e5);
  engine.run();
  CHECK(r.done_at[0] == Approx(5e-6 + 1e6 / 4e8).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(1.0 + 3e-6 + 5e5 / 4e8).epsilon(kRel));
  CHECK(net->flows_completed() == 2);
  CHECK(net->bytes_sent(0) == 1e6);
  CHECK(net->bytes_sent(2) == 5e5);
  CHECK(net->bytes_sent(1) == 0);
}

TEST_CASE("two flows on one link each get half the bandwidth and the survivor speeds up") {
  const double L = 1e-6, B = 1e9, M = 1e6;
  const auto t = topology(2, 2, {{0, 1, L, B}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 1, M);
  r.send(0, 1, M);
  r.send(0, 1, 3 * M);
  engine.run();
  // Three flows at B/3 until the two small ones are out at 3M/B; the big one has 2M left, alone.
  CHECK(r.done_at[0] == Approx(L + 3 * M / B).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(L + 3 * M / B).epsilon(kRel));
  CHECK(r.done_at[2] == Approx(L + 5 * M / B).epsilon(kRel));
  // The big flow's first prediction (9M/B, at B/3) no longer holds once it speeds up: it is
  // withdrawn, so it neither runs nor moves the clock past the last delivery.
  CHECK(engine.now() == r.done_at[2]);
}

TEST_CASE("a flow arriving mid-transfer slows the first one down to half the link") {
  const double B = 1e9, M = 1e6;
  const auto t = topology(2, 2, {{0, 1, 0, B}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 1, M);
  r.send_at(M / (2 * B), 0, 1, M);  // the first has M/2 left and now drains at B/2
  engine.run();
  CHECK(r.done_at[0] == Approx(1.5 * M / B).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(2 * M / B).epsilon(kRel));
  // The first flow's prediction at M/B no longer holds once the second arrives: withdrawn, it
  // never runs. Events: the send at M/(2B), a recompute at 0, at M/(2B) and after the first ends,
  // and a completion and a delivery per flow.
  CHECK(engine.events_processed() == 1 + 3 + 2 * 2);
}

TEST_CASE("three flows with a shared bottleneck get their max-min shares, recomputed as flows end") {
  // Hosts 0..3 on switch 4. Flows 0→1, 2→1 and 3→1 share the switch's link to host 1 (100 B/s);
  // host 2's own link carries only 20 B/s. Progressive filling: 2→1 is fixed at 20 by its link,
  // the other two split the remaining 80: 40 each. After 0→1 ends at t = 1, 3→1 gets 80.
  const double L = 1e-3;
  const auto t = topology(4, 5, {{0, 4, L, 100}, {1, 4, L, 100}, {2, 4, L, 20}, {3, 4, L, 100}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 1, 40);   // 40 at 40 B/s: done at 1
  r.send(2, 1, 60);   // 20 B/s throughout: done at 3
  r.send(3, 1, 120);  // 40 by t = 1, then 80 at 80 B/s: done at 2
  engine.run();
  CHECK(r.done_at[0] == Approx(1 + 2 * L).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(3 + 2 * L).epsilon(kRel));
  CHECK(r.done_at[2] == Approx(2 + 2 * L).epsilon(kRel));
}

TEST_CASE("a flow bottlenecked elsewhere leaves its unused share to the others on a link") {
  // A line 0 – 1 – 2 (host 1 in the middle) with 1→2 at 30 B/s and 0→1 at 100 B/s. Flows 0→2 and
  // 0→1 share 0→1: 0→2 is held to 30 by link 1→2, so 0→1 gets the other 70.
  const auto t = topology(3, 3, {{0, 1, 0, 100}, {1, 2, 0, 30}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 2, 30);
  r.send(0, 1, 70);
  engine.run();
  CHECK(r.done_at[0] == Approx(1.0).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(1.0).epsilon(kRel));
}

TEST_CASE("opposite directions of a link do not share bandwidth") {
  const double L = 2e-6, B = 1e9, M = 1e6;
  const auto t = topology(2, 2, {{0, 1, L, B}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 1, M);
  r.send(1, 0, M);
  engine.run();
  CHECK(r.done_at[0] == Approx(L + M / B).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(L + M / B).epsilon(kRel));
}

TEST_CASE("deliveries due at one instant share an event unless another event was scheduled between them") {
  EventEngine engine;
  csgd::Deliveries deliveries(engine);
  std::vector<int> ran;
  Note note(ran);
  deliveries.deliver_in(1.0, note, 1);
  deliveries.deliver_in(1.0, note, 2);                // joins 1's event
  engine.schedule_at(1.0, [&] { ran.push_back(3); });  // an ordinary event between them
  deliveries.deliver_in(1.0, note, 4);                // must run after 3: a new event
  deliveries.deliver_in(2.0, note, 5);                // another instant: a new event
  engine.schedule_at(1.0, [&] { deliveries.deliver_in(0.0, note, 6); });  // while 4's group is pending
  engine.run();
  CHECK(ran == std::vector<int>{1, 2, 3, 4, 6, 5});
  CHECK(deliveries.completed() == 5);  // 3 is not a delivery
  CHECK(engine.events_processed() == 1 + 1 + 1 + 1 + 1 + 1);  // {1,2}, 3, {4}, 5, the sender, {6}
}

TEST_CASE("a batch of deliveries with one delay joins and opens events as its messages one at a time would") {
  EventEngine engine;
  csgd::Deliveries deliveries(engine);
  std::vector<int> ran;
  Note note(ran), other(ran);
  using A = std::vector<csgd::Addressee>;
  deliveries.deliver_in(1.0, note, 1);
  deliveries.deliver_all_in(1.0, A{{&other, 2}, {&note, 3}});  // both join 1's event
  engine.schedule_at(1.0, [&] { ran.push_back(4); });          // an ordinary event between
  deliveries.deliver_all_in(1.0, A{{&note, 5}, {&note, 6}});   // one new event after 4, 6 in it
  deliveries.deliver_all_in(2.0, A{});                         // nothing to deliver: no event
  engine.run();
  CHECK(ran == std::vector<int>{1, 2, 3, 4, 5, 6});
  CHECK(deliveries.completed() == 5);
  CHECK(engine.events_processed() == 3);  // {1,2,3}, 4, {5,6}
}

TEST_CASE("a shared delivery event hands each run of one receiver's messages over in one batch, in order") {
  EventEngine engine;
  csgd::Deliveries deliveries(engine);
  std::vector<std::pair<char, std::vector<std::uint64_t>>> batches;
  struct Batcher final : csgd::Receiver {
    char name;
    std::vector<std::pair<char, std::vector<std::uint64_t>>>& batches;
    Batcher(char n, std::vector<std::pair<char, std::vector<std::uint64_t>>>& b) : name(n), batches(b) {}
    void delivered(std::uint64_t k) override { batches.push_back({name, {k}}); }
    void delivered_all(std::span<const std::uint64_t> tags) override {
      batches.push_back({name, {tags.begin(), tags.end()}});
    }
  } a('a', batches), b('b', batches);
  for (const auto& [to, tag] : std::vector<std::pair<Batcher*, std::uint64_t>>{{&a, 1}, {&a, 2}, {&b, 3}, {&a, 4}, {&b, 5}, {&b, 6}})
    deliveries.deliver_in(1.0, *to, tag);  // all join one event
  engine.run();
  using B = std::vector<std::pair<char, std::vector<std::uint64_t>>>;
  CHECK(batches == B{{'a', {1, 2}}, {'b', {3}}, {'a', {4}}, {'b', {5, 6}}});
  CHECK(deliveries.completed() == 6);
  CHECK(engine.events_processed() == 1);
}

TEST_CASE("flows started at the same instant share one rate recompute") {
  const auto t = topology(2, 2, {{0, 1, 1e-6, 1e9}});
  SUBCASE("sent together before the run") {
    EventEngine engine;
    const auto net = csgd::make_flow_network(engine, t);
    Recorder r{engine, *net, {}};
    r.send(0, 1, 1e6);
    r.send(0, 1, 1e6);
    engine.run();
    // One recompute, one completion for both, one delivery event for both (same instant).
    CHECK(engine.events_processed() == 3);
    CHECK(r.done_at[0] == Approx(1e-6 + 2e-3).epsilon(kRel));
  }
  SUBCASE("sent from two different events of the same instant") {
    EventEngine engine;
    const auto net = csgd::make_flow_network(engine, t);
    Recorder r{engine, *net, {}};
    r.send_at(0.5, 0, 1, 1e6);
    r.send_at(0.5, 0, 1, 1e6);
    engine.run();
    CHECK(engine.events_processed() == 2 + 3);
    CHECK(r.done_at[1] == Approx(0.5 + 1e-6 + 2e-3).epsilon(kRel));
  }
}

TEST_CASE("flows finishing at one instant are delivered in join order, whichever predictions they came from") {
  // Link 0→1 carries flows 0, 2, 3, 4 (1/4 B/s each); 3 and 4 end at t = 4, and 0 and 2 are
  // re-predicted together to end at t = 8 (2 bytes left at 1/2 B/s). Flow 1, alone on 2→3, was
  // predicted at t = 0 to end at t = 8 as well: its prediction sits between theirs in join order.
  const auto t = topology(4, 4, {{0, 1, 0.0, 1.0}, {2, 3, 0.0, 1.0}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  std::vector<int> ran;
  Note note(ran);
  const double bytes[] = {3, 8, 3, 1, 1};
  for (std::uint64_t k = 0; k < 5; ++k) net->send(k == 1 ? 2 : 0, k == 1 ? 3 : 1, bytes[k], note, k);
  engine.run();
  CHECK(engine.now() == 8.0);
  CHECK(ran == std::vector<int>{3, 4, 0, 1, 2});
}

TEST_CASE("an empty message takes the latency only and a message to oneself arrives at once") {
  const auto t = topology(3, 3, {{0, 1, 1e-6, 1e9}, {1, 2, 2e-6, 1e9}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send_at(1.0, 0, 2, 0);
  r.send_at(1.0, 1, 1, 1e6);
  engine.run();
  CHECK(r.done_at[0] == Approx(1.0 + 3e-6).epsilon(kRel));
  CHECK(r.done_at[1] == 1.0);
  CHECK(net->flows_completed() == 2);
  CHECK(net->bytes_sent(1) == 1e6);
}

TEST_CASE("bad sends are refused") {
  const auto t = topology(2, 2, {{0, 1, 1e-6, 1e9}});
  EventEngine engine;
  for (const auto& net : {csgd::make_flow_network(engine, t), csgd::make_latency_bandwidth_network(engine, t)}) {
    CHECK_THROWS_AS(net->send(0, 1, -1, [] {}), std::invalid_argument);
    CHECK_THROWS_AS(net->send(0, 1, std::nan(""), [] {}), std::invalid_argument);
    CHECK_THROWS_AS(net->send(0, 2, 1, [] {}), std::out_of_range);
    CHECK_THROWS_AS(net->bytes_sent(2), std::out_of_range);
    // A refused send keeps no callback: the next one is delivered, and only once.
    int ran = 0;
    net->send(0, 1, 1, [&ran] { ++ran; });
    engine.run();
    CHECK(ran == 1);
  }
}

TEST_CASE("a message carries its tag to its receiver, callbacks and tags mixed in one network") {
  const auto t = topology(2, 2, {{0, 1, 1e-6, 1e9}});
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  struct Log final : csgd::Receiver {
    std::vector<std::uint64_t> tags;
    void delivered(std::uint64_t tag) override { tags.push_back(tag); }
  } log;
  int callbacks = 0;
  net->send(0, 1, 1e3, log, 7);
  net->send(1, 0, 1e3, [&callbacks] { ++callbacks; });
  net->send(0, 1, 2e3, log, std::uint64_t{1} << 63);
  engine.run();
  CHECK(log.tags == std::vector<std::uint64_t>{7, std::uint64_t{1} << 63});
  CHECK(callbacks == 1);
  CHECK(net->flows_completed() == 3);
}

TEST_CASE("two identical runs give identical completion times") {
  csgd::TopologySpec spec;
  spec.name = "fat-tree";
  spec.k = 4;
  const auto t = csgd::build_topology(spec, 16, 1e-6, 1e9);
  auto run = [&t] {
    EventEngine engine;
    const auto net = csgd::make_flow_network(engine, t);
    Recorder r{engine, *net, {}};
    for (int i = 0; i < 200; ++i) r.send_at(1e-4 * (i % 13), i % 16, (i * 7 + 3) % 16, 1e4 * (1 + i % 5));
    engine.run();
    return r.done_at;
  };
  const auto first = run();
  CHECK(first == run());
  for (double t_done : first) CHECK(std::isfinite(t_done));
}

TEST_CASE("the latency-bandwidth model gives every message the whole link") {
  const double L = 1e-6, B = 1e9, M = 1e6;
  const auto t = topology(3, 3, {{0, 1, L, B}, {1, 2, L, B / 2}});
  EventEngine engine;
  const auto net = csgd::make_latency_bandwidth_network(engine, t);
  Recorder r{engine, *net, {}};
  r.send(0, 1, M);
  r.send(0, 1, M);
  r.send(0, 2, M);
  r.send(2, 2, M);
  r.send(2, 0, 0);
  engine.run();
  CHECK(r.done_at[0] == Approx(L + M / B).epsilon(kRel));
  CHECK(r.done_at[1] == Approx(L + M / B).epsilon(kRel));
  CHECK(r.done_at[2] == Approx(2 * L + 2 * M / B).epsilon(kRel));
  CHECK(r.done_at[3] == 0);
  CHECK(r.done_at[4] == Approx(2 * L).epsilon(kRel));
  CHECK(net->flows_completed() == 5);
  CHECK(net->bytes_sent(0) == 3 * M);
}

namespace {

// The message pattern of a ring all-reduce: 2(N−1) steps; in each, host i sends M/N bytes to
// host i+1 once it has received the previous step's chunk from host i−1.
struct RingPattern {
  NetworkModel* network;
  int N, steps;
  double chunk;

  void start() {
    for (int i = 0; i < N; ++i) send(i, 0);
  }
  void send(int host, int step) {
    network->send(host, (host + 1) % N, chunk, [this, host, step] {
      if (step + 1 < steps) send((host + 1) % N, step + 1);
    });
  }
};

}  // namespace

TEST_CASE("a ring all-reduce pattern on a 256-host ring meets its closed form (flows/s printed)") {
  const int N = 256;
  const double alpha = 5e-6, B = 1.25e9, M = 64e6;
  csgd::TopologySpec spec;
  spec.name = "ring";
  const auto t = csgd::build_topology(spec, N, alpha, B);
  EventEngine engine;
  const auto net = csgd::make_flow_network(engine, t);
  RingPattern ring{net.get(), N, 2 * (N - 1), M / N};
  constexpr int kRounds = 20;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    const double begin = engine.now();
    ring.start();
    engine.run();
    CHECK(engine.now() - begin == Approx(2 * (N - 1) * (alpha + M / (N * B))).epsilon(1e-9));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(net->flows_completed() == static_cast<std::uint64_t>(kRounds) * N * 2 * (N - 1));
  MESSAGE("flow network: ", net->flows_completed() / wall / 1e6, " M flows/s (256-host ring all-reduce, ",
          engine.events_processed() / wall / 1e6, " M events/s)");
}
