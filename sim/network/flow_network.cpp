// The flow-level network model: every message is a flow on its route, and concurrent flows share
// link bandwidth max-min fairly. Rates change only when the set of flows changes; all changes of
// one instant are batched into one recompute that runs after the instant's ordinary events
// (priority 1), which re-solves only the flows connected to a link where a flow started or ended
// (the others' rates cannot change). Between recomputes every flow drains at a constant rate, so the model needs one
// pending completion event (the earliest), invalidated by a version number when rates change.
// A flow whose bytes are all out still needs its path latency before `done`: an uncontended
// message of M bytes over latency L and bottleneck B takes L + M/B.
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "csgd/network.hpp"
#include "network/deliveries.hpp"
#include "network/max_min_sharing.hpp"

namespace csgd {
namespace {

std::vector<double> capacities(const PhysicalTopology& t) {
  std::vector<double> c;
  c.reserve(t.links.size());
  for (const DirectedLink& l : t.links) c.push_back(l.bandwidth_Bps);
  return c;
}

void check_bytes(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0)
    throw std::invalid_argument("NetworkModel::send: bytes must be finite and ≥ 0, got " + std::to_string(bytes));
}

class FlowNetwork final : public NetworkModel {
 public:
  FlowNetwork(EventEngine& engine, const PhysicalTopology& topology)
      : engine_(engine),
        topology_(topology),
        router_(topology_),
        deliveries_(engine),
        sharing_(capacities(topology_)),
        bytes_sent_(static_cast<std::size_t>(topology_.hosts), 0.0) {}

  void send(int src, int dst, double bytes, std::function<void()> done) override {
    check_bytes(bytes);
    const std::span<const int> route = router_.path(src, dst);  // checks the host ids
    bytes_sent_[static_cast<std::size_t>(src)] += bytes;
    double latency = 0;
    for (int l : route) latency += topology_.links[static_cast<std::size_t>(l)].latency_s;
    if (route.empty() || bytes == 0) {  // nothing to share: src == dst, or latency only
      deliveries_.deliver_in(latency, std::move(done));
      return;
    }
    // A new flow drains nothing until the recompute gives it a rate.
    route_.push_back(route);
    bytes_.push_back(bytes);
    remaining_.push_back(bytes);
    rate_.push_back(0);
    finish_at_.push_back(std::numeric_limits<double>::infinity());
    latency_.push_back(latency);
    done_.push_back(std::move(done));
    changed_.insert(changed_.end(), route.begin(), route.end());
    request_recompute();
  }

  std::uint64_t flows_completed() const override { return deliveries_.completed(); }

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
    for (std::size_t f = 0; f < remaining_.size(); ++f) remaining_[f] -= rate_[f] * dt;
  }

  void recompute() {
    recompute_pending_ = false;
    advance();
    ++version_;
    if (route_.empty()) {
      changed_.clear();
      return;
    }
    sharing_.solve_changed(route_, changed_, rate_);
    changed_.clear();
    double earliest = std::numeric_limits<double>::infinity();
    for (std::size_t f = 0; f < remaining_.size(); ++f) {
      finish_at_[f] = engine_.now() + std::max(remaining_[f], 0.0) / rate_[f];
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
    done_.resize(kept);
    if (kept > 0) request_recompute();
  }

  EventEngine& engine_;
  const PhysicalTopology topology_;  // a copy: the router and the routes point into it
  Router router_;
  Deliveries deliveries_;
  MaxMinSharing sharing_;
  std::vector<double> bytes_sent_;

  // Active flows, one entry per flow in every array, in send order.
  std::vector<std::span<const int>> route_;
  std::vector<double> bytes_, remaining_, rate_, finish_at_, latency_;
  std::vector<std::function<void()>> done_;
  std::vector<int> changed_;  // links where a flow started or ended since the last recompute

  double last_advance_ = 0;
  bool recompute_pending_ = false;
  std::uint64_t version_ = 0;
};

}  // namespace

std::unique_ptr<NetworkModel> make_flow_network(EventEngine& engine, const PhysicalTopology& topology) {
  return std::make_unique<FlowNetwork>(engine, topology);
}

}  // namespace csgd
