// The no-contention network model: each message alone on its route takes the path latency plus
// its bytes over the narrowest link of the path. A yardstick for the flow model.
#include <algorithm>
#include <limits>
#include <memory>

#include "csgd/network.hpp"
#include "network/bytes_sent.hpp"
#include "network/deliveries.hpp"

namespace csgd {
namespace {

class LatencyBandwidthNetwork final : public NetworkModel {
 public:
  LatencyBandwidthNetwork(EventEngine& engine, const PhysicalTopology& topology)
      : topology_(topology), router_(topology_), deliveries_(engine),
        bytes_sent_(topology_.hosts) {}

  using NetworkModel::send;
  void send(int src, int dst, double bytes, Receiver& to, std::uint64_t tag) override {
    BytesSent::check(bytes);
    double latency = 0, bottleneck = std::numeric_limits<double>::infinity();
    for (int l : router_.path(src, dst)) {
      const DirectedLink& link = topology_.links[static_cast<std::size_t>(l)];
      latency += link.latency_s;
      bottleneck = std::min(bottleneck, link.bandwidth_Bps);
    }
    bytes_sent_.add(src, bytes);
    const double transfer = src == dst || bytes == 0 ? 0.0 : bytes / bottleneck;
    deliveries_.deliver_in(latency + transfer, to, tag);
  }

  std::uint64_t flows_completed() const override { return deliveries_.completed(); }

  double bytes_sent(int host) const override { return bytes_sent_.of(host); }

 private:
  const PhysicalTopology topology_;  // a copy: the router points into it
  Router router_;
  Deliveries deliveries_;
  BytesSent bytes_sent_;
};

}  // namespace

std::unique_ptr<NetworkModel> make_latency_bandwidth_network(EventEngine& engine, const PhysicalTopology& topology) {
  return std::make_unique<LatencyBandwidthNetwork>(engine, topology);
}

}  // namespace csgd
