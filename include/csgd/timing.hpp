#pragma once
// The simulated cluster clock: how long each iteration takes on the modelled cluster.
// Numerics emit what each iteration does (compute a gradient on every worker, maybe a
// communication round); a clock turns that into simulated seconds. For synchronous algorithms
// what an iteration does is a pure function of t (a Schedule), so a clock may simulate ahead:
// the discrete-event clock lets fast workers run into later iterations while slow ones finish.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "csgd/collective.hpp"
#include "csgd/network.hpp"
#include "csgd/random.hpp"
#include "csgd/schedule.hpp"
#include "csgd/trace.hpp"

namespace csgd {

// Settings of timing.compute: the time of one local step on each worker.
struct ComputeSpec {
  std::optional<double> step_time_s;   // constant per-step time
  double device_flops = 9.3e12;        // else: gradient FLOPs ÷ this rate (P100-class fp32)
  std::optional<double> measured_factor;  // else: measured wall time of a real gradient × factor
  std::vector<double> speed_factors;   // per-worker multiplier of the step time (2 = half speed)
  double jitter = 0;                   // σ of a mean-1 lognormal multiplier exp(σz − σ²/2)
  double straggler_probability = 0;    // per worker and step: slowed down by `straggler_slowdown`
  double straggler_slowdown = 1;

  void validate() const;
};

// Settings of timing.network.
// How real frameworks put an all-reduce round on the wire (timing.network.payload): one
// collective per tensor or per bucket of tensors, a few in flight at a time.
struct PayloadSpec {
  std::vector<double> tensors;  // relative sizes (e.g. parameters per tensor), in launch order; empty: one piece
  double bucket_bytes = 0;      // > 0: consecutive tensors merged into buckets of at least this many bytes
  int overlap = 1;              // collectives one host may have in flight

  // The bytes of each collective of a round of M bytes, in launch order: M split in proportion
  // to `tensors` (M itself when there are none), then grouped into buckets (without tensors:
  // pieces of bucket_bytes, the last one smaller).
  std::vector<double> pieces(double M) const;
  void validate() const;  // field names relative to network.payload
  // Refuses (ValidationError, field relative to network.payload) a framing that would make a
  // round of up to M bytes among N hosts more than 1,000,000 collectives, or — under the flow
  // model, where a round's collectives live until it ends — more per-host state than memory holds.
  void check_round(double M, int N, bool flow) const;
};

struct NetworkSpec {
  std::string model = "analytic";  // analytic (closed forms) | flow (discrete-event, max-min flows)
  double latency_s = 5e-6;         // α: default per-link latency
  double bandwidth_Bps = 1.25e9;   // B: default per-link bandwidth in bytes/s (10 Gbps)
  std::string collective = "auto"; // all-reduce algorithm (auto: the topology's default)
  int servers = 1;                 // parameter-server: how many hosts shard the parameters
  TopologySpec topology;           // flow model only
  // Flow model only: how flows share a link (network.hpp: max-min, rtt-weighted, lv08), with
  // rtt-weighted's and lv08's TCP window γ, and every link's default duplex.
  FlowSharing sharing;
  Duplex duplex = Duplex::full;
  Routing routing = Routing::shortest;  // flow model only: ties among shortest paths (network.hpp)
  // What a framework adds to an all-reduce round (both models; neighbour exchanges are one
  // operation without staging): per-tensor/bucket collectives, a fixed software cost per
  // collective operation, and device↔host copies of the payload before and after the round.
  PayloadSpec payload;
  double software_overhead_s = 0;
  double staging_Bps = 0;  // 0: no staging

  bool frames_rounds() const { return payload.tensors.size() > 1 || payload.bucket_bytes > 0 || software_overhead_s > 0 || staging_Bps > 0; }

  void validate() const;
};

struct TimingSpec {
  ComputeSpec compute;
  NetworkSpec network;
  std::optional<double> model_bytes;  // bytes of one parameter copy; default m·sizeof(scalar)

