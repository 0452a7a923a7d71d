#pragma once
// The network as one communication round sees it: sends go on to the cluster's network model,
// and the round keeps its own books — payload bytes per sender (the round's byte counts) and
// messages in flight per host (comm vs wait in the worker ledger). Pending completions live in
// reused slots, so a send costs no allocation once the round has warmed up.
#include <cstdint>
#include <span>
#include <vector>

#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"
#include "timing/worker_ledger.hpp"

namespace csgd {

class RoundTraffic final : public NetworkModel, private Receiver {
 public:
  RoundTraffic(NetworkModel& network, const EventEngine& engine, WorkerLedger& ledger, int N);
  RoundTraffic(const RoundTraffic&) = delete;  // in-flight completions point at this object
  RoundTraffic& operator=(const RoundTraffic&) = delete;

  using NetworkModel::send;
  void send(int src_host, int dst_host, double bytes, Receiver& to, std::uint64_t tag) override;
  std::uint64_t flows_completed() const override { return completed_; }
  double bytes_sent(int host) const override { return bytes_[static_cast<std::size_t>(host)]; }

  int in_flight(int host) const { return in_flight_[static_cast<std::size_t>(host)]; }
  std::uint64_t messages_in_flight() const { return sent_ - completed_; }
  double bytes_total() const;
  double bytes_max_sender() const;

 private:
  struct Pending {
    int src = 0, dst = 0;
    Receiver* to = nullptr;
    std::uint64_t tag = 0;
  };
  void delivered(std::uint64_t slot) override;
  void delivered_all(std::span<const std::uint64_t> slots) override;
  void change(int src, int dst, int delta);  // a message's two ends (the same host twice for a self-send)

  NetworkModel& network_;
  const EventEngine& engine_;
  WorkerLedger& ledger_;
  std::vector<double> bytes_;
  std::vector<int> in_flight_;
  std::vector<Pending> slots_;
  std::vector<int> free_slots_;
  std::vector<std::uint64_t> forward_tags_;  // delivered_all's scratch: a run's tags
  std::uint64_t sent_ = 0, completed_ = 0;
};

// Settling a worker's time inside its round into comm (a message of its in flight) or wait.
// A worker settled already at this instant has nothing to add (+0.0 leaves a sum of
// non-negative terms unchanged): a message's ends are settled up to four times per instant.
inline void WorkerLedger::settle(int w, double now) {
  Inside& in = inside_[at(w)];
  if (in.since == now) return;
  const double dt = now - in.since;
  if (in.round->in_flight(w) > 0) times_[at(w)].comm_s += dt;
  else times_[at(w)].wait_s += dt;
  in.since = now;
}

}  // namespace csgd
