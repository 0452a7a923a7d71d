#pragma once
// A round's books kept beside the network (the flow clock keeps one per round): a sender tells
// them of each message just before it goes to the network, and its receiver of its landing just
// before acting on it. They keep payload bytes per sender, messages in flight per host, and for a
// host that watches (a worker inside the round) how its time splits into busy — at least one of
// its messages, sent or expected, in flight — and idle.
//
// A concrete class with the per-message calls inline: they run twice per message, in the
// collective executor's inner loop, where a virtual call and a second object (the worker ledger)
// behind it cost 5% of a ring round.
#include <cstdint>
#include <vector>

#include "csgd/event_engine.hpp"

namespace csgd {

class TrafficBooks {
 public:
  TrafficBooks(const EventEngine& engine, int hosts);
  TrafficBooks(const TrafficBooks&) = delete;  // collectives in flight point at these books
  TrafficBooks& operator=(const TrafficBooks&) = delete;

  void will_send(int src_host, int dst_host, double bytes) {
    host(src_host).bytes_sent += bytes;
    change(host(src_host), +1);
    change(host(dst_host), +1);
    ++sent_;
  }
  void landed(int src_host, int dst_host) {
    change(host(src_host), -1);
    change(host(dst_host), -1);
    ++landed_;
  }

  // A host's time from now on is split into busy and idle, until unwatch (once per host).
  void watch(int host_id);
  struct Split {
    double busy_s = 0, idle_s = 0;
  };
  Split unwatch(int host_id);     // the split from watch to now; the host stops watching
  Split split(int host_id) const;  // a watching host's split so far, its open stretch up to now

  int in_flight(int host_id) const { return hosts_[at(host_id)].in_flight; }
  std::uint64_t messages_in_flight() const { return sent_ - landed_; }
  double bytes_total() const;
  double bytes_max_sender() const;

 private:
  struct Host {
    int in_flight = 0;
    bool watching = false;
    double since = 0;  // watching: its time is split up to here
    Split split;
    double bytes_sent = 0;
  };
  static std::size_t at(int host_id) { return static_cast<std::size_t>(host_id); }
  Host& host(int host_id) { return hosts_[at(host_id)]; }

  // Busy or idle flips only where the count leaves or reaches zero, so only such a change settles
  // the stretch before it (one term per stretch; a change that keeps the count on one side of
  // zero reads no clock). A host settled already at this instant has nothing to add.
  void change(Host& x, int delta) {
    if (x.watching && (x.in_flight == 0 || x.in_flight + delta == 0)) settle(x);
    x.in_flight += delta;
  }
  void settle(Host& x) const {
    const double now = engine_.now();
    if (x.since == now) return;
    (x.in_flight > 0 ? x.split.busy_s : x.split.idle_s) += now - x.since;
    x.since = now;
  }

  const EventEngine& engine_;
  std::vector<Host> hosts_;
  std::uint64_t sent_ = 0, landed_ = 0;
};

}  // namespace csgd
