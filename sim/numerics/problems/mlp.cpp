// Multi-layer perceptron: widths n_0 = d → hidden[0] → … → n_L = C, ReLU between layers, softmax
// cross-entropy on the last layer's logits, biases on every layer.
//
// Parameter layout: for l = 1..L in order, W_l (n_l × n_{l−1}, column-major) then b_l (n_l).
// Seeded init (He): W_l entries ~ N(0, 2/n_{l−1}) drawn in that same order from the init stream,
// b_l = 0.
//
// Speed: activations are n_l × b with one sample per column, so every layer is one GEMM on Maps
// over the parameter span and over per-thread buffers (no allocation per call):
//   forward   H_l = relu(W_l·H_{l−1} + b_l)               2·n_l·n_{l−1}·b FLOPs
//   backward  ∇W_l += δ_l·H_{l−1}ᵀ,  ∇b_l += δ_l·1        2·n_l·n_{l−1}·b
//             δ_{l−1} = (W_lᵀ·δ_l) ⊙ [H_{l−1} > 0]        2·n_l·n_{l−1}·b, not for l = 1
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csgd/errors.hpp"
#include "csgd/model_registry.hpp"
#include "numerics/problems/data_problem.hpp"
#include "numerics/problems/softmax_cross_entropy.hpp"

namespace csgd {
namespace {

template <class S>
class Mlp final : public Model<S> {
  using ConstMap = Eigen::Map<const Matrix<S>>;
  using MutMap = Eigen::Map<Matrix<S>>;

 public:
  Mlp(Eigen::Index d, const std::vector<int>& hidden, int classes) {
    width_.push_back(d);
    for (int h : hidden) width_.push_back(h);
    width_.push_back(classes);
    Eigen::Index offset = 0;
    for (std::size_t l = 1; l < width_.size(); ++l) {
      offset_.push_back(offset);
      offset += width_[l] * width_[l - 1] + width_[l];
    }
    dimension_ = offset;
  }

  Eigen::Index dimension() const override { return dimension_; }

  void seeded_init(std::span<S> x, Rng& rng) const override {
    for (std::size_t l = 1; l <= layers(); ++l) {
      const double sd = std::sqrt(2.0 / static_cast<double>(width_[l - 1]));
      S* w = x.data() + offset_[l - 1];
      const Eigen::Index weights = width_[l] * width_[l - 1];
      for (Eigen::Index k = 0; k < weights; ++k) w[k] = static_cast<S>(sd * rng.normal());
      std::fill_n(w + weights, width_[l], S(0));
    }
  }

  std::unique_ptr<ModelScratch> make_scratch(Eigen::Index max_cols) const override {
    auto s = std::make_unique<Scratch>();
    Eigen::Index widest = 0;
    for (std::size_t l = 1; l <= layers(); ++l) {
      s->h.emplace_back(width_[l], max_cols);
      if (l < layers()) widest = std::max(widest, width_[l]);
    }
    s->delta[0].resize(widest, max_cols);
    s->delta[1].resize(widest, max_cols);
    s->ones = Vector<S>::Ones(max_cols);
    return s;
  }

  LossSum add_gradient(std::span<const S> x, const Batch<S>& batch, S scale, std::span<S> g,
                       ModelScratch& scratch) const override {
    auto& s = static_cast<Scratch&>(scratch);
    const Eigen::Index b = batch.a.cols();
    forward(x, batch.a, s);
    const std::size_t L = layers();
    // δ_L = scale·(softmax − onehot), written over the logits.
    const LossSum sum = softmax_cross_entropy_backward<S>(MutMap(s.h[L - 1].data(), width_[L], b), batch.classes, scale);
    S* delta = s.h[L - 1].data();
    for (std::size_t l = L; l >= 1; --l) {
      const Eigen::Index out = width_[l], in = width_[l - 1];
      const ConstMap d(delta, out, b);
      const ConstMap input = l == 1 ? batch.a : ConstMap(s.h[l - 2].data(), in, b);
      MutMap(g.data() + offset_[l - 1], out, in).noalias() += d * input.transpose();
      Eigen::Map<Vector<S>>(g.data() + offset_[l - 1] + out * in, out).noalias() += d * s.ones.head(b);
      if (l == 1) break;  // the input needs no gradient
      S* next = delta == s.delta[0].data() ? s.delta[1].data() : s.delta[0].data();
      MutMap dn(next, in, b);
      dn.noalias() = weights(x, l).transpose() * d;
      dn.array() = (input.array() > S(0)).select(dn.array(), S(0));  // ReLU'
      delta = next;
    }
    return sum;
  }

