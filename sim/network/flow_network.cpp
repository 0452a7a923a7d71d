// The flow-level network model: every message is a flow on its route, and concurrent flows share
// link bandwidth max-min fairly. Rates change only when the set of flows changes; all changes of
// one instant are batched into one recompute that runs after the instant's ordinary events
// (priority 1), which re-solves only the flows connected to a link where a flow started or ended
// (the others' rates cannot change; link_flows.hpp finds them). Between its rate changes a flow
// drains at a constant rate, so its completion is predicted once per change into a heap; the
// model keeps one engine event at the earliest prediction, cancelled and replaced when that moves.
// A flow whose bytes are all out still needs its path latency before `done`: an uncontended
// message of M bytes over latency L and bottleneck B takes L + M/B.
//
// The sharing models (FlowSharing, network.hpp) other than equal max-min follow SimGrid 3.32's
// network models (src/surf/network_cm02.cpp, src/kernel/lmm/maxmin.cpp), whose sources are
//   CM02: H. Casanova, L. Marchal, "A Network Model for Simulation of Grid Application",
//         LIP research report 2002-40: TCP flows share a bottleneck in inverse proportion to
//         their round-trip time;
//   LV08: P. Velho, A. Legrand, "Accuracy Study and Improvement of Network Simulation in the
//         SimGrid Framework", SIMUTools 2009: CM02 calibrated against packet-level simulation
//         (GTNetS): latency × 13.01, bandwidth × 0.97, sharing penalty L + Σ 20537 / B_link.
// In both, a flow first waits its (scaled) path latency, then joins the sharing with penalty
// p = L (1 when L = 0; lv08 adds Σ 20537 / B), i.e. weight 1/p, capped at γ/(2L) (TCP window),
// and ends when its last byte is out. SimGrid's ACK cross-traffic option (network/crosstraffic,
// 5% of a flow's rate on its reverse route) is not modelled.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "base/free_slots.hpp"
#include "csgd/network.hpp"
#include "network/bytes_sent.hpp"
#include "network/deliveries.hpp"
#include "network/link_flows.hpp"
#include "network/max_min_sharing.hpp"

namespace csgd {
namespace {

// One capacity per directed link; a half-duplex link's two directions share capacity 2e (the
// odd slot stays unused).
std::vector<double> capacities(const PhysicalTopology& t) {
  std::vector<double> c;
  c.reserve(t.links.size());
  for (const DirectedLink& l : t.links) c.push_back(l.bandwidth_Bps);
  return c;
}

bool any_half_duplex(const PhysicalTopology& t) {
  for (const DirectedLink& l : t.links)
    if (l.half_duplex) return true;
  return false;
}

// LV08's calibration (Velho & Legrand 2009), as SimGrid 3.32 sets it.
constexpr double kLv08LatencyFactor = 13.01, kLv08BandwidthFactor = 0.97, kLv08WeightS = 20537;

class FlowNetwork final : public NetworkModel, private Receiver {
 public:
  FlowNetwork(EventEngine& engine, const PhysicalTopology& topology, FlowSharing sharing)
      : engine_(engine),
        topology_(topology),
        router_(topology_),
        deliveries_(engine),
        joins_(engine),
        sharing_(capacities(topology_)),
        link_flows_(static_cast<int>(topology_.links.size())),
        model_(sharing),
        weighted_(sharing.model != Sharing::max_min),
        half_duplex_(any_half_duplex(topology_)),
        latency_factor_(sharing.model == Sharing::lv08 ? kLv08LatencyFactor : 1.0),
        rate_factor_(sharing.model == Sharing::lv08 ? kLv08BandwidthFactor : 1.0),
        bytes_sent_(topology_.hosts) {}

