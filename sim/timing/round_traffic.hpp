#pragma once
// The books of one communication round, kept beside the network: the round's collective tells
// them of every message it sends and of every landing (csgd::TrafficBooks), and they keep payload
// bytes per sender (the round's byte counts) and messages in flight per host (comm vs wait in
// the worker ledger).
#include <cstdint>
#include <vector>

#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"
#include "timing/worker_ledger.hpp"

namespace csgd {

class RoundTraffic final : public TrafficBooks {
 public:
  RoundTraffic(const EventEngine& engine, WorkerLedger& ledger, int N);
  RoundTraffic(const RoundTraffic&) = delete;  // collectives in flight point at these books
  RoundTraffic& operator=(const RoundTraffic&) = delete;

  void will_send(int src_host, int dst_host, double bytes) override;
  void landed(int src_host, int dst_host) override;

  int in_flight(int host) const { return in_flight_[static_cast<std::size_t>(host)]; }
  std::uint64_t messages_in_flight() const { return sent_ - completed_; }
  double bytes_total() const;
  double bytes_max_sender() const;

 private:
  void change(int src, int dst, int delta);  // a message's two ends (the same host twice for a self-send)

  const EventEngine& engine_;
  WorkerLedger& ledger_;
  std::vector<double> bytes_;
  std::vector<int> in_flight_;
  std::uint64_t sent_ = 0, completed_ = 0;
};

// Settling a worker's time inside its round into comm (a message of its in flight) or wait.
// A worker settled already at this instant has nothing to add (+0.0 leaves a sum of
// non-negative terms unchanged): a message's ends are settled up to four times per instant.
// Why the order of one instant's changes does not matter either: a worker's time up to the
// instant is settled by its first change there, before any of them moves its count.
inline void WorkerLedger::settle(int w, double now) {
  Inside& in = inside_[at(w)];
  if (in.since == now) return;
  const double dt = now - in.since;
  if (in.round->in_flight(w) > 0) times_[at(w)].comm_s += dt;
  else times_[at(w)].wait_s += dt;
  in.since = now;
}

}  // namespace csgd
