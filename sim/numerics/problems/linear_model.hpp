#pragma once
// One linear score per sample, z = wᵀa (+ b), and a per-sample loss of z: the shared body of
// least squares and logistic regression. `Link` supplies the loss, its derivative and the name.
//
// Parameter layout: x = [w (d entries), b (1 entry, only with bias)].
// Seeded init: w_k ~ N(0, 1/d) from the init stream (so wᵀa = O(1) for unit-scale features), b = 0.
#include <cmath>
#include <fmt/format.h>

#include "numerics/problems/data_problem.hpp"

namespace csgd {

// What Link::eval returns for one sample.
template <class S>
struct LinkValue {
  double loss;   // ℓ(z; y)
  S dloss;       // dℓ/dz
  bool correct;  // prediction right (classification links)
};

template <class S, class Link>
class LinearModel final : public Model<S> {
 public:
  LinearModel(Eigen::Index d, bool bias) : d_(d), bias_(bias) {}

  Eigen::Index dimension() const override { return d_ + (bias_ ? 1 : 0); }

  void seeded_init(std::span<S> x, Rng& rng) const override {
    const double sd = 1.0 / std::sqrt(static_cast<double>(d_));
    for (Eigen::Index k = 0; k < d_; ++k) x[static_cast<std::size_t>(k)] = static_cast<S>(sd * rng.normal());
    if (bias_) x[static_cast<std::size_t>(d_)] = S(0);
  }

  std::unique_ptr<ModelScratch> make_scratch(Eigen::Index max_cols) const override {
    auto scratch = std::make_unique<Scratch>();
    scratch->z.resize(max_cols);
    return scratch;
  }

  LossSum add_gradient(std::span<const S> x, const Batch<S>& batch, S scale, std::span<S> g,
                       ModelScratch& scratch) const override {
    auto z = scores(x, batch, scratch);
    LossSum sum;
    for (Eigen::Index j = 0; j < z.size(); ++j) {
      const LinkValue<S> v = Link::eval(z[j], batch.y[static_cast<std::size_t>(j)]);
      sum.loss += v.loss;
      sum.correct += v.correct;
      z[j] = scale * v.dloss;  // z now holds scale·dℓ/dz, so ∇_w = A·z and ∇_b = Σ z
    }
    Eigen::Map<Vector<S>> gw(g.data(), d_);
    gw.noalias() += batch.a * z;
    if (bias_) g[static_cast<std::size_t>(d_)] += z.sum();
    return sum;
  }

  LossSum loss(std::span<const S> x, const Batch<S>& batch, ModelScratch& scratch) const override {
    auto z = scores(x, batch, scratch);
    LossSum sum;
    for (Eigen::Index j = 0; j < z.size(); ++j) {
      const LinkValue<S> v = Link::eval(z[j], batch.y[static_cast<std::size_t>(j)]);
      sum.loss += v.loss;
      sum.correct += v.correct;
    }
    return sum;
  }

  // Aᵀw and A·z: 2d FLOPs each per sample.
  double flops_per_sample() const override { return 4.0 * static_cast<double>(d_); }
  bool classifies() const override { return Link::classifies; }
  std::string describe() const override {
    return fmt::format("{} (d={}{})", Link::name, d_, bias_ ? ", bias" : "");
  }

 private:
  struct Scratch final : ModelScratch {
    Vector<S> z;
  };

  Eigen::Map<Vector<S>> scores(std::span<const S> x, const Batch<S>& batch, ModelScratch& scratch) const {
    Eigen::Map<Vector<S>> z(static_cast<Scratch&>(scratch).z.data(), batch.a.cols());
    const Eigen::Map<const Vector<S>> w(x.data(), d_);
    z.noalias() = batch.a.transpose() * w;
    if (bias_) z.array() += x[static_cast<std::size_t>(d_)];
    return z;
  }

  Eigen::Index d_;
  bool bias_;
};

}  // namespace csgd
