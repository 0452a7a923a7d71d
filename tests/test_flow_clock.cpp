#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "csgd/collective.hpp"
#include "csgd/errors.hpp"
#include "csgd/timing.hpp"
#include "csgd/trace.hpp"

using csgd::CommRound;
using csgd::IterationOps;
using csgd::RoundKind;
using csgd::TimingSpec;

namespace {

constexpr double kAlpha = 5e-6;
constexpr double kB = 1.25e9;
constexpr double kStep = 1e-3;

bool close(double got, double expected, double rel = 1e-9) {
  return std::abs(got - expected) <= rel * std::abs(expected);
}

TimingSpec flow_spec(const std::string& topology) {
  TimingSpec spec;
  spec.network.model = "flow";
  spec.network.latency_s = kAlpha;
  spec.network.bandwidth_Bps = kB;
  spec.network.topology.name = topology;
  spec.compute.step_time_s = kStep;
  return spec;
}

// Algorithm 1: an all-reduce of M after every I-th step.
csgd::Schedule local_sgd(int I, double M) {
  return [I, M](std::int64_t t) {
    IterationOps ops;
    if (t % I == 0) ops.round = CommRound{RoundKind::all_reduce, M};
    return ops;
  };
}

// Algorithm 2: a neighbour exchange of M after every step.
csgd::Schedule decentralized(double M) {
  return [M](std::int64_t) { return IterationOps{{}, CommRound{RoundKind::neighbour_exchange, M}}; };
}

std::vector<std::vector<int>> ring_neighbours(int N) {
  std::vector<std::vector<int>> out(static_cast<std::size_t>(N));
  for (int i = 0; i < N; ++i) out[static_cast<std::size_t>(i)] = {(i + N - 1) % N, (i + 1) % N};
  return out;
}

csgd::ClockSetup setup_for(int N, csgd::TraceRecorder* trace = nullptr, bool neighbours = false) {
  csgd::ClockSetup s;
  s.N = N;
  s.seed = 42;
  s.trace = trace;
  if (neighbours) s.neighbours = ring_neighbours(N);
  return s;
}

// end_s of iterations 1..T, advancing one at a time.
std::vector<double> end_times(csgd::ClusterClock& clock, const csgd::Schedule& schedule, std::int64_t T) {
  std::vector<double> ends;
  for (std::int64_t t = 1; t <= T; ++t) ends.push_back(clock.advance(t, schedule).end_s);
  return ends;
}

// When each worker finished each iteration's round: the end of its round span.
std::map<std::pair<int, long long>, double> round_ends(const csgd::TraceRecorder& trace) {
  std::map<std::pair<int, long long>, double> ends;
  for (const auto& s : trace.spans())
    if (std::string(s.name) != "compute") ends[{s.worker, s.iteration}] = s.end_s;
  return ends;
}

std::string validation_field(const TimingSpec& spec, const csgd::ClockSetup& setup) {
  try {
    csgd::make_flow_clock(spec, setup);
  } catch (const csgd::ValidationError& e) {
    return e.field();
  }
  return "";
}

}  // namespace

TEST_CASE("Algorithm 1 with constant steps ends each iteration at its steps plus its all-reduces") {
  const int N = 8, I = 4;
  const double M = 1e6;
  const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(N));
  const auto ends = end_times(*clock, local_sgd(I, M), 12);
  const double C = csgd::ring_allreduce_closed_form_s(N, M, kAlpha, kB);
  for (std::int64_t t = 1; t <= 12; ++t) {
    CAPTURE(t);
    CHECK(close(ends[static_cast<std::size_t>(t - 1)], t * kStep + static_cast<double>(t / I) * C));
  }
  CHECK(clock->now_s() == ends.back());
  // The analytic clock computes the same lock-step timeline in closed form.
  TimingSpec analytic = flow_spec("ring");
  analytic.network.model = "analytic";
  const auto reference = csgd::make_analytic_clock(analytic, setup_for(N));
  const auto expected = end_times(*reference, local_sgd(I, M), 12);
  for (std::size_t k = 0; k < ends.size(); ++k) CHECK(close(ends[k], expected[k]));
}

