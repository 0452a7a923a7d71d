// The flow-level network model: every message is a flow on its route, and concurrent flows share
// link bandwidth max-min fairly. Rates change only when the set of flows changes; all changes of
// one instant are batched into one recompute that runs after the instant's ordinary events
// (priority 1), which re-solves only the flows connected to a link where a flow started or ended
// (the others' rates cannot change). Between recomputes every flow drains at a constant rate, so the model needs one
// pending completion event (the earliest), invalidated by a version number when rates change.
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
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "csgd/network.hpp"
#include "network/deliveries.hpp"
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

void check_bytes(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0)
    throw std::invalid_argument("NetworkModel::send: bytes must be finite and ≥ 0, got " + std::to_string(bytes));
}

class FlowNetwork final : public NetworkModel {
 public:
  FlowNetwork(EventEngine& engine, const PhysicalTopology& topology, FlowSharing sharing)
      : engine_(engine),
        topology_(topology),
        router_(topology_),
        deliveries_(engine),
        sharing_(capacities(topology_)),
        model_(sharing),
        weighted_(sharing.model != Sharing::max_min),
        half_duplex_(any_half_duplex(topology_)),
        latency_factor_(sharing.model == Sharing::lv08 ? kLv08LatencyFactor : 1.0),
        rate_factor_(sharing.model == Sharing::lv08 ? kLv08BandwidthFactor : 1.0),
        bytes_sent_(static_cast<std::size_t>(topology_.hosts), 0.0) {}

  void send(int src, int dst, double bytes, std::function<void()> done) override {
    check_bytes(bytes);
    const std::span<const int> path = router_.path(src, dst);  // checks the host ids
    bytes_sent_[static_cast<std::size_t>(src)] += bytes;
    double latency = 0;
    for (int l : path) latency += topology_.links[static_cast<std::size_t>(l)].latency_s;
    if (path.empty() || bytes == 0) {  // nothing to share: src == dst, or latency only
      deliveries_.deliver_in(latency * latency_factor_, std::move(done));
      return;
    }
    const std::span<const int> route = half_duplex_ ? capacity_route(src, dst, path) : path;
    if (!weighted_) return join(route, bytes, latency, 1.0, std::numeric_limits<double>::infinity(), std::move(done));
    // CM02 / LV08: the latency first; then the flow shares with weight 1/penalty under its TCP
    // window bound.
    double penalty = latency > 0 ? latency : 1.0;
    if (model_.model == Sharing::lv08)
      for (int l : path) penalty += kLv08WeightS / topology_.links[static_cast<std::size_t>(l)].bandwidth_Bps;
    const double bound = latency > 0 ? model_.tcp_window_bytes / (2 * latency) : std::numeric_limits<double>::infinity();
    engine_.schedule_in(latency * latency_factor_, [this, route, bytes, penalty, bound, done = std::move(done)]() mutable {
      join(route, bytes, 0.0, 1.0 / penalty, bound, std::move(done));
    });
  }

  std::uint64_t flows_completed() const override { return deliveries_.completed(); }

  // A flow enters the sharing now; `after` is the latency still to pay once its bytes are out.
  void join(std::span<const int> route, double bytes, double after, double weight, double bound,
            std::function<void()> done) {
    // A new flow drains nothing until the recompute gives it a rate.
    route_.push_back(route);
    bytes_.push_back(bytes);
    remaining_.push_back(bytes);
    rate_.push_back(0);
    finish_at_.push_back(std::numeric_limits<double>::infinity());
    latency_.push_back(after);
    if (weighted_) {  // max-min keeps these empty: its hot path stays as it was
      weight_.push_back(weight);
      bound_.push_back(bound);
    }
    done_.push_back(std::move(done));
    changed_.insert(changed_.end(), route.begin(), route.end());
    request_recompute();
  }

  double bytes_sent(int host) const override {
    if (host < 0 || host >= topology_.hosts) throw std::out_of_range("bytes_sent: no host " + std::to_string(host));
    return bytes_sent_[static_cast<std::size_t>(host)];
  }

 private:
  void request_recompute() {
    if (recompute_pending_) return;
    recompute_pending_ = true;
    engine_.schedule_at(engine_.now(), [this] { recompute(); }, 1);
  }

