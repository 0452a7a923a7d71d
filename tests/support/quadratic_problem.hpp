#pragma once
// A tiny problem for hand-checkable trajectories: f_i(x) = ½||x − c_i||², gradient x − c_i,
// plus optional Gaussian noise of variance sigma² per coordinate from the worker's stream.
#include <fmt/format.h>

#include "csgd/algorithm.hpp"
#include "csgd/problem.hpp"

namespace csgd::testing {

class QuadraticProblem final : public Problem<double> {
 public:
  QuadraticProblem(std::vector<Vector<double>> centres, Vector<double> x0, double sigma = 0)
      : c_(std::move(centres)), x0_(std::move(x0)), sigma_(sigma) {}

  Eigen::Index dimension() const override { return x0_.size(); }
  void initial_point(std::span<double> x) const override { as_vector(x) = x0_; }
  void stochastic_gradient(int worker, std::span<const double> x, std::span<double> g, Rng& rng) override {
    auto gv = as_vector(g);
    gv = as_vector(x) - c_[static_cast<std::size_t>(worker)];
    if (sigma_ > 0)
      for (auto& v : gv) v += sigma_ * rng.normal();
  }
  std::int64_t samples_per_step(int) const override { return 1; }
  std::int64_t train_size() const override { return 0; }
  double gradient_flops(int) const override { return 1.0; }
  Evaluation evaluate(std::span<const double> x, const EvalOptions&) const override {
    Vector<double> mean = Vector<double>::Zero(x0_.size());
    for (const auto& c : c_) mean += c / static_cast<double>(c_.size());
    Evaluation e;
    e.train_loss = 0;
    for (const auto& c : c_) e.train_loss += 0.5 * (as_vector(x) - c).squaredNorm() / static_cast<double>(c_.size());
    e.grad_norm_sq = (as_vector(x) - mean).squaredNorm();
    return e;
  }
  std::string describe() const override { return fmt::format("quadratic, {} workers", c_.size()); }

 private:
  std::vector<Vector<double>> c_;
  Vector<double> x0_;
  double sigma_;
};

inline Vector<double> vec(std::initializer_list<double> values) {
  Vector<double> v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index k = 0;
  for (double x : values) v[k++] = x;
  return v;
}

// Workers at x̂ with u = 0 and their own streams, as every algorithm starts.
template <class S>
std::vector<WorkerState<S>> start_workers(const Problem<S>& p, const Algorithm<S>& a, int N, std::uint64_t seed = 1) {
  Vector<S> x0(p.dimension());
  p.initial_point({x0.data(), static_cast<std::size_t>(x0.size())});
  std::vector<WorkerState<S>> ws;
  for (int i = 0; i < N; ++i) {
    ws.push_back(WorkerState<S>{x0, Vector<S>::Zero(x0.size()), {}, {}, Rng(seed, stream::worker(i))});
    a.prepare(ws.back());
  }
  return ws;
}

// One iteration t as the runner does it: gradients and local steps, then the round if due.
template <class S>
void iterate(Problem<S>& p, const Algorithm<S>& a, std::vector<WorkerState<S>>& ws, S gamma, std::int64_t t) {
  Vector<S> g(p.dimension());
  for (std::size_t i = 0; i < ws.size(); ++i) {
    p.stochastic_gradient(static_cast<int>(i), {ws[i].x.data(), static_cast<std::size_t>(ws[i].x.size())},
                          {g.data(), static_cast<std::size_t>(g.size())}, ws[i].rng);
    a.local_step(ws[i], g, gamma);
  }
  if (a.round_after(t, 8.0)) a.communicate(ws);
}

}  // namespace csgd::testing