TEST_CASE("between synchronisations fast workers run ahead of a slow one") {
  TimingSpec spec = flow_spec("ring");
  spec.compute.speed_factors = {10, 1, 1, 1};
  csgd::TraceRecorder trace;
  const auto clock = csgd::make_flow_clock(spec, setup_for(4, &trace));
  const double end1 = clock->advance(1, local_sgd(4, 1e5)).end_s;
  CHECK(close(end1, 10 * kStep));
  std::set<long long> done_by_worker1;
  for (const auto& s : trace.spans())
    if (s.worker == 1 && std::string(s.name) == "compute" && s.end_s <= end1) done_by_worker1.insert(s.iteration);
  CHECK(done_by_worker1 == std::set<long long>{1, 2, 3, 4});  // then it waits in the all-reduce of t = 4
}

TEST_CASE("in Algorithm 2 a straggler delays its neighbours first and the far side of the ring last") {
  // Ring of 8, worker 0 ten times slower. Without a barrier, worker d hops away is held up from
  // iteration d on: iteration k waits on messages of iteration k from the neighbours, whose own
  // iteration k − 1 waited on theirs.
  const int N = 8;
  TimingSpec spec = flow_spec("ring");
  spec.compute.speed_factors.assign(N, 1.0);
  spec.compute.speed_factors[0] = 10;
  csgd::TraceRecorder trace;
  const auto clock = csgd::make_flow_clock(spec, setup_for(N, &trace, true));
  end_times(*clock, decentralized(1e5), 4);
  const auto ends = round_ends(trace);
  for (long long k = 1; k <= 4; ++k)
    for (int w = 1; w < N; ++w) {
      CAPTURE(k);
      CAPTURE(w);
      const int hops = std::min(w, N - w);
      const double finish = ends.at({w, k});
      if (hops <= k) CHECK(finish > 9 * kStep);              // behind the straggler's first step
      else CHECK(finish < (static_cast<double>(k) + 1) * kStep);  // still at full speed
    }
  // Neighbours of the straggler finish iteration 1 one message after its step.
  CHECK(close(ends.at({1, 1}), 10 * kStep + kAlpha + 1e5 / kB));
  CHECK(close(ends.at({4, 1}), kStep + kAlpha + 1e5 / kB));
}

TEST_CASE("random stragglers cost I = 1 more simulated time per iteration than I = 32") {
  const int N = 16;
  const std::int64_t T = 256;
  const auto per_iteration = [&](int I, double p) {
    TimingSpec spec = flow_spec("ring");
    spec.compute.straggler_probability = p;
    spec.compute.straggler_slowdown = 10;
    const auto clock = csgd::make_flow_clock(spec, setup_for(N));
    const auto schedule = local_sgd(I, 1e5);
    double end = 0;
    for (std::int64_t t = 1; t <= T; ++t) end = clock->advance(t, schedule).end_s;
    return end / static_cast<double>(T);
  };
  const double penalty_1 = per_iteration(1, 0.05) - per_iteration(1, 0);
  const double penalty_32 = per_iteration(32, 0.05) - per_iteration(32, 0);
  CHECK(penalty_32 > 0);
  CHECK(penalty_1 > 2 * penalty_32);  // a barrier every step waits for every step's slowest worker
}

TEST_CASE("the timeline is bit-identical across runs and whatever chunks advance is called in") {
  const int N = 8;
  TimingSpec spec = flow_spec("torus");
  spec.compute.jitter = 0.3;
  spec.compute.straggler_probability = 0.1;
  spec.compute.straggler_slowdown = 5;
  for (bool exchange : {false, true}) {
    CAPTURE(exchange);
    const auto schedule = exchange ? decentralized(2e5) : local_sgd(3, 2e5);
    csgd::TraceRecorder trace_a, trace_b, trace_c;
    const auto a = csgd::make_flow_clock(spec, setup_for(N, &trace_a, exchange));
    const auto b = csgd::make_flow_clock(spec, setup_for(N, &trace_b, exchange));
    const auto c = csgd::make_flow_clock(spec, setup_for(N, &trace_c, exchange));
    const auto ends_a = end_times(*a, schedule, 30);
    const auto ends_b = end_times(*b, schedule, 30);
    CHECK(ends_a == ends_b);
    for (std::int64_t t : {3, 10, 11, 25, 30}) CHECK(c->advance(t, schedule).end_s == ends_a[static_cast<std::size_t>(t - 1)]);
    for (const auto* other : {&trace_b, &trace_c}) {
      REQUIRE(other->spans().size() == trace_a.spans().size());
      for (std::size_t k = 0; k < trace_a.spans().size(); ++k) {
        const auto &x = trace_a.spans()[k], &y = other->spans()[k];
        CHECK((x.worker == y.worker && std::string(x.name) == y.name && x.begin_s == y.begin_s && x.end_s == y.end_s &&
               x.iteration == y.iteration));
      }
    }
    const auto ta = a->worker_times(), tc = c->worker_times();
    for (std::size_t w = 0; w < ta.size(); ++w)
      CHECK((ta[w].compute_s == tc[w].compute_s && ta[w].comm_s == tc[w].comm_s && ta[w].wait_s == tc[w].wait_s));
  }
}

