// The discrete-event cluster clock: one timeline per worker on a shared event engine, over the
// flow-level network of the configured topology. A worker steps, enters the iteration's round
// (if any), leaves it when the round says it holds the result, and starts its next iteration at
// once: fast workers run ahead, and flows of different iterations share the network. advance(t)
// runs events until every worker has finished iteration t.
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "csgd/collective.hpp"
#include "csgd/errors.hpp"
#include "csgd/event_engine.hpp"
#include "csgd/timing.hpp"
#include "csgd/traffic_books.hpp"
#include "csgd/units.hpp"
#include "timing/collective_choice.hpp"
#include "timing/neighbour_exchange.hpp"
#include "timing/payload_round.hpp"
#include "timing/worker_ledger.hpp"

namespace csgd {
namespace {

// The run hands over the topology it built (once, in resolve_cluster); direct users of the
// clock (tests, benchmarks) get it built here from the settings.
std::shared_ptr<const PhysicalTopology> cluster_topology(const NetworkSpec& network, const ClockSetup& setup) {
  if (setup.topology) return setup.topology;
  return std::make_shared<const PhysicalTopology>(build_cluster_topology(network, setup.N));
}

// Out-neighbour lists checked, and how many messages each worker receives per exchange.
std::vector<int> in_degrees(const std::vector<std::vector<int>>& out, int N) {
  std::vector<int> in(static_cast<std::size_t>(N), 0);
  if (out.empty()) return in;
  if (out.size() != static_cast<std::size_t>(N))
    throw std::invalid_argument(fmt::format("flow clock: neighbour lists for {} workers, expected {}", out.size(), N));
  for (int i = 0; i < N; ++i)
    for (const int j : out[static_cast<std::size_t>(i)]) {
      if (j < 0 || j >= N || j == i)
        throw std::invalid_argument(fmt::format("flow clock: worker {} has neighbour {} (need 0 ≤ j < {}, j ≠ i)", i, j, N));
      ++in[static_cast<std::size_t>(j)];
    }
  return in;
}

class FlowClock final : public ClusterClock {
 public:
  FlowClock(const TimingSpec& spec, const ClockSetup& setup)
      : N_(setup.N), network_spec_(validated_network(spec, setup.N)),
        topology_(cluster_topology(spec.network, setup)), network_(make_flow_network(engine_, *topology_, spec.network.sharing)),
        compute_(spec.compute, setup),
        collective_(setup.collective ? *setup.collective : choose_collective(spec.network, *topology_, setup.N)),
        out_neighbours_(setup.neighbours), in_degree_(in_degrees(setup.neighbours, setup.N)), ledger_(setup.N),
        workers_(static_cast<std::size_t>(setup.N)), trace_(setup.trace) {}

  IterationTiming advance(std::int64_t t, const Schedule& schedule) override {
    if (t <= last_)
      throw std::logic_error(fmt::format("flow clock: advance({}) after advance({})", t, last_));
    schedule_ = &schedule;
    if (last_ == 0)
      for (int w = 0; w < N_; ++w) start_step(w);
    const Iteration& it = iteration(t);
    // The predicate runs after every event, on the hot path: the stop flag is read only every
    // 4096 events (well under a millisecond of simulation).
    std::uint32_t events = 0;
    const auto stop = [&] { return stop_ && (++events & 0xFFFU) == 0 && stop_->load(std::memory_order_relaxed); };
    engine_.run_while_not([&] { return it.finished == N_ || stop(); });
    if (it.finished != N_ && stop_ && stop_->load())
      throw ClockInterrupted(fmt::format("flow clock: stopped in iteration {} ({} of {} workers through it)", t,
                                         it.finished, N_));
    if (it.finished != N_)
      throw std::logic_error(fmt::format("flow clock: no events left, {} of {} workers finished iteration {}",
                                         it.finished, N_, t));
    IterationTiming timing;
    timing.end_s = it.end_s;
    if (const auto r = rounds_.find(t); r != rounds_.end()) {
      timing.bytes_total = r->second->traffic.bytes_total();
      timing.bytes_max_worker = r->second->traffic.bytes_max_sender();
    }
    last_ = t;
    now_s_ = timing.end_s;
    while (!window_.empty() && first_ <= t) {
      window_.pop_front();
      ++first_;
    }
    release_finished_rounds();
    schedule_ = nullptr;
    return timing;
  }