  using NetworkModel::send;
  void send(int src, int dst, double bytes, Receiver& to, std::uint64_t tag) override {
    BytesSent::check(bytes);
    const auto [path, latency] = router_.route(src, dst);  // checks the host ids
    bytes_sent_.add(src, bytes);
    if (path.empty() || bytes == 0) {  // nothing to share: src == dst, or latency only
      deliveries_.deliver_in(latency * latency_factor_, to, tag);
      return;
    }
    const std::span<const int> route = half_duplex_ ? capacity_route(src, dst, path) : path;
    if (!weighted_) return join(route, bytes, latency, 1.0, std::numeric_limits<double>::infinity(), {&to, tag});
    // CM02 / LV08: the latency first; then the flow shares with weight 1/penalty under its TCP
    // window bound.
    double penalty = latency > 0 ? latency : 1.0;
    if (model_.model == Sharing::lv08)
      for (int l : path) penalty += kLv08WeightS / topology_.links[static_cast<std::size_t>(l)].bandwidth_Bps;
    const double bound = latency > 0 ? model_.tcp_window_bytes / (2 * latency) : std::numeric_limits<double>::infinity();
    // The flow waits in a reused slot (an event capturing it all would allocate once per message),
    // and flows that join at one instant share one engine event, as deliveries do.
    const int slot = take_slot(free_waiting_, waiting_);
    waiting_[static_cast<std::size_t>(slot)] = Waiting{route, bytes, penalty, bound, {&to, tag}};
    joins_.deliver_in(latency * latency_factor_, *this, static_cast<std::uint64_t>(slot));
  }

  std::uint64_t flows_completed() const override { return deliveries_.completed(); }

  // A waiting CM02 / LV08 flow has paid its latency: it joins the sharing.
  void delivered(std::uint64_t slot) override {
    const Waiting w = waiting_[slot];
    free_waiting_.push_back(static_cast<int>(slot));
    join(w.route, w.bytes, 0.0, 1.0 / w.penalty, w.bound, w.to);
  }

  double bytes_sent(int host) const override { return bytes_sent_.of(host); }

 private:
  // A flow in flight. Its bytes drain at `rate` × the model's rate factor from `updated_at` on;
  // `remaining` is what was left then (brought up to date only when the rate changes, so a
  // flow's arithmetic does not depend on how many unrelated events happen meanwhile).
  struct Flow {
    std::span<const int> route;
    double bytes = 0, remaining = 0, updated_at = 0, rate = 0;
    double after = 0;  // latency still to pay once the last byte is out
    double weight = 1, bound = 0;
    std::uint64_t order = 0;    // join order: ties and batches are handled in this order
    std::uint32_t version = 0;  // bumped when its predicted completion changes: older heap entries are stale
  };
  // A CM02 / LV08 flow paying its latency before it joins the sharing.
  struct Waiting {
    std::span<const int> route;
    double bytes, penalty, bound;
    Addressee to;
  };
  // Predicted completions come in batches: the flows of one recompute that finish at the same
  // instant, consecutive in join order (every flow of a ring step, say), share one heap entry. A
  // batch of one flow lives in its heap entry: when flows drift apart (ECMP on a fat-tree: ~3
  // flows per recompute at 16k hosts) that saves two dependent cache misses per completion.
  struct Predicted {
    int slot;
    std::uint32_t version;  // stale once the flow's version moves on
  };
  struct Batch {
    std::vector<Predicted> flows;  // in join order
    std::size_t next = 0;          // flows before it are finished or stale
  };
  struct Due {  // a batch's heap entry: (finish_at, order of its first flow) orders the heap
    double finish_at;
    std::uint64_t order;
    int batch;              // ≥ 0: batches_[batch]; < 0: the one flow in slot −1 − batch
    std::uint32_t version;  // that one flow's prediction
    bool operator>(const Due& o) const { return finish_at != o.finish_at ? finish_at > o.finish_at : order > o.order; }
  };