TEST_CASE("byte counts are the payload the round actually sends") {
  const int N = 8;
  const double M = 1e6;
  SUBCASE("ring all-reduce: 2(N-1)M/N per worker, only in iterations with a round") {
    const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(N));
    const auto schedule = local_sgd(4, M);
    for (std::int64_t t = 1; t <= 8; ++t) {
      const auto timing = clock->advance(t, schedule);
      CAPTURE(t);
      CHECK(close(timing.bytes_total, t % 4 == 0 ? 2.0 * (N - 1) * M : 0.0, 1e-12));
      CHECK(close(timing.bytes_max_worker, t % 4 == 0 ? 2.0 * (N - 1) * M / N : 0.0, 1e-12));
    }
  }
  SUBCASE("hierarchical ring on a 2×4 torus: row phases of M/4 chunks, column phase of M/8") {
    const auto clock = csgd::make_flow_clock(flow_spec("torus"), setup_for(N));
    const auto timing = clock->advance(1, local_sgd(1, M));
    const double per_worker = 2 * 3 * M / 4 + 2 * 1 * M / 8;
    CHECK(close(timing.bytes_total, N * per_worker, 1e-12));
    CHECK(close(timing.bytes_max_worker, per_worker, 1e-12));
  }
  SUBCASE("neighbour exchange on a ring: M to each of two neighbours") {
    const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(N, nullptr, true));
    const auto timing = clock->advance(1, decentralized(M));
    CHECK(close(timing.bytes_total, 2.0 * N * M, 1e-12));
    CHECK(close(timing.bytes_max_worker, 2 * M, 1e-12));
    // Uncontended: every worker steps, then one message over one link.
    CHECK(close(timing.end_s, kStep + kAlpha + M / kB));
  }
}

TEST_CASE("worker times add up to at most the elapsed time, exactly for the last worker") {
  const int N = 8;
  SUBCASE("lock-step ring all-reduce: every worker communicates the whole round") {
    const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(N));
    const double end = clock->advance(4, local_sgd(4, 1e6)).end_s;
    for (const auto& w : clock->worker_times()) {
      CHECK(close(w.compute_s, 4 * kStep));
      CHECK(close(w.comm_s, csgd::ring_allreduce_closed_form_s(N, 1e6, kAlpha, kB)));
      CHECK(w.wait_s == 0);
      CHECK(close(w.compute_s + w.comm_s + w.wait_s, end, 1e-12));
    }
  }
  SUBCASE("jitter and a straggler: the others wait for it inside the all-reduce") {
    TimingSpec spec = flow_spec("ring");
    spec.compute.jitter = 0.2;
    spec.compute.speed_factors.assign(N, 1.0);
    spec.compute.speed_factors[3] = 4;
    const auto clock = csgd::make_flow_clock(spec, setup_for(N));
    const auto schedule = local_sgd(4, 1e6);
    for (std::int64_t t = 1; t <= 16; ++t) {
      const double end = clock->advance(t, schedule).end_s;
      double latest = 0;
      for (const auto& w : clock->worker_times()) {
        const double total = w.compute_s + w.comm_s + w.wait_s;
        CHECK(total <= end * (1 + 1e-12));
        latest = std::max(latest, total);
      }
      if (t % 4 == 0) CHECK(close(latest, end, 1e-12));  // the last worker out never idled
    }
    const auto times = clock->worker_times();
    CHECK(times[3].wait_s < 0.1 * times[2].wait_s);
    CHECK(times[2].wait_s > 4 * 2 * kStep);  // ≈ 3 steps per round, 4 rounds
    for (const auto& w : times) CHECK(w.comm_s > 0);
  }
}