  LossSum loss(std::span<const S> x, const Batch<S>& batch, ModelScratch& scratch) const override {
    auto& s = static_cast<Scratch&>(scratch);
    forward(x, batch.a, s);
    return softmax_cross_entropy(ConstMap(s.h[layers() - 1].data(), width_.back(), batch.a.cols()), batch.classes);
  }

  double flops_per_sample() const override {
    double flops = 0;
    for (std::size_t l = 1; l <= layers(); ++l)
      flops += (l == 1 ? 4.0 : 6.0) * static_cast<double>(width_[l] * width_[l - 1]);
    return flops;
  }

  bool classifies() const override { return true; }

  std::string describe() const override { return fmt::format("mlp {}", fmt::join(width_, "-")); }

 private:
  struct Scratch final : ModelScratch {
    std::vector<Matrix<S>> h;  // h[l−1] = H_l (n_l × max_cols); the last one holds logits, then δ_L
    Matrix<S> delta[2];        // δ_{l} for hidden layers, ping-pong
    Vector<S> ones;
  };

  std::size_t layers() const { return width_.size() - 1; }

  ConstMap weights(std::span<const S> x, std::size_t l) const {
    return ConstMap(x.data() + offset_[l - 1], width_[l], width_[l - 1]);
  }

  void forward(std::span<const S> x, const ConstMap& a, Scratch& s) const {
    const Eigen::Index b = a.cols();
    for (std::size_t l = 1; l <= layers(); ++l) {
      const Eigen::Index out = width_[l], in = width_[l - 1];
      const Eigen::Map<const Vector<S>> bias(x.data() + offset_[l - 1] + out * in, out);
      MutMap h(s.h[l - 1].data(), out, b);
      if (l == 1)
        h.noalias() = weights(x, l) * a;
      else
        h.noalias() = weights(x, l) * ConstMap(s.h[l - 2].data(), in, b);
      if (l < layers())
        h = (h.colwise() + bias).cwiseMax(S(0));  // bias and ReLU in one pass
      else
        h.colwise() += bias;
    }
  }

  std::vector<Eigen::Index> width_;   // n_0 … n_L
  std::vector<Eigen::Index> offset_;  // start of W_l in x, l = 1..L
  Eigen::Index dimension_ = 0;
};

}  // namespace

template <class S>
std::unique_ptr<Model<S>> make_mlp(Eigen::Index d, const std::vector<int>& hidden, int classes) {
  return std::make_unique<Mlp<S>>(d, hidden, classes);
}

template std::unique_ptr<Model<float>> make_mlp<float>(Eigen::Index, const std::vector<int>&, int);
template std::unique_ptr<Model<double>> make_mlp<double>(Eigen::Index, const std::vector<int>&, int);

namespace {

const bool registered = ModelRegistry::add({
    .name = "mlp",
    .help = "fully connected ReLU network with a softmax output",
    .order = 5,
    .keys = {{"hidden", &ProblemSpec::hidden, "hidden layer widths (default [256, 256])"}},
    .model_float = [](const ProblemSpec& s, const Dataset<float>& train) { return make_mlp<float>(train.dim(), s.hidden, model_classes(s, train)); },
    .model_double = [](const ProblemSpec& s, const Dataset<double>& train) { return make_mlp<double>(train.dim(), s.hidden, model_classes(s, train)); },
});

}  // namespace
}  // namespace csgd