  // Drains every flow at its current rate up to now.
  void advance() {
    const double dt = engine_.now() - last_advance_;
    last_advance_ = engine_.now();
    if (dt <= 0) return;
    const double factor = weighted_ ? rate_factor_ : 1.0;
    for (std::size_t f = 0; f < remaining_.size(); ++f) remaining_[f] -= rate_[f] * factor * dt;
  }

  // A route as capacity ids: both directions of a half-duplex link are capacity 2e.
  std::span<const int> capacity_route(int src, int dst, std::span<const int> path) {
    const auto key = static_cast<std::uint64_t>(src) << 32 | static_cast<std::uint32_t>(dst);
    auto [it, fresh] = capacity_routes_.try_emplace(key);
    if (fresh)
      for (int l : path) it->second.push_back(topology_.links[static_cast<std::size_t>(l)].half_duplex ? l & ~1 : l);
    return it->second;
  }

  void recompute() {
    recompute_pending_ = false;
    advance();
    ++version_;
    if (route_.empty()) {
      changed_.clear();
      return;
    }
    if (weighted_) {
      sharing_.solve_changed(route_, changed_, rate_, {weight_, bound_});
    } else {
      sharing_.solve_changed(route_, changed_, rate_);
    }
    changed_.clear();
    double earliest = std::numeric_limits<double>::infinity();
    const double factor = weighted_ ? rate_factor_ : 1.0;  // LV08 drains at 0.97 × its share (× 1.0 is exact)
    for (std::size_t f = 0; f < remaining_.size(); ++f) {
      finish_at_[f] = engine_.now() + std::max(remaining_[f], 0.0) / (rate_[f] * factor);
      earliest = std::min(earliest, finish_at_[f]);
    }
    engine_.schedule_at(earliest, [this, version = version_] { on_completion(version); });
  }

  // Finishes every flow that is due (by its predicted time, or with only float residue left),
  // keeping the others in send order, then asks for new rates.
  void on_completion(std::uint64_t version) {
    if (version != version_) return;  // rates changed since this event was scheduled
    advance();
    const double now = engine_.now();
    std::size_t kept = 0;
    for (std::size_t f = 0; f < route_.size(); ++f) {
      if (finish_at_[f] <= now || remaining_[f] <= 1e-9 * bytes_[f]) {
        changed_.insert(changed_.end(), route_[f].begin(), route_[f].end());
        deliveries_.deliver_in(latency_[f], std::move(done_[f]));
        continue;
      }
      if (kept != f) {
        route_[kept] = route_[f];
        bytes_[kept] = bytes_[f];
        remaining_[kept] = remaining_[f];
        rate_[kept] = rate_[f];
        finish_at_[kept] = finish_at_[f];
        latency_[kept] = latency_[f];
        if (weighted_) {
          weight_[kept] = weight_[f];
          bound_[kept] = bound_[f];
        }
        done_[kept] = std::move(done_[f]);
      }
      ++kept;
    }
    route_.resize(kept);
    bytes_.resize(kept);
    remaining_.resize(kept);
    rate_.resize(kept);
    finish_at_.resize(kept);
    latency_.resize(kept);
    if (weighted_) {
      weight_.resize(kept);
      bound_.resize(kept);
    }
    done_.resize(kept);
    if (kept > 0) request_recompute();
  }

  EventEngine& engine_;
  const PhysicalTopology topology_;  // a copy: the router and the routes point into it
  Router router_;
  Deliveries deliveries_;
  MaxMinSharing sharing_;
  FlowSharing model_;
  bool weighted_, half_duplex_;
  double latency_factor_, rate_factor_;
  std::unordered_map<std::uint64_t, std::vector<int>> capacity_routes_;  // half duplex: (src, dst) → capacity ids
  std::vector<double> bytes_sent_;

  // Active flows, one entry per flow in every array, in send order.
  std::vector<std::span<const int>> route_;
  std::vector<double> bytes_, remaining_, rate_, finish_at_, latency_, weight_, bound_;
  std::vector<std::function<void()>> done_;
  std::vector<int> changed_;  // links where a flow started or ended since the last recompute

  double last_advance_ = 0;
  bool recompute_pending_ = false;
  std::uint64_t version_ = 0;
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