  double now_s() const override { return now_s_; }
  std::vector<WorkerTime> worker_times() const override { return ledger_.times(); }
  ClockStats stats() const override { return {engine_.events_processed(), network_->flows_completed()}; }
  void stop_when(const std::atomic<bool>* flag) override { stop_ = flag; }

  std::string describe() const override {
    const std::string comm =
        out_neighbours_.empty()
            ? fmt::format("{} all-reduce", to_string(collective_.kind))
            : fmt::format("neighbour exchange (max in-degree {})", *std::max_element(in_degree_.begin(), in_degree_.end()));
    // Today's default (max-min, full duplex) adds nothing, so earlier summaries read the same.
    std::string sharing;
    if (network_spec_.sharing.model != Sharing::max_min)
      sharing += fmt::format(", {} sharing (TCP window {})", to_string(network_spec_.sharing.model),
                             format_bytes(network_spec_.sharing.tcp_window_bytes));
    if (network_spec_.duplex == Duplex::half) sharing += ", half-duplex links";
    if (network_spec_.routing == Routing::ecmp) sharing += ", ECMP routing";
    sharing += describe_framing(network_spec_);
    return fmt::format("flow: {}, {}, α = {}, B = {}{}; compute: {}", topology_->name, comm,
                       format_duration(network_spec_.latency_s), format_bandwidth(network_spec_.bandwidth_Bps),
                       sharing, compute_.describe());
  }

 private:
  // What iteration t does, cached from the schedule while some worker may still need it, and how
  // far the workers have got with it.
  struct Iteration {
    std::vector<double> flops;
    std::optional<CommRound> round;
    int finished = 0;
    double end_s = 0;
  };
  struct Round {
    Round(const EventEngine& engine, int N, std::int64_t t, const char* name) : traffic(engine, N), t(t), name(name) {}
    TrafficBooks traffic;
    std::unique_ptr<Collective> collective;
    std::int64_t t;
    const char* name;
    int done = 0;
  };
  struct Worker {
    std::int64_t iteration = 1;  // the iteration it is working on
    double since = 0;            // its current step or round began here
  };

  static NetworkSpec validated_network(const TimingSpec& spec, int N) {
    spec.validate();
    if (N < 1) throw std::invalid_argument(fmt::format("flow clock: N must be at least 1, got {}", N));
    return spec.network;
  }
  Worker& worker(int w) { return workers_[static_cast<std::size_t>(w)]; }

  Iteration& iteration(std::int64_t t) {
    if (t < first_) throw std::logic_error(fmt::format("flow clock: iteration {} is already retired", t));
    while (first_ + static_cast<std::int64_t>(window_.size()) <= t) {
      const IterationOps ops = (*schedule_)(first_ + static_cast<std::int64_t>(window_.size()));
      if (!ops.gradient_flops.empty() && ops.gradient_flops.size() != static_cast<std::size_t>(N_))
        throw std::invalid_argument(fmt::format("flow clock: gradient FLOPs for {} workers, expected {}",
                                                ops.gradient_flops.size(), N_));
      window_.push_back({{ops.gradient_flops.begin(), ops.gradient_flops.end()}, ops.round, 0, 0.0});
    }
    return window_[static_cast<std::size_t>(t - first_)];
  }

  void start_step(int w) {
    Worker& x = worker(w);
    const Iteration& it = iteration(x.iteration);
    const double flops = it.flops.empty() ? 0.0 : it.flops[static_cast<std::size_t>(w)];
    x.since = engine_.now();
    engine_.schedule_in(compute_.step_seconds(w, flops), [this, w] { step_done(w); });
  }

