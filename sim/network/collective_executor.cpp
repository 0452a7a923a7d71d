// The executor of collective programs: per-host step counters over the network model.
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "network/collective_program.hpp"

namespace csgd {
namespace {

class ProgramCollective final : public Collective, private Receiver {
 public:
  ProgramCollective(std::unique_ptr<const CollectiveProgram> program, NetworkModel& network, HostDone done,
                    TrafficBooks* books)
      : program_(std::move(program)), network_(network), done_(std::move(done)), books_(books) {
    const int N = program_->hosts();
    hosts_.resize(static_cast<std::size_t>(N));
    std::size_t bits = 0;
    for (int h = 0; h < N; ++h) {
      Host& x = hosts_[static_cast<std::size_t>(h)];
      x.steps = program_->steps(h);
      x.result_steps = program_->result_steps(h);
      x.first_bit = bits;
      bits += static_cast<std::size_t>(x.steps);
      if (x.steps >= 1 << kStepBits)
        throw std::length_error(fmt::format("collective: host {} has {} steps, more than a message tag holds", h, x.steps));
    }
    if (N > 1 << kHostBits)
      throw std::length_error(fmt::format("collective: {} hosts, more than a message tag holds", N));
    arrived_.assign((bits + 63) / 64, 0);
  }

  void enter(int host) override {
    Host& x = at(host);
    if (x.entered) throw std::logic_error(fmt::format("collective: host {} entered twice", host));
    x.entered = true;
    run(host);
  }

 private:
  struct Host {
    int steps = 0, result_steps = 0;
    int next = 0;               // the step in progress; == steps when finished
    bool entered = false;
    bool started = false;       // step `next` has issued its send
    bool send_pending = false;  // step `next` waits for its own send to be delivered
    bool released = false;      // done() has been called
    CollectiveStep current;     // step `next`, once started
    std::size_t first_bit = 0;  // the bit of its step 0 in arrived_
  };

  Host& at(int host) {
    if (host < 0 || static_cast<std::size_t>(host) >= hosts_.size())
      throw std::out_of_range(fmt::format("collective: host {} outside 0..{}", host, hosts_.size() - 1));
    return hosts_[static_cast<std::size_t>(host)];
  }
  static std::size_t bit(const Host& x, int step) { return x.first_bit + static_cast<std::size_t>(step); }
  bool arrived(const Host& x, int step) const {
    const std::size_t b = bit(x, step);
    return (arrived_[b / 64] >> (b % 64)) & 1U;
  }

  // Starts and completes steps of `host` until one waits for a message.
  void run(int host) {
    Host& x = hosts_[static_cast<std::size_t>(host)];
    if (!x.entered) return;
    for (;;) {
      if (x.next >= x.result_steps && !x.released) {
        x.released = true;
        done_(host);  // may schedule work elsewhere; never re-enters this host
      }
      if (x.next >= x.steps) return;
      if (!x.started) {
        program_->write_step(host, x.next, x.current);
        x.started = true;
        const CollectiveStep& c = x.current;
        if (c.send_to >= 0) {
          x.send_pending = c.await_send;
          awaited_ += c.await_send ? 1 : 0;
          if (books_) books_->will_send(host, c.send_to, c.send_bytes);
          network_.send(host, c.send_to, c.send_bytes, *this, tag(host, c.send_to, c.dst_step));
        }
      }
      if ((x.current.recv_from >= 0 && !arrived(x, x.next)) || x.send_pending) return;
      ++x.next;
      x.started = false;
    }
  }

  // A message's tag: its sender, and the (receiver, step) it completes.
  static constexpr int kHostBits = 20, kStepBits = 24;  // N ≤ 2^20 (kMaxWorkers); a ring has 2(N−1) steps
  static std::uint64_t tag(int src, int dst, int step) {
    return (static_cast<std::uint64_t>(src) << kHostBits | static_cast<std::uint64_t>(dst)) << kStepBits |
           static_cast<std::uint64_t>(step);
  }
  void delivered(std::uint64_t tag) override { deliver(tag); }
  void delivered_all(std::span<const std::uint64_t> tags) override {
    for (const std::uint64_t tag : tags) deliver(tag);
  }
  void deliver(std::uint64_t tag) {
    constexpr std::uint64_t host_mask = (std::uint64_t{1} << kHostBits) - 1, step_mask = (std::uint64_t{1} << kStepBits) - 1;
    const int src = static_cast<int>(tag >> (kHostBits + kStepBits)), dst = static_cast<int>(tag >> kStepBits & host_mask);
    if (books_) books_->landed(src, dst);
    arrive(src, dst, static_cast<int>(tag & step_mask));
  }

  void arrive(int src, int host, int step) {
    const std::size_t b = bit(hosts_[static_cast<std::size_t>(host)], step);
    arrived_[b / 64] |= std::uint64_t{1} << (b % 64);
    run(host);
    if (awaited_ == 0) return;
    // A sender that sends one message at a time continues once this one is delivered.
    Host& s = hosts_[static_cast<std::size_t>(src)];
    if (s.send_pending && s.current.send_to == host && s.current.dst_step == step) {
      s.send_pending = false;
      --awaited_;
      run(src);
    }
  }

  std::unique_ptr<const CollectiveProgram> program_;
  NetworkModel& network_;
  HostDone done_;
  TrafficBooks* books_;
  std::vector<Host> hosts_;
  std::vector<std::uint64_t> arrived_;  // per (host, step): its message has arrived
  int awaited_ = 0;                     // sends some host waits on
};

}  // namespace

std::unique_ptr<Collective> run_collective_program(std::unique_ptr<const CollectiveProgram> program,
                                                   NetworkModel& network, HostDone done, TrafficBooks* books) {
  return std::make_unique<ProgramCollective>(std::move(program), network, std::move(done), books);
}

}  // namespace csgd
