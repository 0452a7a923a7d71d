#pragma once
// Every collective is written as a per-host program of steps, run by one executor. A step
// sends at most one message and expects at most one; a host starts step s once it has entered
// the collective and step s−1 is complete (its message received and, where the algorithm sends
// one message at a time, its own send delivered). Data dependencies, not global barriers, order
// the hosts: a fast host runs ahead until it needs a message a slow one has not sent yet.
#include <memory>
#include <vector>

#include "csgd/collective.hpp"

namespace csgd {

struct CollectiveStep {
  int send_to = -1;         // host the step sends to (−1: no send)
  double send_bytes = 0;
  int dst_step = -1;        // the receiver's step that this message completes
  int recv_from = -1;       // host whose message completes this step (−1: no receive)
  bool await_send = false;  // the step is complete only once its own send is delivered
};

// One collective algorithm: which steps each host runs. Steps are computed on demand so a
// 2(N−1)-step ring costs no memory per step.
class CollectiveProgram {
 public:
  virtual ~CollectiveProgram() = default;
  virtual int hosts() const = 0;
  virtual int steps(int host) const = 0;
  // Steps after which the host holds the full result (default: all). Later steps only forward
  // the result to others and run on after the host has been released.
  virtual int result_steps(int host) const { return steps(host); }
  CollectiveStep step(int host, int s) const {
    CollectiveStep x;
    write_step(host, s, x);
    return x;
  }
  // The same into `out`: the executor passes the step's home, so it never copies a step the
  // program has just written (a wide copy of narrow stores stalls on store forwarding).
  virtual void write_step(int host, int s, CollectiveStep& out) const = 0;
};

// The programs, one file each.
std::unique_ptr<CollectiveProgram> ring_allreduce_program(int N, double M);
std::unique_ptr<CollectiveProgram> halving_doubling_program(int N, double M);
std::unique_ptr<CollectiveProgram> binomial_tree_program(int N, double M);
std::unique_ptr<CollectiveProgram> parameter_server_program(int N, double M, int servers);
std::unique_ptr<CollectiveProgram> hierarchical_ring_program(std::vector<int> grid, double M);

// Runs `program` on `network`; calls done(host) once per host when it holds the result, and
// tells `books` (if any) of every message sent and landed.
std::unique_ptr<Collective> run_collective_program(std::unique_ptr<const CollectiveProgram> program,
                                                   NetworkModel& network, HostDone done, TrafficBooks* books = nullptr);

}  // namespace csgd
