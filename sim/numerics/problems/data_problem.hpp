#pragma once
// Models trained on data, and the Problem that feeds them mini-batches of one worker's rows:
// f_i(x) = (1/|P_i|) Σ_{k∈P_i} ℓ(x; a_k, y_k) + l2/2·||x||²   (f_i of eq. (1), P_i = worker i's rows).
// A model only knows how to compute losses and gradients of a batch of columns; sampling,
// gathering, chunking, threads and the l2 term belong to the problem (data_problem.cpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "csgd/dataset.hpp"
#include "csgd/linalg.hpp"
#include "csgd/problem.hpp"
#include "csgd/random.hpp"

namespace csgd {

// b samples: sample j is column j of `a` (d × b), with its raw label / regression target y[j]
// and, for classification data, its class index classes[j].
template <class S>
struct Batch {
  Eigen::Map<const Matrix<S>> a;
  std::span<const double> y;
  std::span<const std::int32_t> classes;  // empty for regression data
};

struct LossSum {
  double loss = 0;           // Σ_j ℓ(x; sample j), unscaled
  std::int64_t correct = 0;  // correctly classified samples (always 0 for regression)
};

// Activation buffers for batches of up to max_cols columns. One per thread, never per worker.
struct ModelScratch {
  virtual ~ModelScratch() = default;
};

template <class S>
class Model {
 public:
  virtual ~Model() = default;

  virtual Eigen::Index dimension() const = 0;  // m
  virtual void seeded_init(std::span<S> x, Rng& rng) const = 0;
  virtual std::unique_ptr<ModelScratch> make_scratch(Eigen::Index max_cols) const = 0;
  // g += scale·Σ_j ∇ℓ(x; sample j) (the l2 term is not included). batch.a.cols() ≤ max_cols.
  virtual LossSum add_gradient(std::span<const S> x, const Batch<S>& batch, S scale, std::span<S> g,
                               ModelScratch& scratch) const = 0;
  virtual LossSum loss(std::span<const S> x, const Batch<S>& batch, ModelScratch& scratch) const = 0;
  // FLOPs of add_gradient per sample (its matrix products; O(b) elementwise work is not counted).
  virtual double flops_per_sample() const = 0;
  virtual bool classifies() const = 0;  // reports accuracy; needs Batch::classes or labels
  virtual std::string describe() const = 0;
};

// Parameter layouts are documented in each model's source file.
template <class S> std::unique_ptr<Model<S>> make_least_squares(Eigen::Index d, bool bias);
template <class S> std::unique_ptr<Model<S>> make_logistic_regression(Eigen::Index d, bool bias);
template <class S> std::unique_ptr<Model<S>> make_softmax_regression(Eigen::Index d, int classes, bool bias);
template <class S>
std::unique_ptr<Model<S>> make_mlp(Eigen::Index d, const std::vector<int>& hidden, int classes);
struct ImageShape {
  int channels = 0, height = 0, width = 0;
};
// channels: conv stages; hidden: widths of the fully connected head (cnn.cpp).
template <class S>
std::unique_ptr<Model<S>> make_cnn(ImageShape image, const std::vector<int>& channels, bool residual,
                                   const std::vector<int>& hidden, int classes);

// The number of classes of `train`; InputError naming spec.model when its labels are not classes.
template <class S> int model_classes(const ProblemSpec& spec, const Dataset<S>& train);
// The cnn's input shape: problem.image_shape, else the data set's own (InputError if none fits).
template <class S> ImageShape cnn_image_shape(const ProblemSpec& spec, const Dataset<S>& train);

// The problem for spec.model (not "synthetic") on `data` split as `partitions` (one sorted row
// list per worker). Throws ValidationError("batch_size", ...) when a batch exceeds a partition,
// InputError when the data does not fit the model (no class labels, test set of another width).
// With a team of several ranks, keeps only the features of the rows this rank's workers and
// evaluation chunks touch (DataProblem::keep_rows_of).
template <class S>
std::unique_ptr<Problem<S>> make_data_problem(const ProblemSpec& spec, TrainTest<S> data,
                                              std::vector<std::vector<std::uint32_t>> partitions,
                                              std::uint64_t seed, const RankTeam* team = nullptr);

// The same problem's sizes without its data (--timing-only): dimension, samples and FLOPs per
// step, train size and description as make_data_problem gives them for partitions of
// `rows_per_worker` rows, and the same refusals (batch larger than a partition); a gradient or an
// evaluation throws std::logic_error. It keeps the model and a few numbers, not the data
// (data_problem_shape.cpp).
template <class S>
std::unique_ptr<Problem<S>> make_data_problem_shape(const ProblemSpec& spec, const TrainTest<S>& data,
                                                    const std::vector<std::size_t>& rows_per_worker, std::uint64_t seed);

// What DataProblem and its shape share (data_problem.cpp).
// The model for spec.model on `train`'s features and classes.
template <class S> std::unique_ptr<Model<S>> make_model(const ProblemSpec& spec, const Dataset<S>& train);
// The same after the checks of the data both refuse: an empty training set, a test set of another
// width, test labels the training set lacks (InputError). `test_classes`, if given, receives each
// test row's class index (empty when the model does not classify).
template <class S>
std::unique_ptr<Model<S>> checked_model(const ProblemSpec& spec, const TrainTest<S>& data,
                                        std::vector<std::int32_t>* test_classes = nullptr);
// Samples one gradient of `worker` touches — its batch, or its whole partition of `rows` rows for a
// full batch; InputError for an empty partition, ValidationError("batch_size") for a batch above it.
std::size_t samples_per_step_of(const ProblemSpec& spec, std::size_t worker, std::size_t rows);
// x̂ from `init` and the seed.
template <class S>
void initial_point_of(const Model<S>& model, const ProblemSpec& spec, std::uint64_t seed, std::span<S> x);
// The numbers a problem's one-line description names.
struct DataShape {
  std::string model, source;
  std::int64_t train_rows = 0;
  std::optional<std::int64_t> test_rows;
  Eigen::Index features = 0, parameters = 0;
};
template <class S> DataShape data_shape(const Model<S>& model, const TrainTest<S>& data, std::int64_t train_rows);
std::string describe_data_problem(const DataShape& data, std::size_t N, const ProblemSpec& spec);

}  // namespace csgd
