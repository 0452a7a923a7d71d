// The Problem of a model trained on data (data_problem.hpp): one batch sampler per worker, scratch
// per thread, and evaluation whose result does not depend on the thread count.
#include "numerics/problems/data_problem.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "csgd/errors.hpp"
#include "csgd/model_registry.hpp"
#include "numerics/problems/batch_sampler.hpp"

namespace csgd {
namespace {

// Columns per model call. Sums over more rows are cut into chunks of this size whatever the thread
// count, and the chunk results are combined in chunk order: bit-identical metrics (design.md).
constexpr Eigen::Index kChunk = 512;
// Chunk gradients held at once while evaluating ||∇f(x)||² (memory: kGradientGroup·m scalars).
constexpr std::int64_t kGradientGroup = 16;

template <class S>
struct ThreadScratch {
  Matrix<S> a;  // gathered feature columns, d × kChunk
  std::vector<double> y;
  std::vector<std::int32_t> classes;
  std::unique_ptr<ModelScratch> model;
};

// A dataset with the class index of each row as the model must see it (empty when not classifying).
// Rows are numbered as in the file; `column_of[r]` is row r's column of data->features when this
// rank holds only some rows' features (empty: every row, column r).
template <class S>
struct LabelledSet {
  const Dataset<S>* data;
  std::span<const std::int32_t> classes;
  std::span<const std::int32_t> column_of = {};

  Eigen::Index column(std::int64_t row) const {
    return column_of.empty() ? static_cast<Eigen::Index>(row) : column_of[static_cast<std::size_t>(row)];
  }
};

// The rows an evaluation sums over: all `count` = n rows, or `count` evenly spaced rows k·n/count.
struct RowSet {
  std::int64_t n = 0, count = 0;
  bool all() const { return count == n; }
  std::int64_t row(std::int64_t k) const { return all() ? k : k * n / count; }
  std::int64_t chunks() const { return (count + kChunk - 1) / kChunk; }
};

template <class S>
class DataProblem final : public Problem<S> {
 public:
  DataProblem(const ProblemSpec& spec, TrainTest<S> data, std::vector<std::vector<std::uint32_t>> partitions,
              std::unique_ptr<Model<S>> model, std::vector<std::int32_t> test_classes, std::uint64_t seed,
              const RankTeam* team)
      : data_(std::move(data)),
        partitions_(std::move(partitions)),
        model_(std::move(model)),
        test_classes_(std::move(test_classes)),
        spec_(spec),
        seed_(seed),
        scratch_([this] { return make_thread_scratch(); }) {
    const std::int64_t n = data_.train->size();
    const std::int64_t s = spec.eval_train_samples;
    train_rows_ = {n, s == 0 || s >= n ? n : s};
    const auto mode = !spec.batch_size ? BatchSampler::Mode::full
                      : spec.shuffle   ? BatchSampler::Mode::shuffle
                                       : BatchSampler::Mode::replacement;
    samplers_.reserve(partitions_.size());
    for (std::size_t i = 0; i < partitions_.size(); ++i) {
      const auto& rows = partitions_[i];
      const std::size_t batch = samples_per_step_of(spec, i, rows.size());
      if (!std::is_sorted(rows.begin(), rows.end()) || rows.back() >= n)
        throw std::invalid_argument(fmt::format("partition of worker {} is unsorted or out of range", i));
      samplers_.emplace_back(rows, mode, batch);
    }
    if (team && team->size() > 1) keep_rows_of(*team);
  }

  Eigen::Index dimension() const override { return model_->dimension(); }

  void initial_point(std::span<S> x) const override { initial_point_of(*model_, spec_, seed_, x); }

