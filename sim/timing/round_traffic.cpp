// Books of one round: bytes per sender, messages in flight per host, pending completions.
#include "timing/round_traffic.hpp"

#include <algorithm>
#include <numeric>

#include "base/free_slots.hpp"

namespace csgd {

RoundTraffic::RoundTraffic(NetworkModel& network, const EventEngine& engine, WorkerLedger& ledger, int N)
    : network_(network), engine_(engine), ledger_(ledger), bytes_(static_cast<std::size_t>(N), 0.0),
      in_flight_(static_cast<std::size_t>(N), 0) {}

// Inline: it is on every message's path, twice.
inline void RoundTraffic::change(int src, int dst, int delta) {
  const double now = engine_.now();
  ledger_.before_traffic_change(src, *this, now);
  in_flight_[static_cast<std::size_t>(src)] += delta;
  ledger_.before_traffic_change(dst, *this, now);
  in_flight_[static_cast<std::size_t>(dst)] += delta;
}

void RoundTraffic::send(int src_host, int dst_host, double bytes, Receiver& to, std::uint64_t tag) {
  const int slot = take_slot(free_slots_, slots_);
  slots_[static_cast<std::size_t>(slot)] = Pending{src_host, dst_host, &to, tag};
  bytes_[static_cast<std::size_t>(src_host)] += bytes;
  change(src_host, dst_host, +1);
  ++sent_;
  network_.send(src_host, dst_host, bytes, *this, static_cast<std::uint64_t>(slot));
}

void RoundTraffic::delivered(std::uint64_t slot) {
  const Pending& p = slots_[slot];  // read in place (a copy of the slot went through the stack)
  Receiver* const to = p.to;
  const std::uint64_t tag = p.tag;
  change(p.src, p.dst, -1);
  free_slots_.push_back(static_cast<int>(slot));
  ++completed_;
  to->delivered(tag);  // may send again, reusing the slot
}

double RoundTraffic::bytes_total() const { return std::accumulate(bytes_.begin(), bytes_.end(), 0.0); }

double RoundTraffic::bytes_max_sender() const {
  return bytes_.empty() ? 0.0 : *std::max_element(bytes_.begin(), bytes_.end());
}

}  // namespace csgd
