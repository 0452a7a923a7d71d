// model: synthetic — the theory-check problem, whose Assumption 1 constants are exact.
//
//   f_i(x) = a/2·||x||² + λ·Σ_k φ(x_k) + <b_i, x>,   φ(t) = t²/(1+t²),   x ∈ R^m, a > 0, λ ≥ 0.
//
// b_i: N Gaussian m-vectors from Rng(seed, stream::problem), in double; their mean is subtracted
//   (so b̄ = 0 up to rounding) and they are rescaled so that (1/N)·Σ_i ||b_i||² = κ². Then
//   ∇f_i(x) − ∇f(x) = b_i for every x, so (3) holds with equality: (1/N)Σ||∇f_i − ∇f||² = κ².
//   κ > 0 needs N ≥ 2 (a single worker has no one to differ from).
// f = (1/N)Σ f_i = a/2·||x||² + λ·Σφ(x_k) ≥ 0 = f(0): f* = 0 exactly (f_lower = 0).
// L: ∇²f_i = a·I + λ·diag(φ''(x_k)) with φ''(t) = (2 − 6t²)/(1+t²)³ ∈ [−1/2, 2] (−1/2 at t² = 1,
//   2 at t = 0), so every f_i is smooth with modulus exactly L = a + 2λ (≥ |a − λ/2|), and f is
//   non-convex iff λ/2 > a (curvature a − λ/2 at x_k = ±1).
// σ: the stochastic gradient (eq. (2)) is ∇f_i(x) + ξ, ξ ~ N(0, σ²/m·I) from the worker's stream,
//   so E||ξ||² = σ² exactly.
// Cost per gradient: 9 FLOPs per coordinate (t², 1+t², its square, 2λt, the divide, a·t, 3 adds),
//   plus 2 per coordinate for the noise (scale, add) when σ > 0; the normal draws are not counted.
// samples_per_step = 1 and train_size = 0 (epochs mean nothing here).
// evaluate(): train_loss = f(x) and grad_norm_sq = ||∇f(x)||² always (closed form, in double, with
//   b̄ = 0); no accuracy, no test metrics.
// Seeded init: x̂ = init_radius · (uniformly random direction, a normalised Gaussian vector from
//   Rng(seed, stream::init)); Init::zeros gives x̂ = 0 (the minimiser).
#include "csgd/model_registry.hpp"
#include "numerics/problems/synthetic_problem.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "csgd/errors.hpp"

namespace csgd {
namespace {

template <class S>
class SyntheticProblem final : public Problem<S> {
 public:
  SyntheticProblem(const ProblemSpec& spec, int N, std::uint64_t seed)
      : m_(spec.dimension), N_(N), a_(spec.a), lambda_(spec.lambda), sigma_(spec.sigma), kappa_(spec.kappa),
        spec_(spec), seed_(seed), b_(Matrix<S>::Zero(m_, N)) {
    if (kappa_ > 0 && N < 2)
      throw ValidationError("kappa", "kappa > 0 needs at least 2 workers (heterogeneity is between workers)");
    if (kappa_ > 0) {
      Matrix<double> b(m_, N);
      Rng rng(seed, stream::problem);
      for (Eigen::Index i = 0; i < N; ++i)
        for (Eigen::Index k = 0; k < m_; ++k) b(k, i) = rng.normal();
      const Vector<double> mean = b.rowwise().mean();
      b.colwise() -= mean;                             // b̄ = 0
      b *= kappa_ / std::sqrt(b.squaredNorm() / N);    // (1/N)Σ||b_i||² = κ², eq. (3)
      b_ = b.template cast<S>();
    }
  }

  Eigen::Index dimension() const override { return m_; }

  void initial_point(std::span<S> x) const override {
    std::fill(x.begin(), x.end(), S(0));
    if (spec_.init == Init::zeros || spec_.init_radius == 0) return;
    Vector<double> v(m_);
    Rng rng(seed_, stream::init);
    for (auto& c : v) c = rng.normal();
    as_vector(x) = (spec_.init_radius / v.norm() * v).template cast<S>();
  }