  void stochastic_gradient(int worker, std::span<const S> x, std::span<S> g, Rng& rng) override {
    const std::span<const std::uint32_t> rows = samplers_[static_cast<std::size_t>(worker)].next(rng);
    as_vector(g).setZero();
    ThreadScratch<S>& ts = scratch_.local();
    const S scale = S(1) / static_cast<S>(rows.size());  // f_i is a mean over the batch
    for (std::size_t first = 0; first < rows.size(); first += kChunk) {
      const auto piece = rows.subspan(first, std::min<std::size_t>(kChunk, rows.size() - first));
      const Batch<S> batch = gather(train_set(), static_cast<Eigen::Index>(piece.size()),
                                    [&](Eigen::Index j) { return piece[static_cast<std::size_t>(j)]; }, ts);
      model_->add_gradient(x, batch, scale, g, *ts.model);
    }
    if (spec_.l2 > 0) as_vector(g) += static_cast<S>(spec_.l2) * as_vector(x);
  }

  std::int64_t samples_per_step(int worker) const override {
    return static_cast<std::int64_t>(samplers_[static_cast<std::size_t>(worker)].batch_size());
  }
  std::int64_t train_size() const override { return train_rows_.n; }  // all rows, also where only some are held
  double gradient_flops(int worker) const override {
    return model_->flops_per_sample() * static_cast<double>(samples_per_step(worker));
  }

  Evaluation evaluate(std::span<const S> x, const EvalOptions& options) const override {
    Evaluation e;
    const auto xd = as_vector(x).template cast<double>();
    Vector<double> grad;
    if (options.grad_norm) grad = Vector<double>::Zero(dimension());
    const double s = static_cast<double>(train_rows_.count);
    const LossSum train = sum_over(x, train_set(), train_rows_, options.grad_norm ? &grad : nullptr, options.team);
    e.train_loss = train.loss / s + (spec_.l2 > 0 ? 0.5 * spec_.l2 * xd.squaredNorm() : 0.0);
    if (model_->classifies()) e.train_accuracy = static_cast<double>(train.correct) / s;
    if (options.grad_norm) {
      grad /= s;
      if (spec_.l2 > 0) grad += spec_.l2 * xd;
      e.grad_norm_sq = grad.squaredNorm();
    }
    if (data_.test) {  // the data term only: the l2 term is not part of a test loss
      const std::int64_t nt = data_.test->size();
      const LossSum test = sum_over(x, {data_.test.get(), test_classes_}, {nt, nt}, nullptr, options.team);
      e.test_loss = test.loss / static_cast<double>(nt);
      if (model_->classifies()) e.test_accuracy = static_cast<double>(test.correct) / static_cast<double>(nt);
    }
    return e;
  }

  std::string describe() const override {
    return describe_data_problem(data_shape(*model_, data_, train_size()), partitions_.size(), spec_);
  }

 private:
  ThreadScratch<S> make_thread_scratch() const {
    ThreadScratch<S> ts;
    ts.a.resize(data_.train->dim(), kChunk);
    ts.y.resize(kChunk);
    ts.classes.resize(kChunk);
    ts.model = model_->make_scratch(kChunk);
    return ts;
  }

  LabelledSet<S> train_set() const {
    return {data_.train.get(),
            model_->classifies() ? std::span<const std::int32_t>(data_.train->classes) : std::span<const std::int32_t>(),
            column_of_};
  }

