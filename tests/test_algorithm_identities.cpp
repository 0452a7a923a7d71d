// The degenerate cases of design.md, pinned as identities on a noisy problem (N = 4, m = 5).
#include <doctest/doctest.h>

#include "numerics/algorithms/momentum_update.hpp"
#include "support/quadratic_problem.hpp"

using namespace csgd;
using csgd::testing::vec;

namespace {

constexpr int N = 4;

testing::QuadraticProblem noisy_problem() {
  std::vector<Vector<double>> c;
  for (int i = 0; i < N; ++i) c.push_back(vec({1.0 * i, -2.0, 0.5 * i * i, 3.0, -1.0 * i}));
  return testing::QuadraticProblem(c, vec({2.0, 2.0, -1.0, 0.0, 4.0}), 0.3);
}

AlgorithmSpec spec(const char* name, double beta, std::int64_t I, bool nesterov = false) {
  AlgorithmSpec s;
  s.name = name;
  s.beta = beta;
  s.I = I;
  s.nesterov = nesterov;
  return s;
}

Vector<double> average_x(const std::vector<WorkerState<double>>& ws) {
  Vector<double> mean;
  node_average(std::span<const WorkerState<double>>(ws), &WorkerState<double>::x, mean);
  return mean;
}

}  // namespace

TEST_CASE("Algorithm 1 with beta = 0 is local SGD, bit for bit") {
  auto p = noisy_problem();
  auto a = make_algorithm<double>(spec("pr-sgd-momentum", 0.0, 3), N);
  auto ws = testing::start_workers<double>(p, *a, N);
  // Reference: x_i ← x_i − γ g_i, average x every 3 steps; same gradient streams.
  auto ref = testing::start_workers<double>(p, *a, N);
  Vector<double> g(5);
  for (int t = 1; t <= 10; ++t) {
    testing::iterate<double>(p, *a, ws, 0.05, t);
    for (auto& w : ref) {
      p.stochastic_gradient(static_cast<int>(&w - ref.data()), {w.x.data(), 5}, {g.data(), 5}, w.rng);
      w.x -= 0.05 * g;
    }
    if (t % 3 == 0) {
      const Vector<double> mean = average_x(ref);
      for (auto& w : ref) w.x = mean;
    }
  }
  for (int i = 0; i < N; ++i) CHECK(ws[static_cast<std::size_t>(i)].x == ref[static_cast<std::size_t>(i)].x);
}

TEST_CASE("the node averages of Algorithm 1 follow single-node momentum SGD on the averaged gradient (eq. 10)") {
  for (std::int64_t I : {1, 4}) {
    auto p = noisy_problem();
    auto a = make_algorithm<double>(spec("pr-sgd-momentum", 0.9, I), N);
    auto ws = testing::start_workers<double>(p, *a, N);
    Vector<double> xbar = average_x(ws), ubar = Vector<double>::Zero(5), g(5);
    for (int t = 1; t <= 12; ++t) {
      // The mean of the gradients the workers are about to draw, from copies of their streams.
      Vector<double> gbar = Vector<double>::Zero(5);
      for (auto& w : ws) {
        Rng copy = w.rng;
        p.stochastic_gradient(static_cast<int>(&w - ws.data()), {w.x.data(), 5}, {g.data(), 5}, copy);
        gbar += g / N;
      }
      polyak_step(0.9, 0.05, gbar, xbar, ubar);  // eq. (10)
      testing::iterate<double>(p, *a, ws, 0.05, t);
      const Vector<double> actual = average_x(ws);
      for (int k = 0; k < 5; ++k) CHECK(actual[k] == doctest::Approx(xbar[k]).epsilon(1e-12));
    }
  }
}

TEST_CASE("option II produces the same iterates as Nesterov's y-form (eq. 14)") {
  // One worker, no averaging. Eq. (14) with y^(0) = x^(0): with the paper's y^(0) = 0 the first
  // step would differ unless x̂ = 0, so the initial cache must equal x̂ (see Supplement 6.4).
  testing::QuadraticProblem p({vec({1.0, -1.0, 2.0})}, vec({0.5, 0.5, -3.0}), 0.2);
  auto a = make_algorithm<double>(spec("pr-sgd-momentum", 0.8, 1, true), 1);
  auto ws = testing::start_workers<double>(p, *a, 1);
  Vector<double> x = ws[0].x, y_prev = ws[0].x, g(3);
  Rng stream = ws[0].rng;
  for (int t = 1; t <= 15; ++t) {
    p.stochastic_gradient(0, {x.data(), 3}, {g.data(), 3}, stream);
    const Vector<double> y = x - 0.1 * g;
    x = y + 0.8 * (y - y_prev);
    y_prev = y;
    testing::iterate<double>(p, *a, ws, 0.1, t);
    for (int k = 0; k < 3; ++k) CHECK(ws[0].x[k] == doctest::Approx(x[k]).epsilon(1e-12));
  }
}

TEST_CASE("Algorithm 2 with W = 11ᵀ/N equals Algorithm 1 with I = 1") {
  for (bool nesterov : {false, true}) {
    auto p1 = noisy_problem(), p2 = noisy_problem();
    AlgorithmSpec d = spec("decentralized-momentum", 0.9, 1, nesterov);
    d.mixing.topology = "complete";
    auto alg2 = make_algorithm<double>(d, N);
    auto alg1 = make_algorithm<double>(spec("pr-sgd-momentum", 0.9, 1, nesterov), N);
    auto w2 = testing::start_workers<double>(p2, *alg2, N);
    auto w1 = testing::start_workers<double>(p1, *alg1, N);
    for (int t = 1; t <= 10; ++t) {
      testing::iterate<double>(p1, *alg1, w1, 0.05, t);
      testing::iterate<double>(p2, *alg2, w2, 0.05, t);
    }
    for (std::size_t i = 0; i < w1.size(); ++i)
      for (int k = 0; k < 5; ++k) {
        CHECK(w2[i].x[k] == doctest::Approx(w1[i].x[k]).epsilon(1e-12));
        CHECK(w2[i].u[k] == doctest::Approx(w1[i].u[k]).epsilon(1e-12));
      }
  }
}

TEST_CASE("averaging keeps x̄ and ū unchanged while making all workers equal") {
  auto p = noisy_problem();
  auto a = make_algorithm<double>(spec("pr-sgd-momentum", 0.9, 5), N);
  auto ws = testing::start_workers<double>(p, *a, N);
  Vector<double> g(5);
  for (auto& w : ws) {
    p.stochastic_gradient(static_cast<int>(&w - ws.data()), {w.x.data(), 5}, {g.data(), 5}, w.rng);
    a->local_step(w, g, 0.1);
  }
  const Vector<double> before = average_x(ws);
  a->communicate(ws);
  for (const auto& w : ws) {
    CHECK(w.x == ws[0].x);
    CHECK(w.u == ws[0].u);
    for (int k = 0; k < 5; ++k) CHECK(w.x[k] == doctest::Approx(before[k]).epsilon(1e-14));
  }
}