  // A flow enters the sharing now; `after` is the latency still to pay once its bytes are out.
  // It drains nothing until the recompute gives it a rate. Inlined into send (one call fewer per
  // message; GCC would not, send being large).
  [[gnu::always_inline]] void join(std::span<const int> route, double bytes, double after, double weight, double bound,
                                   Addressee to) {
    const int slot = take_slot(free_, flows_, to_);
    Flow& f = flows_[static_cast<std::size_t>(slot)];
    f = Flow{route, bytes, bytes, engine_.now(), 0, after, weight, bound, next_order_++, f.version + 1};
    to_[static_cast<std::size_t>(slot)] = to;
    if (!link_flows_.add(slot, route)) joined_shared_ = true;
    joined_.push_back(slot);
    request_recompute();
  }

  void request_recompute() {
    if (recompute_pending_) return;
    recompute_pending_ = true;
    engine_.schedule_at(engine_.now(), [this] { recompute(); }, 1);
  }

  // A route as capacity ids: both directions of a half-duplex link are capacity 2e.
  std::span<const int> capacity_route(int src, int dst, std::span<const int> path) {
    const auto key = static_cast<std::uint64_t>(src) << 32 | static_cast<std::uint32_t>(dst);
    auto [it, fresh] = capacity_routes_.try_emplace(key);
    if (fresh)
      for (int l : path) it->second.push_back(topology_.links[static_cast<std::size_t>(l)].half_duplex ? l & ~1 : l);
    return it->second;
  }

  Flow& flow(int slot) { return flows_[static_cast<std::size_t>(slot)]; }
  auto earlier() { return [this](int a, int b) { return flow(a).order < flow(b).order; }; }  // join order
  void sort_by_order(std::vector<int>& slots) {  // often in order already (a check is cheaper)
    if (!std::is_sorted(slots.begin(), slots.end(), earlier())) std::sort(slots.begin(), slots.end(), earlier());
  }
  double drain_rate(const Flow& f) const { return f.rate * rate_factor_; }  // LV08: 0.97 × its share; × 1.0 is exact
  double remaining_now(const Flow& f) const { return f.remaining - drain_rate(f) * (engine_.now() - f.updated_at); }

  // True when every flow joined since the last recompute is alone on each link of its route and
  // no flow ended on a link that others still use: then the flows to re-solve are exactly the
  // joined ones, each a component of its own (every step of a ring on a ring, say). A joined
  // flow that found company at its join, or was joined by a later one, set joined_shared_; one
  // whose company left since left a link in ended_on_shared_ (the remover saw it still used).
  bool joined_alone() const { return ended_on_shared_.empty() && !joined_shared_; }

  // Re-solves the flows connected to a link where a flow started or ended, in join order (the
  // order a full solve would see them in), and re-predicts the completions whose rate changed.
  void recompute() {
    recompute_pending_ = false;
    const bool alone = joined_alone();
    if (alone) {
      // Alone on its links, a flow gets what the solve would give it alone (no search, no solve:
      // its rate is taken where it is used below; joined_ is in join order already).
      component_.swap(joined_);
    } else {
      // The search starts from every link where a flow joined or ended leaving others.
      for (int slot : joined_)
        for (int l : flow(slot).route) ended_on_shared_.push_back(l);  // routes are short: no memmove call
      const std::span<const int> found =
          link_flows_.component(ended_on_shared_, [this](int slot) { return flow(slot).route; });
      component_.assign(found.begin(), found.end());
      sort_by_order(component_);
      routes_.clear();
      weights_.clear();
      bounds_.clear();
      for (int slot : component_) {
        const Flow& f = flow(slot);
        routes_.push_back(f.route);
        if (weighted_) {  // max-min passes no terms: its solve skips weights and bounds entirely
          weights_.push_back(f.weight);
          bounds_.push_back(f.bound);
        }
      }
      rates_.resize(component_.size());
      if (!component_.empty()) sharing_.solve(routes_, rates_, {weights_, bounds_});
    }
    ended_on_shared_.clear();
    joined_.clear();
    joined_shared_ = false;
    if (component_.empty()) return schedule_next_completion();
    const double now = engine_.now();
    bool filling = false;  // due_.back() is the entry being filled, not yet in the heap
    for (std::size_t k = 0; k < component_.size(); ++k) {
      Flow& f = flow(component_[k]);
      const double rate = !alone       ? rates_[k]
                          : weighted_ ? sharing_.alone_rate(f.route, f.weight, f.bound)
                                      : sharing_.smallest_capacity(f.route);
      if (rate == f.rate) continue;  // same rate: same prediction
      f.remaining = remaining_now(f);
      f.updated_at = now;
      f.rate = rate;
      const double finish_at = now + std::max(f.remaining, 0.0) / drain_rate(f);
      if (!filling || finish_at != due_.back().finish_at) {
        if (filling) std::push_heap(due_.begin(), due_.end(), std::greater<>{});
        due_.push_back(Due{finish_at, f.order, -1 - component_[k], ++f.version});
        filling = true;
        continue;
      }
      Due& d = due_.back();
      if (d.batch < 0) {  // a second flow: the entry becomes a batch
        const int b = take_slot(free_batches_, batches_);
        batches_[static_cast<std::size_t>(b)].flows.push_back({-1 - d.batch, d.version});
        d.batch = b;
      }
      batches_[static_cast<std::size_t>(d.batch)].flows.push_back({component_[k], ++f.version});
    }
    if (filling) std::push_heap(due_.begin(), due_.end(), std::greater<>{});
    schedule_next_completion();
  }