TEST_CASE("a worker's comm and wait split at every change of its messages in flight, even a microsecond apart") {
  // Two workers, a ring all-reduce of M (two steps of one M/2 chunk each way, T = α + M/(2B) per
  // message, alone on its link). Worker 1 enters δ = 1 µs after worker 0's first chunk has
  // landed: worker 0 is comm while that chunk flies, waits δ with nothing of its own in flight,
  // then is comm for both of worker 1's chunks and its own second one.
  const double M = 1e6, T = kAlpha + M / 2 / kB, delta = 1e-6;
  TimingSpec spec = flow_spec("ring");
  spec.compute.speed_factors = {1.0, (kStep + T + delta) / kStep};
  const auto clock = csgd::make_flow_clock(spec, setup_for(2));
  const double t1 = kStep * spec.compute.speed_factors[1];  // worker 1 enters
  const double end = clock->advance(1, local_sgd(1, M)).end_s;
  CHECK(close(end, t1 + 2 * T));
  const auto times = clock->worker_times();
  CHECK(close(times[0].comm_s, 3 * T));
  CHECK(close(times[0].wait_s, delta));
  CHECK(close(times[1].compute_s, t1));
  CHECK(close(times[1].comm_s, 2 * T));
  CHECK(times[1].wait_s == 0);
}

TEST_CASE("messages that land together each end their hosts' comm, as one landing alone would") {
  // Three workers on a ring (4 steps of one M/3 chunk, T = α + M/(3B)); worker 2 enters T + δ
  // after the others. At T the chunks 0 → 1 and 1 → 2 land at one instant (one batch of
  // deliveries): worker 0 then has nothing in flight until worker 2's chunk leaves at T + δ, and
  // worker 1's next chunk lands at 2T, δ before worker 0's can leave. Then all is in lockstep.
  const double M = 3e6, T = kAlpha + M / 3 / kB, delta = 1e-6;
  TimingSpec spec = flow_spec("ring");
  spec.compute.speed_factors = {1.0, 1.0, (kStep + T + delta) / kStep};
  const auto clock = csgd::make_flow_clock(spec, setup_for(3));
  const double end = clock->advance(1, local_sgd(1, M)).end_s;
  CHECK(close(end, kStep + 5 * T + delta));
  const auto times = clock->worker_times();
  for (const int w : {0, 1}) {
    CHECK(close(times[w].comm_s, 5 * T));
    CHECK(close(times[w].wait_s, delta));
  }
  CHECK(close(times[2].compute_s, kStep + T + delta));
  CHECK(close(times[2].comm_s, 4 * T));
  CHECK(times[2].wait_s == 0);
}

TEST_CASE("the trace is valid Chrome trace JSON with one thread per worker") {
  const int N = 6;
  csgd::TraceRecorder trace;
  const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(N, &trace));
  end_times(*clock, local_sgd(2, 1e5), 4);
  const auto json = nlohmann::json::parse(trace.chrome_json());
  CHECK(json.at("displayTimeUnit") == "ms");
  std::set<int> complete_tids, named_tids;
  std::map<std::string, int> names;
  for (const auto& e : json.at("traceEvents")) {
    CHECK(e.at("pid") == 0);
    if (e.at("ph") == "X") {
      complete_tids.insert(e.at("tid").get<int>());
      ++names[e.at("name").get<std::string>()];
      CHECK(e.at("dur").get<double>() >= 0);
      CHECK(e.at("args").at("iteration").get<long long>() >= 1);
    } else if (e.at("ph") == "M" && e.at("name") == "thread_name") {
      named_tids.insert(e.at("tid").get<int>());
      CHECK(e.at("args").at("name") == "worker " + std::to_string(e.at("tid").get<int>()));
    }
  }
  CHECK(complete_tids.size() == N);
  CHECK(named_tids == complete_tids);
  CHECK(names["compute"] >= 4 * N);
  CHECK(names["all-reduce"] == 2 * N);
  // Timestamps are microseconds: the first all-reduce starts after two 1 ms steps.
  for (const auto& e : json.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("name") == "all-reduce" && e.at("args").at("iteration") == 2)
      CHECK(close(e.at("ts").get<double>(), 2000.0));
}

