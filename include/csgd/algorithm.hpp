#pragma once
// The distributed algorithms: Algorithm 1 (PR-SGD-Momentum), its two averaging baselines, and
// Algorithm 2 (decentralized momentum SGD). All share the local momentum step (4)/(5), which is
// also (16)/(17); they differ in when they communicate and what the communication does.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "csgd/linalg.hpp"
#include "csgd/mixing_matrix.hpp"
#include "csgd/random.hpp"
#include "csgd/rank_team.hpp"
#include "csgd/schedule.hpp"

namespace csgd {

// Settings of algorithm.lr.
struct LrSpec {
  std::string schedule = "constant";  // constant | step | theory
  double initial = 0.1;               // γ (constant, step)
  std::vector<double> milestones_epochs;            // step: multiply by `factor` at each
  std::vector<std::int64_t> milestones_iterations;  // step: same, counted in iterations
  double factor = 0.1;
  double scale = 1.0;                 // theory: γ = scale·sqrt(N/T) (Corollaries 1–3 use 1)
  double warmup_epochs = 0;           // linear warm-up from 0 to the schedule's value
  std::int64_t warmup_iterations = 0;

  void validate() const;
};

// Settings of `algorithm:`.
struct AlgorithmSpec {
  std::string name = "pr-sgd-momentum";  // an AlgorithmRegistry entry (csgd/algorithm_registry.hpp)
  double beta = 0.9;       // momentum coefficient β ∈ [0, 1)
  bool nesterov = false;   // false: Option I, Polyak (4)/(16); true: Option II, Nesterov (5)/(17)
  std::int64_t I = 1;      // sync interval (Algorithm 1 and baselines)
  LrSpec lr;
  MixingSpec mixing;       // decentralized-momentum only
  bool random_output = false;  // output_iterate: random — also report x̄^(R) (Remark 2)

  void validate() const;
};

// The state one worker owns: x_i, u_i and, for Algorithm 2, the buffers eq. (18) writes into.
template <class S>
struct WorkerState {
  Vector<S> x, u;
  Vector<S> mix_x, mix_u;  // Algorithm 2 only; empty otherwise
  Rng rng;                 // the worker's own stream: gradient noise and sampling
};

// The workers this process holds, workers first … first + local.size() − 1 of N, and the team
// whose ranks hold all N in contiguous blocks (RankTeam::block). One process: all N, a team of one.
template <class S>
struct WorkerBlock {
  std::span<WorkerState<S>> local;
  int first = 0, N = 0;
  const RankTeam* team = nullptr;

  static WorkerBlock all(std::span<WorkerState<S>> workers) {
    static const RankTeam alone;
    return {workers, 0, static_cast<int>(workers.size()), &alone};
  }
};

template <class S>
class Algorithm {
 public:
  Algorithm(S beta, bool nesterov) : beta_(beta), nesterov_(nesterov) {}
  virtual ~Algorithm() = default;

  virtual std::string name() const = 0;
  // Local momentum update of one worker with its stochastic gradient g: eq. (4) or (5).
  void local_step(WorkerState<S>& w, const Vector<S>& g, S gamma) const;
  // The round that ends iteration t (1-based), if any, with its payload; `model_bytes` is the
  // size of one parameter copy.
  virtual std::optional<CommRound> round_after(std::int64_t t, double model_bytes) const = 0;
  // Performs that round on all N workers, this process's block here and the rest on the other
  // ranks of the team (sums in worker order: the same bits on any number of ranks).
  virtual void communicate(const WorkerBlock<S>& workers) const = 0;
  void communicate(std::span<WorkerState<S>> workers) const { communicate(WorkerBlock<S>::all(workers)); }
  // Allocates the per-worker buffers the algorithm needs beyond x and u.
  virtual void prepare(WorkerState<S>& /*w*/) const {}
  // W, for Algorithm 2.
  virtual const MixingMatrix* mixing() const { return nullptr; }

  S beta() const { return beta_; }
  bool nesterov() const { return nesterov_; }

 private:
  S beta_;
  bool nesterov_;
};

// The algorithm spec.name names (csgd/algorithm_registry.hpp); `W` is Algorithm 2's mixing matrix
// as the run resolved it (resolve_cluster), ignored by the algorithms that do not mix.
template <class S>
std::unique_ptr<Algorithm<S>> make_algorithm(const AlgorithmSpec& spec, const MixingMatrix* W);
// The same, building W from spec.mixing (build_mixing_matrix: `network` is the physical host
// graph that `mixing: network` and `auto` use; without it `auto` is a ring).
template <class S>
std::unique_ptr<Algorithm<S>> make_algorithm(const AlgorithmSpec& spec, int N, const Graph* network = nullptr);

// x̄ = (1/N) Σ_j x_j, summed in worker order (eq. 7); `member` selects x or u.
template <class S>
void node_average(std::span<const WorkerState<S>> workers, Vector<S> WorkerState<S>::*member, Vector<S>& out);
// The same over a team's blocks, x̄ on every rank: a chain over the ranks in rank order, each
// adding its workers to the running sum (node_average.cpp), so every coordinate is summed in
// worker order as one process sums it.
template <class S>
void node_average(const WorkerBlock<S>& workers, Vector<S> WorkerState<S>::*member, Vector<S>& out);

// γ for iteration t (1-based) of T. `iterations_per_epoch` converts the epoch-based settings
// (0 when epochs have no meaning); the epoch reached before iteration t is (t−1)/iterations_per_epoch.
double learning_rate(const LrSpec& lr, std::int64_t t, double iterations_per_epoch, std::int64_t T, int N);

}  // namespace csgd