  void pop_batch() {
    if (due_.front().batch >= 0) {
      Batch& b = batches_[static_cast<std::size_t>(due_.front().batch)];
      b.flows.clear();
      b.next = 0;
      free_batches_.push_back(due_.front().batch);
    }
    std::pop_heap(due_.begin(), due_.end(), std::greater<>{});
    due_.pop_back();
  }
  bool live(const Predicted& p) { return p.version == flow(p.slot).version; }
  // Skips the front entry's stale flows; false if none is left.
  bool skip_stale(const Due& d) {
    if (d.batch < 0) return live({-1 - d.batch, d.version});
    Batch& b = batches_[static_cast<std::size_t>(d.batch)];
    while (b.next < b.flows.size() && !live(b.flows[b.next])) ++b.next;
    return b.next < b.flows.size();
  }

  // Drops stale predictions and keeps one engine event at the earliest live one, withdrawing an
  // event for a prediction that no longer holds (it would otherwise move the clock for nothing).
  void schedule_next_completion() {
    while (!due_.empty() && !skip_stale(due_.front())) pop_batch();
    if (due_.empty() || due_.front().finish_at == next_completion_at_) return;
    if (next_completion_at_ >= 0) engine_.cancel(completion_event_);
    next_completion_at_ = due_.front().finish_at;
    completion_event_ = engine_.schedule_at(next_completion_at_, [this] { on_completion(); });
  }