TEST_CASE("the collective defaults to the topology and a misfit is refused by name") {
  const auto describe = [](TimingSpec spec, int N, bool neighbours = false) {
    return csgd::make_flow_clock(spec, setup_for(N, nullptr, neighbours))->describe();
  };
  CHECK(describe(flow_spec("ring"), 8).find("flow: ring of 8 hosts, ring all-reduce, α = ") == 0);
  CHECK(describe(flow_spec("torus"), 16).find("hierarchical-ring all-reduce") != std::string::npos);
  CHECK(describe(flow_spec("mesh"), 12).find("hierarchical-ring") != std::string::npos);
  CHECK(describe(flow_spec("leaf-spine"), 16).find("hierarchical-ring") != std::string::npos);
  CHECK(describe(flow_spec("complete"), 8).find("halving-doubling") != std::string::npos);
  CHECK(describe(flow_spec("complete"), 6).find("ring all-reduce") != std::string::npos);
  CHECK(describe(flow_spec("fat-tree"), 16).find("ring all-reduce") != std::string::npos);
  CHECK(describe(flow_spec("ring"), 8, true).find("neighbour exchange") != std::string::npos);
  CHECK(describe(flow_spec("ring"), 8).find("compute: 1.00 ms per step") != std::string::npos);

  TimingSpec grid_on_ring = flow_spec("ring");
  grid_on_ring.network.collective = "hierarchical-ring";
  CHECK(validation_field(grid_on_ring, setup_for(8)) == "network.collective");
  TimingSpec too_many_servers = flow_spec("star");
  too_many_servers.network.collective = "parameter-server";
  too_many_servers.network.servers = 9;
  CHECK(validation_field(too_many_servers, setup_for(8)) == "network.servers");
  TimingSpec bad_dims = flow_spec("torus");
  bad_dims.network.topology.dims = {3, 3};
  CHECK(validation_field(bad_dims, setup_for(8)) == "network.topology.dims");
}

TEST_CASE("a hierarchical ring on a leaf-spine has one row per leaf") {
  // 16 hosts default to 2 leaves × 8 hosts: rows of 8 (chunks M/8), columns of 2 (chunks M/16).
  // A 4 × 4 grid would send 2·3·M/4 + 2·3·M/16 per worker instead.
  TimingSpec spec = flow_spec("leaf-spine");
  const auto hier = csgd::make_flow_clock(spec, setup_for(16));
  const auto timing = hier->advance(1, local_sgd(1, 1e6));
  CHECK(close(timing.bytes_total, 16 * (2 * 7 * 1e6 / 8 + 2 * 1 * 1e6 / 16), 1e-12));
  CHECK(timing.end_s > kStep);
}

TEST_CASE("ECMP routing spreads a fat-tree's cross-pod exchanges over the cores and shortens the round") {
  // Halving-doubling on a k = 4 fat-tree (pods of 4 hosts): in its steps at distance 4 and 8
  // every host swaps a block with a host in another pod. Lowest-id routing sends all 16 of
  // those flows through core 0; ECMP spreads them over the four cores.
  TimingSpec spec = flow_spec("fat-tree");
  spec.network.collective = "halving-doubling";
  const auto lowest = csgd::make_flow_clock(spec, setup_for(16));
  spec.network.routing = csgd::Routing::ecmp;
  const auto ecmp = csgd::make_flow_clock(spec, setup_for(16));
  CHECK(ecmp->describe().find("ECMP routing") != std::string::npos);
  CHECK(lowest->describe().find("ECMP") == std::string::npos);
  const double t_lowest = lowest->advance(1, local_sgd(1, 1e6)).end_s;
  const double t_ecmp = ecmp->advance(1, local_sgd(1, 1e6)).end_s;
  MESSAGE("halving-doubling on a k=4 fat-tree: lowest-id ", t_lowest, " s, ECMP ", t_ecmp, " s");
  CHECK(t_ecmp < t_lowest);
}

TEST_CASE("a single worker only computes") {
  for (bool exchange : {false, true}) {
    const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(1));
    const auto schedule = exchange ? decentralized(1e6) : local_sgd(2, 1e6);
    const auto ends = end_times(*clock, schedule, 5);
    for (std::size_t k = 0; k < ends.size(); ++k) CHECK(close(ends[k], (static_cast<double>(k) + 1) * kStep));
    CHECK(clock->worker_times()[0].comm_s == 0);
  }
}

TEST_CASE("advancing backwards is refused") {
  const auto clock = csgd::make_flow_clock(flow_spec("ring"), setup_for(4));
  const auto schedule = local_sgd(2, 1e5);
  clock->advance(1, schedule);
  clock->advance(2, schedule);
  CHECK_THROWS_AS(clock->advance(2, schedule), std::logic_error);
}
