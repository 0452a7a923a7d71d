// Books of one round: bytes per sender, messages in flight per host.
#include "timing/round_traffic.hpp"

#include <algorithm>
#include <numeric>

namespace csgd {

RoundTraffic::RoundTraffic(const EventEngine& engine, WorkerLedger& ledger, int N)
    : engine_(engine), ledger_(ledger), bytes_(static_cast<std::size_t>(N), 0.0), in_flight_(static_cast<std::size_t>(N), 0) {}

// Inline: it is on every message's path, twice.
inline void RoundTraffic::change(int src, int dst, int delta) {
  const double now = engine_.now();
  ledger_.before_traffic_change(src, *this, now);
  in_flight_[static_cast<std::size_t>(src)] += delta;
  ledger_.before_traffic_change(dst, *this, now);
  in_flight_[static_cast<std::size_t>(dst)] += delta;
}

void RoundTraffic::will_send(int src_host, int dst_host, double bytes) {
  bytes_[static_cast<std::size_t>(src_host)] += bytes;
  change(src_host, dst_host, +1);
  ++sent_;
}

void RoundTraffic::landed(int src_host, int dst_host) {
  change(src_host, dst_host, -1);
  ++completed_;
}

double RoundTraffic::bytes_total() const { return std::accumulate(bytes_.begin(), bytes_.end(), 0.0); }

double RoundTraffic::bytes_max_sender() const {
  return bytes_.empty() ? 0.0 : *std::max_element(bytes_.begin(), bytes_.end());
}

}  // namespace csgd