  // Finishes every flow that is due — by its prediction, or with only float residue left (a flow
  // predicted an ulp later than its twin on the same bottleneck) — in join order, then asks for
  // new rates.
  void on_completion() {
    next_completion_at_ = -1;
    const double now = engine_.now();
    finished_.clear();
    bool residue_left = false;
    // Batches list their flows in join order, so the finished ones mostly come in join order: a
    // flag kept as they come saves the sortedness check's second pass over them.
    bool in_order = true;
    std::uint64_t last_order = 0;
    // False for a live flow that is not due and has more than residue left.
    const auto finish = [&](Predicted p, bool due) {
      Flow& f = flow(p.slot);
      if (p.version != f.version) return true;
      if (!due && remaining_now(f) > 1e-9 * f.bytes) return false;
      ++f.version;  // no other prediction of this flow may fire
      in_order = in_order && (finished_.empty() || f.order > last_order);
      last_order = f.order;
      finished_.push_back(p.slot);
      return true;
    };
    while (!due_.empty() && !residue_left) {
      const Due& d = due_.front();
      const bool due = d.finish_at <= now;
      if (d.batch < 0) {
        residue_left = !finish({-1 - d.batch, d.version}, due);
      } else {
        Batch& b = batches_[static_cast<std::size_t>(d.batch)];
        for (; b.next < b.flows.size() && !residue_left; ++b.next) residue_left = !finish(b.flows[b.next], due);
        if (residue_left) --b.next;  // it and all later predictions stay
      }
      if (!residue_left) pop_batch();
    }
    if (!in_order) std::sort(finished_.begin(), finished_.end(), earlier());
    landing_.clear();  // the run of finished flows with one latency still to pay: delivered together
    double landing_after = 0;
    for (int slot : finished_) {
      Flow& f = flow(slot);
      link_flows_.remove(slot, f.route);
      // A link left empty holds no flow whose rate could change: only the others are searched.
      for (int l : f.route)
        if (link_flows_.flows_on(l) > 0) ended_on_shared_.push_back(l);
      if (f.after != landing_after) {
        deliveries_.deliver_all_in(landing_after, landing_);
        landing_.clear();
        landing_after = f.after;
      }
      landing_.push_back(to_[static_cast<std::size_t>(slot)]);
      free_.push_back(slot);
    }
    deliveries_.deliver_all_in(landing_after, landing_);
    // Rates change only for flows still on a link that lost one. When no other event shares this
    // instant, the recompute event would run next: re-solve at once instead (the same state, one
    // event fewer — when flows drift apart, most instants are like this).
    if (std::any_of(ended_on_shared_.begin(), ended_on_shared_.end(), [this](int l) { return link_flows_.flows_on(l) > 0; })) {
      if (!recompute_pending_ && engine_.next_time() > now) return recompute();
      request_recompute();
    } else if (!recompute_pending_)
      ended_on_shared_.clear();
    if (!recompute_pending_) schedule_next_completion();  // else the recompute will, with the new rates
  }

  EventEngine& engine_;
  const PhysicalTopology topology_;  // a copy: the router and the routes point into it
  Router router_;
  Deliveries deliveries_;
  Deliveries joins_;  // CM02 / LV08: flows paying their latency before they join
  MaxMinSharing sharing_;
  LinkFlows link_flows_;
  FlowSharing model_;
  bool weighted_, half_duplex_;
  double latency_factor_, rate_factor_;
  std::unordered_map<std::uint64_t, std::vector<int>> capacity_routes_;  // half duplex: (src, dst) → capacity ids
  BytesSent bytes_sent_;

  std::vector<Waiting> waiting_;  // by slot; reused through free_waiting_
  std::vector<int> free_waiting_;

  // Flows in flight, in reused slots; to_ beside them so that Flow stays small to copy.
  std::vector<Flow> flows_;
  std::vector<Addressee> to_;
  std::vector<int> free_;
  std::uint64_t next_order_ = 0;
  std::vector<Due> due_;  // min-heap of predicted completions, stale ones included
  std::vector<Batch> batches_;  // by Due::batch; reused through free_batches_
  std::vector<int> free_batches_;
  double next_completion_at_ = -1;  // the time of the pending completion event (−1: none)
  EventEngine::EventId completion_event_;
  // Since the last recompute: the flows that joined, in join order, and the links where a flow
  // ended while others still used them (then the search's seeds with the joined flows' links).
  std::vector<int> joined_;
  std::vector<int> ended_on_shared_;
  bool joined_shared_ = false;  // a flow of joined_ shared a link with another at its join

  // recompute's scratch
  std::vector<int> component_, finished_;
  std::vector<Addressee> landing_;  // on_completion's scratch
  std::vector<std::span<const int>> routes_;
  std::vector<double> rates_, weights_, bounds_;
  bool recompute_pending_ = false;
};

}  // namespace

const char* to_string(Sharing s) {
  switch (s) {
    case Sharing::max_min: return "max-min";
    case Sharing::rtt_weighted: return "rtt-weighted";
    case Sharing::lv08: return "lv08";
  }
  return "unknown";
}

std::unique_ptr<NetworkModel> make_flow_network(EventEngine& engine, const PhysicalTopology& topology,
                                                FlowSharing sharing) {
  return std::make_unique<FlowNetwork>(engine, topology, sharing);
}

}  // namespace csgd
