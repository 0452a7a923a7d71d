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

// A batch of messages landing at one instant: each run of one receiver's messages is booked,
// then handed over in one call, before the next run is booked. The same as one message at a
// time: a worker's time up to this instant is settled by whichever change at this instant comes
// first, and every change here comes after that settle, so neither the order of the books nor
// the receivers' sends coming between them can change what is added, and the receivers see the
// messages in the same order. (The slots freed here may be handed to their sends in another
// order: slots are opaque to the network.)
void RoundTraffic::delivered_all(std::span<const std::uint64_t> slots) {
  if (slots.size() == 1) {  // most landings under contention: no scratch to fill
    delivered(slots[0]);
    return;
  }
  std::vector<std::uint64_t> tags;
  tags.swap(forward_tags_);  // its capacity, and safe should a receiver's batch ever reach back here
  for (std::size_t k = 0; k < slots.size();) {
    Receiver* const to = slots_[slots[k]].to;
    for (; k < slots.size() && slots_[slots[k]].to == to; ++k) {
      const Pending& p = slots_[slots[k]];
      tags.push_back(p.tag);
      change(p.src, p.dst, -1);
      free_slots_.push_back(static_cast<int>(slots[k]));
    }
    completed_ += tags.size();  // per run: the counts stay in step with the books should a receiver throw
    to->delivered_all(tags);    // may send again, reusing the slots just freed
    tags.clear();
  }
  forward_tags_.swap(tags);
}

double RoundTraffic::bytes_total() const { return std::accumulate(bytes_.begin(), bytes_.end(), 0.0); }

double RoundTraffic::bytes_max_sender() const {
  return bytes_.empty() ? 0.0 : *std::max_element(bytes_.begin(), bytes_.end());
}

}  // namespace csgd
