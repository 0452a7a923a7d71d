#pragma once
// The simulated cluster clock: how long each iteration takes on the modelled cluster.
// Numerics emit what each iteration does (compute a gradient on every worker, maybe a
// communication round); a clock turns that into simulated seconds. The analytic clock here is
// closed-form; the discrete-event network engine implements the same interface.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace csgd {

// Settings of timing.compute: a constant step time, or FLOPs of the gradient ÷ device rate.
struct ComputeSpec {
  std::optional<double> step_time_s;  // constant per-step time; overrides the FLOP model
  double device_flops = 9.3e12;       // FLOP/s of one worker's device (P100-class fp32)

  void validate() const;
};

// Settings of timing.network.
struct NetworkSpec {
  std::string model = "analytic";  // analytic (closed forms)
  double latency_s = 5e-6;         // α: per-message latency of a link
  double bandwidth_Bps = 1.25e9;   // B: link bandwidth in bytes/s (10 Gbps)
  std::string collective = "ring"; // all-reduce algorithm of Algorithm 1 and its baselines

  void validate() const;
};

struct TimingSpec {
  ComputeSpec compute;
  NetworkSpec network;
  std::optional<double> model_bytes;  // bytes of one parameter copy; default m·sizeof(scalar)

  void validate() const;
};

// A communication round as the algorithm performs it.
enum class RoundKind {
  all_reduce,          // every worker ends with the average (Algorithm 1 and its baselines)
  neighbour_exchange,  // every worker sends its payload to each neighbour of W (Algorithm 2)
};

struct CommRound {
  RoundKind kind = RoundKind::all_reduce;
  double payload_bytes = 0;  // M: what one worker contributes (x and u: 2 copies; x only: 1)
};

// What one iteration does, as the clock sees it.
struct IterationOps {
  std::span<const double> gradient_flops;  // per worker
  std::optional<CommRound> round;          // after the local step, if this iteration syncs
};

struct IterationTiming {
  double end_s = 0;            // simulated time at which x̄^(t) exists
  double compute_s = 0;        // duration of the compute phase
  double comm_s = 0;           // duration of the communication round (0 without one)
  double bytes_total = 0;      // bytes put on the network by all workers this iteration
  double bytes_max_worker = 0; // by the busiest sender
};

class ClusterClock {
 public:
  virtual ~ClusterClock() = default;
  virtual IterationTiming advance(const IterationOps& ops) = 0;
  virtual double now_s() const = 0;
  virtual std::string describe() const = 0;
};

// Closed forms (α-β model), exposed for tests and for `csgd topo`-style what-ifs.
// Ring all-reduce (reduce-scatter + all-gather): 2(N−1)(α + M/(N·B)); each worker sends
// 2(N−1)M/N bytes. N = 1 costs nothing.
double ring_allreduce_seconds(int N, double M, double alpha, double B);
double ring_allreduce_bytes_per_worker(int N, double M);
// Neighbour exchange over a direct full-duplex link per neighbour, all sends concurrent:
// α + M/B when the worker has any neighbour, 0 otherwise.
double neighbour_exchange_seconds(int max_degree, double M, double alpha, double B);

// The analytic clock. `degrees` are the out-degrees of the mixing graph (Algorithm 2);
// empty for all-reduce algorithms.
std::unique_ptr<ClusterClock> make_analytic_clock(const TimingSpec& spec, int N, std::vector<int> degrees);

}  // namespace csgd
