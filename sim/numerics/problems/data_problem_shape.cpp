// A data problem's sizes without its data, for --timing-only (data_problem.hpp): the model (for
// its parameters, FLOPs and initial point), each worker's samples per step and the description.
// No row list, sampler, scratch or data set is kept: at 16,384 workers an iid partition's lists
// alone would take gigabytes.
#include <stdexcept>
#include <string>

#include "numerics/problems/data_problem.hpp"

namespace csgd {
namespace {

template <class S>
class DataProblemShape final : public Problem<S> {
 public:
  DataProblemShape(const ProblemSpec& spec, const TrainTest<S>& data, const std::vector<std::size_t>& rows_per_worker,
                   std::unique_ptr<Model<S>> model, std::uint64_t seed)
      : model_(std::move(model)), spec_(spec), seed_(seed), train_rows_(data.train->size()) {
    samples_.reserve(rows_per_worker.size());
    for (std::size_t i = 0; i < rows_per_worker.size(); ++i)
      samples_.push_back(static_cast<std::int64_t>(samples_per_step_of(spec, i, rows_per_worker[i])));
    description_ = describe_data_problem(data_shape(*model_, data, train_rows_), samples_.size(), spec);
  }

  Eigen::Index dimension() const override { return model_->dimension(); }
  void initial_point(std::span<S> x) const override { initial_point_of(*model_, spec_, seed_, x); }
  void stochastic_gradient(int, std::span<const S>, std::span<S>, Rng&) override { no_data("a stochastic gradient"); }
  std::int64_t samples_per_step(int worker) const override { return samples_[static_cast<std::size_t>(worker)]; }
  std::int64_t train_size() const override { return train_rows_; }
  double gradient_flops(int worker) const override {
    return model_->flops_per_sample() * static_cast<double>(samples_per_step(worker));
  }
  Evaluation evaluate(std::span<const S>, const EvalOptions&) const override { no_data("an evaluation"); }
  std::string describe() const override { return description_; }

 private:
  [[noreturn]] static void no_data(const char* what) {
    throw std::logic_error(std::string("a problem built for --timing-only has no data: ") + what + " needs make_problem");
  }

  std::unique_ptr<Model<S>> model_;
  ProblemSpec spec_;
  std::uint64_t seed_;
  std::int64_t train_rows_;
  std::vector<std::int64_t> samples_;  // per worker
  std::string description_;
};

}  // namespace

template <class S>
std::unique_ptr<Problem<S>> make_data_problem_shape(const ProblemSpec& spec, const TrainTest<S>& data,
                                                    const std::vector<std::size_t>& rows_per_worker, std::uint64_t seed) {
  return std::make_unique<DataProblemShape<S>>(spec, data, rows_per_worker, checked_model(spec, data), seed);
}

template std::unique_ptr<Problem<float>> make_data_problem_shape<float>(const ProblemSpec&, const TrainTest<float>&,
                                                                        const std::vector<std::size_t>&, std::uint64_t);
template std::unique_ptr<Problem<double>> make_data_problem_shape<double>(const ProblemSpec&, const TrainTest<double>&,
                                                                          const std::vector<std::size_t>&, std::uint64_t);

}  // namespace csgd