  // Over a team, this rank keeps the features of the rows it can touch: its workers' partitions
  // (RankTeam::block of the workers, as the training loop deals them) and the rows of its block of
  // train-evaluation chunks (as sum_over deals them). Labels stay whole (they are small and the
  // partitions were drawn from them); the test set stays whole. The same columns reach the model
  // in the same order: the same bits.
  void keep_rows_of(const RankTeam& team) {
    const Dataset<S>& full = *data_.train;
    const auto n = static_cast<std::size_t>(full.size());
    std::vector<char> keep(n, 0);
    const RankTeam::Block workers = team.block(static_cast<std::int64_t>(partitions_.size()));
    for (auto i = workers.first; i < workers.end(); ++i)
      for (const std::uint32_t r : partitions_[static_cast<std::size_t>(i)]) keep[r] = 1;
    const RankTeam::Block chunks = team.block(train_rows_.chunks());
    for (std::int64_t k = chunks.first * kChunk; k < std::min(chunks.end() * kChunk, train_rows_.count); ++k)
      keep[static_cast<std::size_t>(train_rows_.row(k))] = 1;
    column_of_.assign(n, -1);
    std::int32_t columns = 0;
    for (std::size_t r = 0; r < n; ++r)
      if (keep[r]) column_of_[r] = columns++;
    if (data_.train.use_count() == 1) {
      // This problem's own copy (make_problem loads one per problem over a team): the kept columns
      // move left in place (column_of[r] ≤ r) and the tail is given back, so memory never holds
      // the whole set twice. The loader made the set non-const; only the pointer is to const.
      Matrix<S>& features = std::const_pointer_cast<Dataset<S>>(data_.train)->features;
      for (std::size_t r = 0; r < n; ++r)
        if (keep[r] && column_of_[r] != static_cast<std::int32_t>(r))
          features.col(column_of_[r]) = features.col(static_cast<Eigen::Index>(r));
      features.conservativeResize(Eigen::NoChange, columns);  // a realloc that shrinks in place
      return;
    }
    auto mine = std::make_shared<Dataset<S>>();
    mine->features.resize(full.dim(), columns);
    for (std::size_t r = 0; r < n; ++r)
      if (keep[r]) mine->features.col(column_of_[r]) = full.features.col(static_cast<Eigen::Index>(r));
    mine->y = full.y;
    mine->label_values = full.label_values;
    mine->classes = full.classes;
    mine->source = full.source;
    mine->channels = full.channels, mine->height = full.height, mine->width = full.width;
    data_.train = std::move(mine);  // the shared set is freed once no other problem holds it
  }

  // Copies the columns row_of(0 … cols−1) into the thread's buffer (cols ≤ kChunk).
  template <class RowOf>
  static Batch<S> gather(const LabelledSet<S>& set, Eigen::Index cols, RowOf row_of, ThreadScratch<S>& ts) {
    const Dataset<S>& data = *set.data;
    for (Eigen::Index j = 0; j < cols; ++j) {
      const auto r = static_cast<Eigen::Index>(row_of(j));
      const auto k = static_cast<std::size_t>(j);
      ts.a.col(j) = data.features.col(set.column(r));
      ts.y[k] = data.y[static_cast<std::size_t>(r)];
      if (!set.classes.empty()) ts.classes[k] = set.classes[static_cast<std::size_t>(r)];
    }
    const auto n = static_cast<std::size_t>(cols);
    return {Eigen::Map<const Matrix<S>>(ts.a.data(), data.dim(), cols), std::span<const double>(ts.y.data(), n),
            set.classes.empty() ? std::span<const std::int32_t>() : std::span<const std::int32_t>(ts.classes.data(), n)};
  }

  // Rows [first, first + cols) are already contiguous columns: no copy.
  // (A rank holding some rows keeps whole evaluation chunks, in order: still contiguous.)
  static Batch<S> view(const LabelledSet<S>& set, Eigen::Index first, Eigen::Index cols) {
    const Dataset<S>& data = *set.data;
    const auto f = static_cast<std::size_t>(first), n = static_cast<std::size_t>(cols);
    return {Eigen::Map<const Matrix<S>>(data.features.data() + set.column(first) * data.dim(), data.dim(), cols),
            std::span<const double>(data.y).subspan(f, n),
            set.classes.empty() ? set.classes : set.classes.subspan(f, n)};
  }