  void step_done(int w) {
    Worker& x = worker(w);
    const double now = engine_.now();
    ledger_.add_compute(w, now - x.since);
    if (trace_) trace_->add(w, "compute", x.since, now, x.iteration);
    const Iteration& it = iteration(x.iteration);
    if (!it.round) return finish_iteration(w);
    Round& r = round(x.iteration, *it.round);
    x.since = now;
    ledger_.enter_round(w, r.traffic);
    r.collective->enter(w);  // may call round_done at once (N = 1, no neighbours)
  }

  Round& round(std::int64_t t, const CommRound& spec) {
    auto [pos, fresh] = rounds_.try_emplace(t);
    if (!fresh) return *pos->second;
    const bool exchange = spec.kind == RoundKind::neighbour_exchange;
    pos->second = std::make_unique<Round>(engine_, N_, t, exchange ? "exchange" : "all-reduce");
    Round* r = pos->second.get();
    HostDone done = [this, r](int w) { round_done(*r, w); };
    if (exchange && out_neighbours_.empty() && N_ > 1)
      throw std::logic_error("flow clock: a neighbour exchange needs the neighbours of W");
    // One operation of `bytes`: an all-reduce, or Algorithm 2's exchange (eq. 18).
    const auto operation = [this, r, exchange](double bytes, HostDone op_done) {
      return exchange
                 ? make_neighbour_exchange(out_neighbours_, in_degree_, *network_, bytes, std::move(op_done), &r->traffic)
                 : make_collective(collective_, *network_, N_, bytes, std::move(op_done), &r->traffic);
    };
    if (network_spec_.frames_rounds())  // per tensor or bucket, with overheads and staging
      r->collective = make_payload_round(engine_, N_, framing(spec.payload_bytes), operation, std::move(done));
    else
      r->collective = operation(spec.payload_bytes, std::move(done));
    return *r;
  }

  // The framing of a round of M bytes; rounds mostly repeat one M, so it is kept.
  const RoundFraming& framing(double M) {
    if (framing_M_ != M) {  // −1 at first: never a round's size
      framing_M_ = M;
      framing_ = {network_spec_.payload.pieces(M), network_spec_.payload.overlap, network_spec_.software_overhead_s,
                  network_spec_.staging_Bps > 0 ? M / network_spec_.staging_Bps : 0.0};
    }
    return framing_;
  }

  void round_done(Round& r, int w) {
    const double now = engine_.now();
    ledger_.leave_round(w);
    if (trace_) trace_->add(w, r.name, worker(w).since, now, r.t);
    ++r.done;
    finish_iteration(w);
  }

  void finish_iteration(int w) {
    Worker& x = worker(w);
    Iteration& it = iteration(x.iteration);
    ++it.finished;
    it.end_s = std::max(it.end_s, engine_.now());
    ++x.iteration;
    start_step(w);
  }

  // Rounds every worker has left and whose last message has landed; never from inside a callback.
  void release_finished_rounds() {
    std::erase_if(rounds_, [&](const auto& entry) {
      return entry.second->done == N_ && entry.second->traffic.messages_in_flight() == 0;
    });
  }

  int N_;
  NetworkSpec network_spec_;
  EventEngine engine_;  // before the network and the rounds, whose pending events point into them
  std::shared_ptr<const PhysicalTopology> topology_;
  std::unique_ptr<NetworkModel> network_;
  ComputeModel compute_;
  CollectiveSpec collective_;
  RoundFraming framing_;
  double framing_M_ = -1;
  std::vector<std::vector<int>> out_neighbours_;
  std::vector<int> in_degree_;
  WorkerLedger ledger_;
  std::vector<Worker> workers_;
  std::deque<Iteration> window_;  // iterations first_, first_ + 1, …
  std::int64_t first_ = 1;
  std::map<std::int64_t, std::unique_ptr<Round>> rounds_;  // ordered by t: deterministic release
  TraceRecorder* trace_;
  const std::atomic<bool>* stop_ = nullptr;  // stop_when
  const Schedule* schedule_ = nullptr;  // set during advance(): events run only then
  std::int64_t last_ = 0;
  double now_s_ = 0;
};

}  // namespace

std::unique_ptr<ClusterClock> make_flow_clock(const TimingSpec& spec, const ClockSetup& setup) {
  return std::make_unique<FlowClock>(spec, setup);
}

}  // namespace csgd
