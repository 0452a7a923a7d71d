// Multinomial logistic (softmax) regression: z = W·a (+ b), ℓ = softmax cross-entropy of z and
// the sample's class; prediction argmax z.
//
// Parameter layout: x = [W (C × d, column-major: W(c, k) = x[c + C·k]), b (C entries, only with bias)].
// Seeded init: W(c, k) ~ N(0, 1/d) from the init stream, b = 0.
#include <cmath>
#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/model_registry.hpp"
#include "numerics/problems/data_problem.hpp"
#include "numerics/problems/softmax_cross_entropy.hpp"

namespace csgd {
namespace {

template <class S>
class SoftmaxRegression final : public Model<S> {
 public:
  SoftmaxRegression(Eigen::Index d, int classes, bool bias) : d_(d), c_(classes), bias_(bias) {}

  Eigen::Index dimension() const override { return c_ * d_ + (bias_ ? c_ : 0); }

  void seeded_init(std::span<S> x, Rng& rng) const override {
    const double sd = 1.0 / std::sqrt(static_cast<double>(d_));
    for (Eigen::Index k = 0; k < c_ * d_; ++k) x[static_cast<std::size_t>(k)] = static_cast<S>(sd * rng.normal());
    for (Eigen::Index k = c_ * d_; k < dimension(); ++k) x[static_cast<std::size_t>(k)] = S(0);
  }

  std::unique_ptr<ModelScratch> make_scratch(Eigen::Index max_cols) const override {
    auto scratch = std::make_unique<Scratch>();
    scratch->z.resize(c_, max_cols);
    scratch->ones = Vector<S>::Ones(max_cols);
    return scratch;
  }

  LossSum add_gradient(std::span<const S> x, const Batch<S>& batch, S scale, std::span<S> g,
                       ModelScratch& scratch) const override {
    auto& s = static_cast<Scratch&>(scratch);
    auto z = logits(x, batch, s);
    const LossSum sum = softmax_cross_entropy_backward<S>(z, batch.classes, scale);
    Eigen::Map<Matrix<S>> gw(g.data(), c_, d_);
    gw.noalias() += z * batch.a.transpose();
    if (bias_) {
      Eigen::Map<Vector<S>> gb(g.data() + c_ * d_, c_);
      gb.noalias() += z * s.ones.head(z.cols());
    }
    return sum;
  }

  LossSum loss(std::span<const S> x, const Batch<S>& batch, ModelScratch& scratch) const override {
    auto z = logits(x, batch, static_cast<Scratch&>(scratch));
    return softmax_cross_entropy(z, batch.classes);
  }

  // W·A and δ·Aᵀ: 2·C·d FLOPs each per sample.
  double flops_per_sample() const override { return 4.0 * static_cast<double>(c_ * d_); }
  bool classifies() const override { return true; }
  std::string describe() const override {
    return fmt::format("softmax (d={}, C={}{})", d_, c_, bias_ ? ", bias" : "");
  }

 private:
  struct Scratch final : ModelScratch {
    Matrix<S> z;
    Vector<S> ones;
  };

  Eigen::Map<Matrix<S>> logits(std::span<const S> x, const Batch<S>& batch, Scratch& s) const {
    Eigen::Map<Matrix<S>> z(s.z.data(), c_, batch.a.cols());
    const Eigen::Map<const Matrix<S>> w(x.data(), c_, d_);
    z.noalias() = w * batch.a;
    if (bias_) z.colwise() += Eigen::Map<const Vector<S>>(x.data() + c_ * d_, c_);
    return z;
  }

  Eigen::Index d_, c_;
  bool bias_;
};

}  // namespace

template <class S>
std::unique_ptr<Model<S>> make_softmax_regression(Eigen::Index d, int classes, bool bias) {
  return std::make_unique<SoftmaxRegression<S>>(d, classes, bias);
}

template std::unique_ptr<Model<float>> make_softmax_regression<float>(Eigen::Index, int, bool);
template std::unique_ptr<Model<double>> make_softmax_regression<double>(Eigen::Index, int, bool);

namespace {

const Key<ProblemSpec> kBias{"bias", &ProblemSpec::bias, "append a bias term (default false)"};

const bool registered = ModelRegistry::add({
    .name = "softmax",
    .help = "multinomial logistic regression",
    .order = 4,
    .keys = {kBias},
    .model_float = [](const ProblemSpec& s, const Dataset<float>& train) { return make_softmax_regression<float>(train.dim(), model_classes(s, train), s.bias); },
    .model_double = [](const ProblemSpec& s, const Dataset<double>& train) { return make_softmax_regression<double>(train.dim(), model_classes(s, train), s.bias); },
});

}  // namespace
}  // namespace csgd
