// The synthetic theory-check problem: its κ, σ, L and f* are exactly what constants() reports.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/problem.hpp"
#include "numerics/problems/synthetic_problem.hpp"

using namespace csgd;

namespace {

ProblemSpec synthetic(int m, double a, double lambda, double sigma, double kappa) {
  ProblemSpec spec;
  spec.model = "synthetic";
  spec.dimension = m;
  spec.a = a;
  spec.lambda = lambda;
  spec.sigma = sigma;
  spec.kappa = kappa;
  return spec;
}

using Vec = std::vector<double>;

Vec random_point(int m, double scale, Rng& rng) {
  Vec x(static_cast<std::size_t>(m));
  for (auto& v : x) v = scale * rng.normal();
  return x;
}

Vec gradient(Problem<double>& p, int worker, const Vec& x) {
  Vec g(x.size());
  Rng rng(0, stream::worker(worker));
  p.stochastic_gradient(worker, x, g, rng);
  return g;
}

// ∇f = mean of the noiseless ∇f_i.
Vec full_gradient(Problem<double>& p, int N, const Vec& x) {
  Vec mean(x.size(), 0.0);
  for (int i = 0; i < N; ++i) {
    const Vec g = gradient(p, i, x);
    for (std::size_t k = 0; k < x.size(); ++k) mean[k] += g[k] / N;
  }
  return mean;
}

double distance_sq(const Vec& u, const Vec& v) {
  double s = 0;
  for (std::size_t k = 0; k < u.size(); ++k) s += (u[k] - v[k]) * (u[k] - v[k]);
  return s;
}

}  // namespace

TEST_CASE("the worker offsets average to zero and spread exactly kappa squared, eq. (3)") {
  const int N = 5, m = 40;
  const double kappa = 2.5;
  auto p = make_synthetic_problem<double>(synthetic(m, 1.0, 4.0, 0.0, kappa), N, 3);
  const Vec zero(m, 0.0);
  const Vec bbar = full_gradient(*p, N, zero);  // ∇f_i(0) = b_i
  for (double v : bbar) CHECK(std::abs(v) < 1e-14 * kappa);
  Rng rng(1, 1);
  for (int trial = 0; trial < 5; ++trial) {
    const Vec x = random_point(m, 2.0, rng);
    const Vec g = full_gradient(*p, N, x);
    double spread = 0;
    for (int i = 0; i < N; ++i) spread += distance_sq(gradient(*p, i, x), g) / N;
    CHECK(spread == doctest::Approx(kappa * kappa).epsilon(1e-9));
  }
  CHECK(p->constants()->kappa == kappa);
}

TEST_CASE("without heterogeneity every worker has the same gradient") {
  auto p = make_synthetic_problem<double>(synthetic(10, 1.0, 4.0, 0.0, 0.0), 3, 3);
  Rng rng(2, 1);
  const Vec x = random_point(10, 1.0, rng);
  CHECK(gradient(*p, 0, x) == gradient(*p, 2, x));
}

TEST_CASE("kappa > 0 with a single worker is refused") {
  try {
    make_synthetic_problem<double>(synthetic(10, 1.0, 4.0, 1.0, 0.5), 1, 3);
    FAIL("no error");
  } catch (const ValidationError& e) {
    CHECK(e.field() == "kappa");
    CHECK(std::string(e.what()).find("at least 2 workers") != std::string::npos);
  }
  CHECK_NOTHROW(make_synthetic_problem<double>(synthetic(10, 1.0, 4.0, 1.0, 0.0), 1, 3));
}

TEST_CASE("the gradient noise has mean zero and second moment sigma squared, eq. (2)") {
  const int m = 100;
  const double sigma = 1.7;
  auto p = make_synthetic_problem<double>(synthetic(m, 1.0, 4.0, sigma, 1.0), 2, 4);
  Rng point(3, 1);
  const Vec x = random_point(m, 1.0, point);
  auto exact = make_synthetic_problem<double>(synthetic(m, 1.0, 4.0, 0.0, 1.0), 2, 4);
  const Vec mean_grad = gradient(*exact, 1, x);
  Rng rng(4, stream::worker(1));
  Vec g(m), sum(m, 0.0);
  const int draws = 4000;
  double second = 0;
  for (int t = 0; t < draws; ++t) {
    p->stochastic_gradient(1, x, g, rng);
    second += distance_sq(g, mean_grad) / draws;
    for (int k = 0; k < m; ++k) sum[static_cast<std::size_t>(k)] += g[static_cast<std::size_t>(k)] / draws;
  }
  CHECK(second == doctest::Approx(sigma * sigma).epsilon(0.03));
  // Unbiased: the mean of the draws is ∇f_i up to noise of norm ≈ σ/√draws.
  CHECK(std::sqrt(distance_sq(sum, mean_grad)) < 3 * sigma / std::sqrt(draws));
  CHECK(p->constants()->sigma == sigma);
}