  void stochastic_gradient(int worker, std::span<const S> x, std::span<S> g, Rng& rng) override {
    const S a = static_cast<S>(a_), two_lambda = static_cast<S>(2 * lambda_);
    const S* b = b_.col(worker).data();
    for (Eigen::Index k = 0; k < m_; ++k) {
      const S t = x[static_cast<std::size_t>(k)];
      const S q = S(1) + t * t;
      g[static_cast<std::size_t>(k)] = a * t + two_lambda * t / (q * q) + b[k];  // λφ'(t) = 2λt/(1+t²)²
    }
    if (sigma_ > 0) {
      const double scale = sigma_ / std::sqrt(static_cast<double>(m_));  // E||ξ||² = σ², eq. (2)
      for (auto& gk : g) gk += static_cast<S>(scale * rng.normal());
    }
  }

  std::int64_t samples_per_step(int) const override { return 1; }
  std::int64_t train_size() const override { return 0; }
  double gradient_flops(int) const override { return static_cast<double>(m_) * (sigma_ > 0 ? 11.0 : 9.0); }

  Evaluation evaluate(std::span<const S> x, const EvalOptions&) const override {
    double f = 0, grad_sq = 0;
    for (const S xs : x) {
      const double t = xs, q = 1 + t * t;
      f += 0.5 * a_ * t * t + lambda_ * t * t / q;
      const double gk = a_ * t + 2 * lambda_ * t / (q * q);
      grad_sq += gk * gk;
    }
    Evaluation e;
    e.train_loss = f;
    e.grad_norm_sq = grad_sq;
    return e;
  }

  std::optional<ProblemConstants> constants() const override {
    return ProblemConstants{.L = a_ + 2 * lambda_, .sigma = sigma_, .kappa = kappa_, .f_lower = 0};
  }

  std::string describe() const override {
    return fmt::format("synthetic m={} a={} lambda={} sigma={} kappa={} ({}, L={}), {} workers", m_, a_, lambda_,
                       sigma_, kappa_, lambda_ / 2 > a_ ? "non-convex" : "convex", a_ + 2 * lambda_, N_);
  }

 private:
  Eigen::Index m_;
  int N_;
  double a_, lambda_, sigma_, kappa_;
  ProblemSpec spec_;
  std::uint64_t seed_;
  Matrix<S> b_;  // column i = b_i
};

}  // namespace

template <class S>
std::unique_ptr<Problem<S>> make_synthetic_problem(const ProblemSpec& spec, int N, std::uint64_t seed) {
  return std::make_unique<SyntheticProblem<S>>(spec, N, seed);
}

template std::unique_ptr<Problem<float>> make_synthetic_problem<float>(const ProblemSpec&, int, std::uint64_t);
template std::unique_ptr<Problem<double>> make_synthetic_problem<double>(const ProblemSpec&, int, std::uint64_t);

namespace {

const bool registered = ModelRegistry::add({
    .name = "synthetic",
    .help = "f_i(x) = a/2·‖x‖² + λ·Σ_k x_k²/(1+x_k²) + ⟨b_i, x⟩ with noise σ: Assumption 1's L, σ, κ exact",
    .order = 1,
    .keys = {{"dimension", &ProblemSpec::dimension, "d (default 100)"},
             {"a", &ProblemSpec::a, "curvature a (default 1)"},
             {"lambda", &ProblemSpec::lambda, "non-convex weight λ (default 4); L = a + 2λ"},
             {"sigma", &ProblemSpec::sigma, "gradient noise σ (default 1)"},
             {"kappa", &ProblemSpec::kappa, "heterogeneity κ across workers (default 0)"},
             {"init_radius", &ProblemSpec::init_radius, "‖x̂‖ of the seeded start (default 10)"}},
    .problem_float = [](const ProblemSpec& s, int N, std::uint64_t seed) { return make_synthetic_problem<float>(s, N, seed); },
    .problem_double = [](const ProblemSpec& s, int N, std::uint64_t seed) {
      return make_synthetic_problem<double>(s, N, seed);
    },
});

}  // namespace
}  // namespace csgd