  // Σ of the losses (and, with `grad`, of the gradients) over `rows`, chunk by chunk in parallel,
  // combined in chunk order. With a team, each rank computes a contiguous block of chunks; the
  // chunks' LossSums are gathered to rank 0 and summed there in chunk order, and the gradient sum
  // is passed along the ranks in rank order (each adds its chunks), ending on rank 0: the same
  // additions in the same order as one process, whose result only rank 0 then holds.
  LossSum sum_over(std::span<const S> x, const LabelledSet<S>& set, const RowSet& rows, Vector<double>* grad,
                   const RankTeam* team) const {
    static const RankTeam alone;
    const RankTeam& ranks = team ? *team : alone;
    const std::int64_t chunks = rows.chunks();
    const RankTeam::Block mine = ranks.block(chunks);
    const int rank = ranks.rank(), last = ranks.size() - 1;
    std::vector<LossSum> part(static_cast<std::size_t>(mine.count));
    const auto batch_of = [&](std::int64_t c, ThreadScratch<S>& ts) {
      const Eigen::Index first = c * kChunk, cols = std::min<Eigen::Index>(kChunk, rows.count - first);
      if (rows.all()) return view(set, first, cols);
      return gather(set, cols, [&](Eigen::Index j) { return rows.row(first + j); }, ts);
    };
    const auto part_of = [&](std::int64_t c) -> LossSum& { return part[static_cast<std::size_t>(c - mine.first)]; };
    if (grad == nullptr) {
      tbb::parallel_for(tbb::blocked_range<std::int64_t>(mine.first, mine.end()), [&](const tbb::blocked_range<std::int64_t>& r) {
        ThreadScratch<S>& ts = scratch_.local();
        for (std::int64_t c = r.begin(); c < r.end(); ++c) part_of(c) = model_->loss(x, batch_of(c, ts), *ts.model);
      });
    } else {
      const std::span<double> sum(grad->data(), static_cast<std::size_t>(grad->size()));
      if (rank > 0) ranks.receive_values(sum, rank - 1);  // Σ over the chunks of ranks 0 … rank − 1
      Matrix<S> group(dimension(), kGradientGroup);
      for (std::int64_t begin = mine.first; begin < mine.end(); begin += kGradientGroup) {
        const std::int64_t end = std::min(mine.end(), begin + kGradientGroup);
        tbb::parallel_for(tbb::blocked_range<std::int64_t>(begin, end), [&](const tbb::blocked_range<std::int64_t>& r) {
          ThreadScratch<S>& ts = scratch_.local();
          for (std::int64_t c = r.begin(); c < r.end(); ++c) {
            auto g = group.col(c - begin);
            g.setZero();
            part_of(c) = model_->add_gradient(x, batch_of(c, ts), S(1), std::span<S>(g.data(), g.size()), *ts.model);
          }
        });
        for (std::int64_t c = begin; c < end; ++c) *grad += group.col(c - begin).template cast<double>();
      }
      if (rank < last) ranks.send_values(std::span<const double>(sum), rank + 1);
      else if (rank > 0) ranks.send_values(std::span<const double>(sum), 0);
      if (rank == 0 && last > 0) ranks.receive_values(sum, last);
    }
    // The chunks' sums on rank 0, rank order being chunk order.
    const std::vector<LossSum> all = ranks.size() > 1 ? ranks.gather_values(std::span<const LossSum>(part)) : part;
    LossSum total;
    for (const LossSum& p : all) {
      total.loss += p.loss;
      total.correct += p.correct;
    }
    return total;
  }

