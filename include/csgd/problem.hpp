#pragma once
// The optimisation problem (1): f(x) = (1/N) Σ_i f_i(x), with stochastic gradients of each
// f_i. One interface for the synthetic problem and for models trained on data.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "csgd/dataset.hpp"
#include "csgd/partition.hpp"
#include "csgd/random.hpp"
#include "csgd/rank_team.hpp"

namespace csgd {

enum class Init { zeros, seeded };

// Settings of the `problem:` section.
struct ProblemSpec {
  std::string model = "mlp";  // synthetic | least-squares | logistic | softmax | mlp | cnn
  // data-driven models
  std::vector<int> hidden{256, 256};  // mlp hidden layer widths; cnn: widths of the FC head
  // cnn (sim/numerics/problems/cnn.cpp): one 3×3 conv stage (+ReLU, 2×2 max-pool) per entry
  std::vector<int> channels{32, 64};
  bool residual = false;              // cnn: a residual block in every stage
  std::vector<int> image_shape;       // cnn: [C, H, W] for data without an image shape; empty = the data's
  bool bias = false;                  // linear models: append a bias term
  double l2 = 0.0;                    // L2 regulariser λ/2·||x||² added to every f_i
  DatasetSpec dataset;
  PartitionSpec partition;
  std::optional<int> batch_size = 64;  // per worker; nullopt means `full` (the whole partition)
  bool shuffle = true;                 // true: reshuffle each local epoch; false: with replacement
  Init init = Init::seeded;
  int eval_train_samples = 10000;      // train loss on evenly spaced rows; 0 = full set
  // synthetic: f_i(x) = a/2·||x||² + lambda·Σ_k x_k²/(1+x_k²) + <b_i, x> (+ noise σ)
  int dimension = 100;
  double a = 1.0, lambda = 4.0, sigma = 1.0, kappa = 0.0;
  double init_radius = 10.0;  // ||x̂|| of the seeded initial point

  void validate() const;  // throws ValidationError naming the field
};

// Constants of Assumption 1 when the problem knows them exactly (synthetic).
struct ProblemConstants {
  double L = 0, sigma = 0, kappa = 0;
  double f_lower = 0;  // a lower bound on f*; equal to f* where documented
};

struct Evaluation {
  double train_loss = 0;                      // f(x) over the train set (or its subsample)
  std::optional<double> train_accuracy;
  std::optional<double> test_loss, test_accuracy;
  std::optional<double> grad_norm_sq;         // ||∇f(x)||²
};

struct EvalOptions {
  bool grad_norm = false;  // also compute ||∇f(x)||² (a full pass for data problems)
  // The ranks that share the evaluation (every one calls evaluate with the same x): a problem may
  // deal its work to them and combine it, in its fixed order, on the team's rank 0. Only rank 0's
  // Evaluation is then meaningful. nullptr: this process alone.
  const RankTeam* team = nullptr;
};

template <class S>
class Problem {
 public:
  virtual ~Problem() = default;

  virtual Eigen::Index dimension() const = 0;  // m, the number of parameters
  // x̂, the common starting point of every worker (from `init` and the seed).
  virtual void initial_point(std::span<S> x) const = 0;
  // g = ∇F_i(x; ξ) with ξ ~ D_i drawn from `rng`, the worker's own stream. Called concurrently
  // for distinct workers; never concurrently for one worker.
  virtual void stochastic_gradient(int worker, std::span<const S> x, std::span<S> g, Rng& rng) = 0;
  // Samples one stochastic gradient of `worker` touches (for epoch counting).
  virtual std::int64_t samples_per_step(int worker) const = 0;
  // n, the training-set size; 0 when epochs have no meaning (synthetic).
  virtual std::int64_t train_size() const = 0;
  // FLOPs of one stochastic gradient of `worker` (for the FLOP-based compute model).
  virtual double gradient_flops(int worker) const = 0;
  // Metrics of a point (deterministic: fixed chunking, fixed summation order).
  virtual Evaluation evaluate(std::span<const S> x, const EvalOptions& options) const = 0;
  // Exact constants of Assumption 1, if known.
  virtual std::optional<ProblemConstants> constants() const { return std::nullopt; }
  // One line for the summary: model, data, partition.
  virtual std::string describe() const = 0;
};

// Builds the problem for N workers. Datasets are cached process-wide, so a sweep loads a file once
// (release_dataset_cache() lets go of them).
// Throws InputError (missing files) or ValidationError (batch larger than a partition, ...).
// `team`: the ranks that will train with it (workers and evaluation chunks dealt as RankTeam::block
// deals them); a data problem then keeps only the training rows this rank touches.
template <class S>
std::unique_ptr<Problem<S>> make_problem(const ProblemSpec& spec, int N, std::uint64_t seed,
                                         const RankTeam* team = nullptr);
// The same problem's sizes without its data, for --timing-only: dimension, samples and FLOPs per
// step, train size, constants and description as make_problem's, and the same refusals, but no
// per-worker row list (an iid partition at N = 16,384 workers would hold N copies of every row);
// a data problem's gradients and evaluations throw std::logic_error.
template <class S>
std::unique_ptr<Problem<S>> make_problem_shape(const ProblemSpec& spec, int N, std::uint64_t seed);

// Drops the process-wide dataset cache: data then lives only as long as a problem holds it.
void release_dataset_cache();

}  // namespace csgd