TEST_CASE("the gradient is L-Lipschitz with L = a + 2 lambda, and the bound is reached near 0") {
  const int m = 20;
  const double a = 0.5, lambda = 3.0, L = a + 2 * lambda;
  auto p = make_synthetic_problem<double>(synthetic(m, a, lambda, 0.0, 1.0), 3, 5);
  CHECK(p->constants()->L == L);
  Rng rng(5, 1);
  for (int trial = 0; trial < 200; ++trial) {
    const Vec x = random_point(m, 1.5, rng), y = random_point(m, 1.5, rng);
    const int worker = trial % 3;
    const double ratio = std::sqrt(distance_sq(gradient(*p, worker, x), gradient(*p, worker, y)) / distance_sq(x, y));
    CHECK(ratio <= L);
  }
  Vec x(m, 0.0), y(m, 0.0);
  y[7] = 1e-4;
  const double ratio = std::sqrt(distance_sq(gradient(*p, 1, x), gradient(*p, 1, y)) / distance_sq(x, y));
  CHECK(ratio == doctest::Approx(L).epsilon(1e-6));
}

TEST_CASE("negative curvature exists exactly when lambda/2 > a") {
  const int m = 4;
  const auto curvature_at_one = [&](double a, double lambda) {
    auto p = make_synthetic_problem<double>(synthetic(m, a, lambda, 0.0, 0.0), 1, 6);
    const double h = 1e-5;
    Vec up(m, 0.0), down(m, 0.0);
    up[2] = 1 + h;
    down[2] = 1 - h;
    return (gradient(*p, 0, up)[2] - gradient(*p, 0, down)[2]) / (2 * h);  // a + λφ''(1) = a − λ/2
  };
  CHECK(curvature_at_one(1.0, 4.0) == doctest::Approx(1.0 - 2.0).epsilon(1e-6));
  CHECK(curvature_at_one(1.0, 4.0) < 0);
  CHECK(curvature_at_one(1.0, 1.5) > 0);
  CHECK(make_synthetic_problem<double>(synthetic(m, 1.0, 4.0, 0, 0), 1, 6)->describe().find("non-convex") !=
        std::string::npos);
}

TEST_CASE("f is non-negative, zero at the origin, and its gradient norm is reported") {
  const int m = 30;
  auto p = make_synthetic_problem<double>(synthetic(m, 1.0, 4.0, 1.0, 2.0), 4, 7);
  const Evaluation at_zero = p->evaluate(Vec(m, 0.0), {});
  CHECK(at_zero.train_loss == 0);
  CHECK(*at_zero.grad_norm_sq == 0);
  CHECK(p->constants()->f_lower == 0);
  auto exact = make_synthetic_problem<double>(synthetic(m, 1.0, 4.0, 0.0, 2.0), 4, 7);
  Rng rng(7, 1);
  for (int trial = 0; trial < 100; ++trial) {
    const Vec x = random_point(m, 3.0, rng);
    const Evaluation e = p->evaluate(x, {});
    CHECK(e.train_loss > 0);
    CHECK(!e.test_loss);
    CHECK(!e.train_accuracy);
    // ||∇f||² from evaluate equals that of the mean noiseless worker gradient.
    const Vec g = full_gradient(*exact, 4, x);
    CHECK(*e.grad_norm_sq == doctest::Approx(distance_sq(g, Vec(m, 0.0))).epsilon(1e-10));
  }
}

TEST_CASE("the problem and the initial point are reproducible from the seed") {
  const int m = 12;
  ProblemSpec spec = synthetic(m, 1.0, 4.0, 1.0, 1.0);
  spec.init_radius = 7.0;
  auto p = make_synthetic_problem<double>(spec, 3, 11), q = make_synthetic_problem<double>(spec, 3, 11),
       r = make_synthetic_problem<double>(spec, 3, 12);
  Vec xp(m), xq(m), xr(m);
  p->initial_point(xp);
  q->initial_point(xq);
  r->initial_point(xr);
  CHECK(xp == xq);
  CHECK(xp != xr);
  CHECK(std::sqrt(distance_sq(xp, Vec(m, 0.0))) == doctest::Approx(7.0).epsilon(1e-12));
  Vec gp(m), gq(m), gr(m);
  Rng a(11, stream::worker(2)), b(11, stream::worker(2)), c(11, stream::worker(2));
  p->stochastic_gradient(2, xp, gp, a);
  q->stochastic_gradient(2, xp, gq, b);
  r->stochastic_gradient(2, xp, gr, c);
  CHECK(gp == gq);
  CHECK(gp != gr);  // other offsets b_i
  spec.init = Init::zeros;
  make_synthetic_problem<double>(spec, 3, 11)->initial_point(xp);
  CHECK(xp == Vec(m, 0.0));
}

TEST_CASE("the float32 synthetic problem matches the float64 one") {
  const int m = 16;
  const ProblemSpec spec = synthetic(m, 1.0, 4.0, 0.5, 1.0);
  auto p64 = make_synthetic_problem<double>(spec, 2, 13);
  auto p32 = make_synthetic_problem<float>(spec, 2, 13);
  Vec x64(m), g64(m);
  std::vector<float> x32(m), g32(m);
  p64->initial_point(x64);
  p32->initial_point(x32);
  Rng a(13, stream::worker(0)), b(13, stream::worker(0));
  p64->stochastic_gradient(0, x64, g64, a);
  p32->stochastic_gradient(0, x32, g32, b);
  for (int k = 0; k < m; ++k) {
    const auto i = static_cast<std::size_t>(k);
    CHECK(x32[i] == doctest::Approx(x64[i]).epsilon(1e-6));
    CHECK(g32[i] == doctest::Approx(g64[i]).epsilon(1e-5));
  }
  CHECK(p32->samples_per_step(0) == 1);
  CHECK(p32->train_size() == 0);
  CHECK(p32->gradient_flops(0) == 11.0 * m);
}