  TrainTest<S> data_;
  std::vector<std::vector<std::uint32_t>> partitions_;
  std::unique_ptr<Model<S>> model_;
  std::vector<std::int32_t> test_classes_;  // test rows' classes, as indices into the train label values
  ProblemSpec spec_;
  std::uint64_t seed_;
  RowSet train_rows_;
  std::vector<std::int32_t> column_of_;  // empty, or each train row's column (-1: not held here)
  std::vector<BatchSampler> samplers_;
  mutable tbb::enumerable_thread_specific<ThreadScratch<S>> scratch_;
};

// The cnn's input shape: problem.image_shape, else the data set's own; C·H·W must be d, and every
// stage's 2×2 pooling must leave at least one pixel.
template <class S>
ImageShape image_shape_of(const ProblemSpec& spec, const Dataset<S>& train) {
  const ImageShape own{train.channels, train.height, train.width};
  ImageShape shape = own;
  if (!spec.image_shape.empty()) {
    shape = {spec.image_shape.at(0), spec.image_shape.at(1), spec.image_shape.at(2)};
    if (own.channels > 0 && (own.channels != shape.channels || own.height != shape.height || own.width != shape.width))
      throw InputError(fmt::format("problem.image_shape [{}, {}, {}] contradicts the images of {}, which are {}x{}x{}",
                                   shape.channels, shape.height, shape.width, train.source, own.channels, own.height,
                                   own.width));
  }
  if (shape.channels <= 0)
    throw InputError(fmt::format("model 'cnn' needs images, but {} has no image shape; set problem.image_shape: "
                                 "[channels, height, width] (with channels·height·width = {})",
                                 train.source, train.dim()));
  // In double: three sides up to 2^24 would overflow 64 bits; any product ≠ d is refused anyway.
  const double values = static_cast<double>(shape.channels) * shape.height * shape.width;
  if (values != static_cast<double>(train.dim()))
    throw InputError(fmt::format("problem.image_shape [{}, {}, {}] holds {:.0f} values, but the samples of {} have {}",
                                 shape.channels, shape.height, shape.width, values, train.source, train.dim()));
  const auto halvings = spec.channels.size();
  int h = shape.height, w = shape.width;
  for (std::size_t k = 0; k < halvings; ++k) h /= 2, w /= 2;
  if (h < 1 || w < 1)
    throw InputError(fmt::format("the cnn's {} stages halve {}x{} images {} times (2x2 max-pooling), leaving no "
                                 "pixel; use fewer entries in problem.channels",
                                 halvings, shape.height, shape.width, halvings));
  return shape;
}

// Class index of each test row in the training set's label values (the model's output classes).
template <class S>
std::vector<std::int32_t> test_class_indices(const Dataset<S>& test, const Dataset<S>& train) {
  std::vector<std::int32_t> classes(test.y.size());
  const auto& values = train.label_values;
  for (std::size_t k = 0; k < test.y.size(); ++k) {
    const auto it = std::lower_bound(values.begin(), values.end(), test.y[k]);
    if (it == values.end() || *it != test.y[k])
      throw InputError(fmt::format("label {} of test row {} ({}) does not occur in the training set {}", test.y[k], k,
                                   test.source, train.source));
    classes[k] = static_cast<std::int32_t>(it - values.begin());
  }
  return classes;
}

}  // namespace

std::size_t samples_per_step_of(const ProblemSpec& spec, std::size_t worker, std::size_t rows) {
  if (rows == 0) throw InputError(fmt::format("worker {} has no training rows", worker));
  if (!spec.batch_size) return rows;
  if (static_cast<std::size_t>(*spec.batch_size) > rows)
    throw ValidationError("batch_size", fmt::format("batch_size {} is larger than worker {}'s partition ({} rows)",
                                                    *spec.batch_size, worker, rows));
  return static_cast<std::size_t>(*spec.batch_size);
}

template <class S>
void initial_point_of(const Model<S>& model, const ProblemSpec& spec, std::uint64_t seed, std::span<S> x) {
  if (spec.init == Init::zeros) {
    std::fill(x.begin(), x.end(), S(0));
    return;
  }
  Rng rng(seed, stream::init);
  model.seeded_init(x, rng);
}
template void initial_point_of<float>(const Model<float>&, const ProblemSpec&, std::uint64_t, std::span<float>);
template void initial_point_of<double>(const Model<double>&, const ProblemSpec&, std::uint64_t, std::span<double>);

std::string describe_data_problem(const DataShape& data, std::size_t N, const ProblemSpec& spec) {
  const std::string test = data.test_rows ? fmt::format(" + {} test", *data.test_rows) : "";
  const std::string batch = !spec.batch_size ? "full batch"
                            : fmt::format("batch {} {}", *spec.batch_size, spec.shuffle ? "shuffled" : "with replacement");
  return fmt::format("{} on {} ({} train{} rows, d={}), {} workers, {} partition, {}, m={}", data.model, data.source,
                     data.train_rows, test, data.features, N, to_string(spec.partition.scheme), batch, data.parameters);
}

template <class S>
DataShape data_shape(const Model<S>& model, const TrainTest<S>& data, std::int64_t train_rows) {
  return {model.describe(), data.train->source, train_rows,
          data.test ? std::optional<std::int64_t>(data.test->size()) : std::nullopt, data.train->dim(), model.dimension()};
}
template DataShape data_shape<float>(const Model<float>&, const TrainTest<float>&, std::int64_t);
template DataShape data_shape<double>(const Model<double>&, const TrainTest<double>&, std::int64_t);

template <class S>
std::unique_ptr<Model<S>> make_model(const ProblemSpec& spec, const Dataset<S>& train) {
  const ModelEntry* entry = ModelRegistry::find(spec.model);
  if (!entry || !entry->data()) throw ValidationError("model", fmt::format("'{}' is not a model trained on data", spec.model));
  if constexpr (std::is_same_v<S, float>) return entry->model_float(spec, train);
  else return entry->model_double(spec, train);
}
template std::unique_ptr<Model<float>> make_model<float>(const ProblemSpec&, const Dataset<float>&);
template std::unique_ptr<Model<double>> make_model<double>(const ProblemSpec&, const Dataset<double>&);

template <class S> int model_classes(const ProblemSpec& spec, const Dataset<S>& train) {
  if (train.classes.empty())
    throw InputError(fmt::format("model '{}' needs class labels, but the labels of {} are not integers (or take "
                                 "more than 1000 distinct values); use model: least-squares for regression targets",
                                 spec.model, train.source));
  return train.num_classes();
}
template int model_classes<float>(const ProblemSpec&, const Dataset<float>&);
template int model_classes<double>(const ProblemSpec&, const Dataset<double>&);

template <class S> ImageShape cnn_image_shape(const ProblemSpec& spec, const Dataset<S>& train) {
  return image_shape_of(spec, train);
}
template ImageShape cnn_image_shape<float>(const ProblemSpec&, const Dataset<float>&);
template ImageShape cnn_image_shape<double>(const ProblemSpec&, const Dataset<double>&);

template <class S>
std::unique_ptr<Problem<S>> make_data_problem(const ProblemSpec& spec, TrainTest<S> data,
                                              std::vector<std::vector<std::uint32_t>> partitions,
                                              std::uint64_t seed, const RankTeam* team) {
  std::vector<std::int32_t> test_classes;
  auto model = checked_model(spec, data, &test_classes);
  return std::make_unique<DataProblem<S>>(spec, std::move(data), std::move(partitions), std::move(model),
                                          std::move(test_classes), seed, team);
}

template <class S>
std::unique_ptr<Model<S>> checked_model(const ProblemSpec& spec, const TrainTest<S>& data,
                                        std::vector<std::int32_t>* test_classes) {
  if (!data.train || data.train->size() == 0) throw InputError("the training set is empty");
  const Dataset<S>& train = *data.train;
  if (data.test && data.test->dim() != train.dim())
    throw InputError(fmt::format("the test set {} has {} features but the training set {} has {}", data.test->source,
                                 data.test->dim(), train.source, train.dim()));
  auto model = make_model<S>(spec, train);
  if (data.test && model->classifies()) {  // refuses test labels the training set lacks
    auto classes = test_class_indices(*data.test, train);
    if (test_classes) *test_classes = std::move(classes);
  }
  return model;
}
template std::unique_ptr<Model<float>> checked_model<float>(const ProblemSpec&, const TrainTest<float>&,
                                                            std::vector<std::int32_t>*);
template std::unique_ptr<Model<double>> checked_model<double>(const ProblemSpec&, const TrainTest<double>&,
                                                              std::vector<std::int32_t>*);

template std::unique_ptr<Problem<float>> make_data_problem<float>(const ProblemSpec&, TrainTest<float>,
                                                                  std::vector<std::vector<std::uint32_t>>,
                                                                  std::uint64_t, const RankTeam*);
template std::unique_ptr<Problem<double>> make_data_problem<double>(const ProblemSpec&, TrainTest<double>,
                                                                    std::vector<std::vector<std::uint32_t>>,
                                                                    std::uint64_t, const RankTeam*);

}  // namespace csgd