  void validate() const;
};

struct IterationTiming {
  double end_s = 0;            // simulated time at which x̄^(t) exists (the last worker has it)
  double bytes_total = 0;      // bytes put on the network by all workers in this iteration's round
  double bytes_max_worker = 0; // by the busiest sender
};

// Where a worker's simulated time went.
struct WorkerTime {
  double compute_s = 0;  // local steps
  double comm_s = 0;     // in a round with at least one of its own messages in flight
  double wait_s = 0;     // in a round, blocked with nothing of its own in flight
};

// What a clock has simulated so far (the discrete-event clock; the analytic clock reports zeros).
struct ClockStats {
  std::uint64_t events = 0;    // engine events run
  std::uint64_t messages = 0;  // point-to-point messages (flows) delivered
};

// Thrown by advance() when the flag given to stop_when() is raised mid-iteration: the clock is
// then part-way through that iteration and must not be advanced again.
struct ClockInterrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ClusterClock {
 public:
  virtual ~ClusterClock() = default;
  // Lets advance() give up mid-iteration (ClockInterrupted) once *flag is set: one flow round at
  // 16k hosts can take minutes, too long for Ctrl-C or a scheduler's SIGTERM to wait. nullptr
  // (the default): never. Clocks whose iterations are instant ignore it.
  virtual void stop_when(const std::atomic<bool>* flag) { (void)flag; }
  // Timing of iteration t; called for t = 1, 2, … in order. `schedule` answers for any t' ≥ t.
  virtual IterationTiming advance(std::int64_t t, const Schedule& schedule) = 0;
  virtual double now_s() const = 0;  // end_s of the last iteration advanced
  virtual std::vector<WorkerTime> worker_times() const = 0;
  virtual std::string describe() const = 0;
  virtual ClockStats stats() const { return {}; }
};

// What a clock needs beyond the settings.
struct ClockSetup {
  int N = 1;
  std::uint64_t seed = 1;                       // stragglers and jitter: Rng(seed, stream::compute(i))
  std::vector<std::vector<int>> neighbours;     // Algorithm 2: out-neighbours j ≠ i of each worker
  double measured_step_s = 0;                   // wall time of one real gradient (measured_factor)
  TraceRecorder* trace = nullptr;               // record spans when set
  // Flow model: the topology and collective the run resolved (resolve_cluster); when unset the
  // clock builds and chooses them from the settings itself.
  std::shared_ptr<const PhysicalTopology> topology;
  std::optional<CollectiveSpec> collective;
};

// The flow model's physical topology for N workers: build_topology with the network's default
// link, checked to have N hosts. ValidationError fields are relative to `timing`.
PhysicalTopology build_cluster_topology(const NetworkSpec& network, int N);

// The clock `spec.network.model` names. Throws ValidationError (field relative to `timing`).
std::unique_ptr<ClusterClock> make_cluster_clock(const TimingSpec& spec, const ClockSetup& setup);

// The analytic clock: identical workers in lock-step; an iteration costs the slowest worker's
// step, then the α-β closed form of the round.
std::unique_ptr<ClusterClock> make_analytic_clock(const TimingSpec& spec, const ClockSetup& setup);
// The discrete-event clock: per-worker timelines over a flow-level network (see network.hpp).
std::unique_ptr<ClusterClock> make_flow_clock(const TimingSpec& spec, const ClockSetup& setup);

// Per-worker step durations: the compute settings, plus jitter and stragglers drawn from each
// worker's own stream in iteration order (so the draws do not depend on event order).
class ComputeModel {
 public:
  ComputeModel(const ComputeSpec& spec, const ClockSetup& setup);
  double step_seconds(int worker, double gradient_flops);  // the next step of this worker
  std::string describe() const;

 private:
  ComputeSpec spec_;
  double measured_step_s_;
  std::vector<Rng> rngs_;  // one stream per worker, drawn in that worker's step order
};

// Closed forms (α-β model), exposed for tests and what-if tables.
// Ring all-reduce (reduce-scatter + all-gather): 2(N−1)(α + M/(N·B)); each worker sends
// 2(N−1)M/N bytes. N = 1 costs nothing.
double ring_allreduce_seconds(int N, double M, double alpha, double B);
double ring_allreduce_bytes_per_worker(int N, double M);
// The analytic ring all-reduce of M bytes as the network's payload, software_overhead and
// staging frame it (analytic_clock.cpp), and those settings as a describe() suffix ("" if none).
double framed_allreduce_seconds(int N, double M, const NetworkSpec& network);
std::string describe_framing(const NetworkSpec& network);
// Neighbour exchange over a direct full-duplex link per neighbour, all sends concurrent:
// α + M/B when the worker has any neighbour, 0 otherwise.
double neighbour_exchange_seconds(int max_degree, double M, double alpha, double B);
// The same exchange framed as the network says (one exchange per piece, overheads, staging):
// 2M/S + Σ_p m_p/B + ⌈P/k⌉(o + α); with no neighbour only the staging and the overheads.
double framed_exchange_seconds(int max_degree, double M, const NetworkSpec& network);

}  // namespace csgd
