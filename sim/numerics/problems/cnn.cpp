// Convolutional network (`model: cnn`), the stand-in for ResNet56 on small machines.
//
// Architecture, for an input image C_0 × H_0 × W_0 (each sample a channel-major column of the data)
// and `channels: [C_1, …, C_K]`, `hidden: [n_1, …, n_{L−1}]`, classes n_L:
//   stage k = 1..K, on a C_{k−1} × H_{k−1} × W_{k−1} map X:
//     Y  = relu(conv_a(X))                          conv_a: C_{k−1} → C_k
//     residual: false   T = Y
//     residual: true    R = relu(conv_b(Y)),  T = Y + conv_c(R)          conv_b, conv_c: C_k → C_k
//                       (the residual block: conv3×3-ReLU-conv3×3 plus the identity)
//     X' = maxpool2x2(relu(T))                      H_k = ⌊H_{k−1}/2⌋, W_k = ⌊W_{k−1}/2⌋
//   every conv is 3×3, stride 1, zero padding 1, with a bias per output channel;
//   head: the last map flattened to n_0 = C_K·H_K·W_K features, then an MLP n_0 → n_1 → … → n_L with
//   ReLU between layers, and softmax cross-entropy on the logits (softmax_cross_entropy.hpp).
//
// Parameters, in this order (per layer: weights, then biases):
//   per stage: conv_a W (C_k × 9·C_{k−1}), b (C_k); if residual: conv_b W (C_k × 9·C_k), b (C_k),
//              conv_c W (C_k × 9·C_k), b (C_k)
//   per FC layer l = 1..L: W_l (n_l × n_{l−1}), b_l (n_l)
//   m = Σ_k (9·C_{k−1} + 1)·C_k [+ 2·(9·C_k + 1)·C_k if residual] + Σ_l (n_{l−1} + 1)·n_l.
// All matrices are column-major. Conv weight column (3·ky + kx)·C_in + c multiplies input channel
// c at offset (ky − 1, kx − 1). The flattened features are ordered pixel-major, channel fastest:
// feature (y·W_K + x)·C_K + c. Fashion-MNIST (1×28×28) with the default channels [32, 64] and
// hidden [128]: 320 + 18,496 + (3136 + 1)·128 + (128 + 1)·10 = 421,642 parameters.
// Seeded init (He): every weight ~ N(0, 2/fan_in) with fan_in = 9·C_in (conv) or n_{l−1} (FC), drawn
// in parameter order from the init stream; biases 0.
//
// Speed: maps are NHWC (cnn_kernels.hpp), so a conv over a whole micro-batch of b samples is one
// GEMM (C_out × 9·C_in) · (9·C_in × H·W·b) on the im2col matrix, and the last map is already the
// n_0 × b feature matrix of the head (no copy). Per conv, FLOPs 2·C_out·9·C_in·H·W per sample for
//   forward  Z = W·cols            backward  ∇W += δ·colsᵀ,   cols' = Wᵀ·δ then col2im (not for
// the first conv, whose input needs no gradient); per FC layer 2·n_l·n_{l−1} each for the forward,
// ∇W and the input gradient (which the head always needs). These GEMMs are flops_per_sample().
// (∇W is computed as (cols·δᵀ)ᵀ when 9·C_in > C_out: the same FLOPs, ~10% faster in Eigen.)
// Bias, ReLU and pooling are fused into one pass over the conv output: relu(maxpool(Z) + b) (relu
// and + b are monotone), keeping the argmax for the backward routing. Batches are cut into micro-
// batches of kMicroBatch columns (fixed order, so results are deterministic), which bounds the
// per-thread scratch and keeps the im2col matrices in cache.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csgd/model_registry.hpp"
#include "numerics/problems/cnn_kernels.hpp"
#include "numerics/problems/data_problem.hpp"
#include "numerics/problems/softmax_cross_entropy.hpp"

namespace csgd {
namespace {

using cnn::Index;
using cnn::MapLayout;

// Samples per forward/backward pass; a batch of more columns is processed in pieces of this size.
constexpr Index kMicroBatch = 16;

struct Conv {
  Index cin = 0, cout = 0;
  Index weights = 0, bias = 0;  // offsets in x
  Index fan_in() const { return 9 * cin; }
};

struct Stage {
  Index H = 0, W = 0;    // input (and conv output) size
  Index Ho = 0, Wo = 0;  // after pooling
  Conv a, b, c;          // b and c only with residual
  Index cout() const { return a.cout; }
  Index pixels() const { return H * W; }
  Index pooled() const { return Ho * Wo; }
};

template <class S>
class Cnn final : public Model<S> {
  using ConstMap = Eigen::Map<const Matrix<S>>;
  using MutMap = Eigen::Map<Matrix<S>>;
  using VecMap = Eigen::Map<Vector<S>>;
  using ConstVecMap = Eigen::Map<const Vector<S>>;

 public:
  Cnn(ImageShape image, const std::vector<int>& channels, bool residual, const std::vector<int>& hidden, int classes)
      : image_(image), residual_(residual) {
    Index offset = 0;
    const auto conv = [&](Index cin, Index cout) {
      Conv c{cin, cout, offset, offset + cout * 9 * cin};
      offset = c.bias + cout;
      return c;
    };
    Index C = image.channels, H = image.height, W = image.width;
    for (int cout : channels) {
      Stage s;
      s.H = H, s.W = W, s.Ho = H / 2, s.Wo = W / 2;
      s.a = conv(C, cout);
      if (residual) {
        s.b = conv(cout, cout);
        s.c = conv(cout, cout);
      }
      stages_.push_back(s);
      C = cout, H = s.Ho, W = s.Wo;
    }
    width_.push_back(C * H * W);
    for (int h : hidden) width_.push_back(h);
    width_.push_back(classes);
    for (std::size_t l = 1; l < width_.size(); ++l) {
      fc_offset_.push_back(offset);
      offset += width_[l] * width_[l - 1] + width_[l];
    }
    dimension_ = offset;
  }

  Eigen::Index dimension() const override { return dimension_; }

  void seeded_init(std::span<S> x, Rng& rng) const override {
    const auto fill = [&](Index weights, Index count, Index fan_in, Index biases) {
      const double sd = std::sqrt(2.0 / static_cast<double>(fan_in));
      for (Index k = 0; k < count; ++k) x[static_cast<std::size_t>(weights + k)] = static_cast<S>(sd * rng.normal());
      std::fill_n(x.begin() + weights + count, biases, S(0));
    };
    for (const Stage& s : stages_)
      for (const Conv* c : convs(s)) fill(c->weights, c->cout * c->fan_in(), c->fan_in(), c->cout);
    for (std::size_t l = 1; l < width_.size(); ++l)
      fill(fc_offset_[l - 1], width_[l] * width_[l - 1], width_[l - 1], width_[l]);
  }

  std::unique_ptr<ModelScratch> make_scratch(Eigen::Index max_cols) const override {
    const Index b = std::min(max_cols, kMicroBatch);
    auto sc = std::make_unique<Scratch>();
    Index widest = 0, largest_pixels = 0;
    for (const Stage& s : stages_) {
      const Index n = s.pixels() * b, C = s.cout();
      StageBuffers& t = sc->stage.emplace_back();
      t.cols_a.resize(9 * s.a.cin, n);
      t.z.resize(C, n);
      if (residual_) {
        t.cols_b.resize(9 * C, n);
        t.r.resize(C, n);
        t.cols_c.resize(9 * C, n);
        t.zc.resize(C, n);
      }
      t.pooled.resize(C, s.pooled() * b);
      t.arg.resize(static_cast<std::size_t>(C * s.pooled() * b));
      t.grad_pooled.resize(C, s.pooled() * b);
      widest = std::max(widest, C * n);
      largest_pixels = std::max(largest_pixels, n);
    }
    sc->grad_map[0].resize(widest);
    sc->grad_map[1].resize(widest);
    if (residual_) sc->grad_map[2].resize(widest);
    Index widest_fc = 0;
    for (std::size_t l = 1; l < width_.size(); ++l) {
      sc->h.emplace_back(width_[l], b);
      if (l + 1 < width_.size()) widest_fc = std::max(widest_fc, width_[l]);
    }
    sc->delta[0].resize(widest_fc, b);
    sc->delta[1].resize(widest_fc, b);
    sc->ones = Vector<S>::Ones(std::max(largest_pixels, b));
    Index largest_conv = 0;
    for (const Stage& s : stages_)
      for (const Conv* c : convs(s)) largest_conv = std::max(largest_conv, c->cout * c->fan_in());
    sc->weights_t.resize(largest_conv);
    return sc;
  }

  LossSum add_gradient(std::span<const S> x, const Batch<S>& batch, S scale, std::span<S> g,
                       ModelScratch& scratch) const override {
    auto& sc = static_cast<Scratch&>(scratch);
    LossSum sum;
    for (Index first = 0; first < batch.a.cols(); first += kMicroBatch) {
      const Index b = std::min(kMicroBatch, batch.a.cols() - first);
      forward(x, batch.a.data() + first * batch.a.rows(), b, sc);
      const std::size_t L = width_.size() - 1;
      const auto classes = batch.classes.subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(b));
      const LossSum part = softmax_cross_entropy_backward<S>(MutMap(sc.h[L - 1].data(), width_[L], b), classes, scale);
      sum.loss += part.loss;
      sum.correct += part.correct;
      backward(x, b, g, sc);
    }
    return sum;
  }

  LossSum loss(std::span<const S> x, const Batch<S>& batch, ModelScratch& scratch) const override {
    auto& sc = static_cast<Scratch&>(scratch);
    LossSum sum;
    for (Index first = 0; first < batch.a.cols(); first += kMicroBatch) {
      const Index b = std::min(kMicroBatch, batch.a.cols() - first);
      forward(x, batch.a.data() + first * batch.a.rows(), b, sc);
      const LossSum part = softmax_cross_entropy(ConstMap(sc.h.back().data(), width_.back(), b),
                                                 batch.classes.subspan(static_cast<std::size_t>(first),
                                                                       static_cast<std::size_t>(b)));
      sum.loss += part.loss;
      sum.correct += part.correct;
    }
    return sum;
  }

  double flops_per_sample() const override {
    double flops = 0;
    for (std::size_t k = 0; k < stages_.size(); ++k)
      for (const Conv* c : convs(stages_[k])) {
        const bool first = k == 0 && c == &stages_[k].a;  // the image needs no gradient
        flops += (first ? 4.0 : 6.0) * static_cast<double>(c->cout * c->fan_in() * stages_[k].pixels());
      }
    for (std::size_t l = 1; l < width_.size(); ++l) flops += 6.0 * static_cast<double>(width_[l] * width_[l - 1]);
    return flops;
  }

  bool classifies() const override { return true; }

  std::string describe() const override {
    std::vector<Index> ch;
    for (const Stage& s : stages_) ch.push_back(s.cout());
    return fmt::format("cnn {}x{}x{} conv [{}]{} fc {}", image_.channels, image_.height, image_.width,
                       fmt::join(ch, ", "), residual_ ? " residual" : "", fmt::join(width_, "-"));
  }

 private:
  struct StageBuffers {
    Matrix<S> cols_a, z;  // im2col of the input; conv_a output (pre-pooling, or Y with residual)
    Matrix<S> cols_b, r, cols_c, zc;  // residual only: im2col of Y, R, im2col of R, T
    Matrix<S> pooled, grad_pooled;    // the stage output X' and the gradient w.r.t. it
    std::vector<cnn::PoolIndex> arg;  // argmax of each pooling window
  };
  struct Scratch final : ModelScratch {
    std::vector<StageBuffers> stage;
    Vector<S> grad_map[3];       // gradients w.r.t. full-resolution maps (largest stage size)
    std::vector<Matrix<S>> h;    // FC outputs; the last holds the logits, then δ_L
    Matrix<S> delta[2];          // FC hidden δ, ping-pong
    Vector<S> ones;
    Vector<S> weights_t;         // ∇W of one conv, transposed
  };

  std::vector<const Conv*> convs(const Stage& s) const {
    if (residual_) return {&s.a, &s.b, &s.c};
    return {&s.a};
  }

  static ConstMap weights(std::span<const S> x, const Conv& c) { return {x.data() + c.weights, c.cout, c.fan_in()}; }
  static ConstVecMap bias(std::span<const S> x, const Conv& c) { return {x.data() + c.bias, c.cout}; }

  // Z = W·im2col(input) for n = H·W·b pixel columns.
  static void conv_forward(std::span<const S> x, const Conv& c, const S* input, const MapLayout& layout, Index b,
                           Matrix<S>& cols, Matrix<S>& z) {
    const Index n = layout.H * layout.W * b;
    cnn::im2col3x3(input, layout, b, cols.data());
    MutMap(z.data(), c.cout, n).noalias() = weights(x, c) * ConstMap(cols.data(), c.fan_in(), n);
  }

  // delta = ∂ℓ/∂(conv output) (C_out × n). ∇W += delta·colsᵀ; ∇b += delta·1 unless bias_done; with
  // grad_input, cols := Wᵀ·delta and col2im adds it into grad_input (an NHWC map, initialised).
  void conv_backward(std::span<const S> x, const Conv& c, const Stage& s, Index b, const S* delta, Matrix<S>& cols,
                     std::span<S> g, S* grad_input, bool bias_done, Scratch& sc) const {
    const Index n = s.pixels() * b;
    const ConstMap d(delta, c.cout, n), im(cols.data(), c.fan_in(), n);
    MutMap gw(g.data() + c.weights, c.cout, c.fan_in());
    if (c.fan_in() > c.cout) {  // Eigen's GEMM is faster with the longer side as rows (and no transposed packing)
      MutMap wt(sc.weights_t.data(), c.fan_in(), c.cout);
      wt.noalias() = im * d.transpose();
      gw += wt.transpose();
    } else {
      gw.noalias() += d * im.transpose();
    }
    if (!bias_done) VecMap(g.data() + c.bias, c.cout).noalias() += d * sc.ones.head(n);
    if (grad_input == nullptr) return;
    MutMap(cols.data(), c.fan_in(), n).noalias() = weights(x, c).transpose() * d;
    cnn::col2im3x3_add(cols.data(), c.cin, s.H, s.W, b, grad_input);
  }

  // Forward of b samples whose images start at `images` (d values per sample, channel-major);
  // leaves the logits in h.back().
  void forward(std::span<const S> x, const S* images, Index b, Scratch& sc) const {
    const S* input = images;
    MapLayout layout = MapLayout::chw(image_.channels, image_.height, image_.width);
    for (std::size_t k = 0; k < stages_.size(); ++k) {
      const Stage& s = stages_[k];
      StageBuffers& t = sc.stage[k];
      const Index C = s.cout(), n = s.pixels() * b;
      conv_forward(x, s.a, input, layout, b, t.cols_a, t.z);
      const S* pool_bias = x.data() + s.a.bias;
      const S* pool_input = t.z.data();
      if (residual_) {
        MutMap y(t.z.data(), C, n);
        y = (y.colwise() + bias(x, s.a)).cwiseMax(S(0));
        const MapLayout inner = MapLayout::nhwc(C, s.H, s.W);
        conv_forward(x, s.b, t.z.data(), inner, b, t.cols_b, t.r);
        MutMap r(t.r.data(), C, n);
        r = (r.colwise() + bias(x, s.b)).cwiseMax(S(0));
        conv_forward(x, s.c, t.r.data(), inner, b, t.cols_c, t.zc);
        MutMap(t.zc.data(), C, n) += y;  // T − b_c; the bias goes in with the pooling
        pool_bias = x.data() + s.c.bias;
        pool_input = t.zc.data();
      }
      cnn::bias_relu_max_pool2x2(pool_input, pool_bias, C, s.H, s.W, b, t.pooled.data(), t.arg.data());
      input = t.pooled.data();
      layout = MapLayout::nhwc(C, s.Ho, s.Wo);
    }
    // FC head on the flattened last map.
    for (std::size_t l = 1; l < width_.size(); ++l) {
      const Index out = width_[l], in = width_[l - 1];
      const ConstVecMap bias_l(x.data() + fc_offset_[l - 1] + out * in, out);
      MutMap h(sc.h[l - 1].data(), out, b);
      h.noalias() = fc_weights(x, l) * ConstMap(l == 1 ? input : sc.h[l - 2].data(), in, b);
      if (l + 1 < width_.size())
        h = (h.colwise() + bias_l).cwiseMax(S(0));
      else
        h.colwise() += bias_l;
    }
  }

  // Backward after softmax_cross_entropy_backward left δ_L in h.back(); adds into g.
  void backward(std::span<const S> x, Index b, std::span<S> g, Scratch& sc) const {
    const std::size_t L = width_.size() - 1;
    const S* features = sc.stage.back().pooled.data();
    S* delta = sc.h[L - 1].data();
    for (std::size_t l = L; l >= 1; --l) {
      const Index out = width_[l], in = width_[l - 1];
      const ConstMap d(delta, out, b);
      const ConstMap input(l == 1 ? features : sc.h[l - 2].data(), in, b);
      MutMap(g.data() + fc_offset_[l - 1], out, in).noalias() += d * input.transpose();
      VecMap(g.data() + fc_offset_[l - 1] + out * in, out).noalias() += d * sc.ones.head(b);
      if (l == 1) {  // ∂ℓ/∂features; the ReLU of the last stage is applied in the pooling backward
        MutMap(sc.stage.back().grad_pooled.data(), in, b).noalias() = fc_weights(x, l).transpose() * d;
        break;
      }
      S* next = delta == sc.delta[0].data() ? sc.delta[1].data() : sc.delta[0].data();
      MutMap dn(next, in, b);
      dn.noalias() = fc_weights(x, l).transpose() * d;
      dn.array() = (input.array() > S(0)).select(dn.array(), S(0));  // ReLU'
      delta = next;
    }
    for (std::size_t k = stages_.size(); k-- > 0;) {
      const Stage& s = stages_[k];
      StageBuffers& t = sc.stage[k];
      const Index C = s.cout(), n = s.pixels() * b;
      S* grad_input = nullptr;  // ∂ℓ/∂(stage input) = the previous stage's grad_pooled
      if (k > 0) {
        grad_input = sc.stage[k - 1].grad_pooled.data();
        std::fill_n(grad_input, sc.stage[k - 1].grad_pooled.rows() * stages_[k - 1].pooled() * b, S(0));
      }
      S* grad_t = sc.grad_map[0].data();  // ∂ℓ/∂(pooling input before bias) = ∂ℓ/∂Z (or ∂ℓ/∂T)
      const Conv& top = residual_ ? s.c : s.a;
      cnn::bias_relu_max_pool2x2_backward(t.pooled.data(), t.arg.data(), t.grad_pooled.data(), C, s.H, s.W, b,
                                          grad_t, g.data() + top.bias);
      if (!residual_) {
        conv_backward(x, s.a, s, b, grad_t, t.cols_a, g, grad_input, true, sc);
        continue;
      }
      // T = Y + conv_c(R): ∂ℓ/∂Y = ∂ℓ/∂T + conv_bᵀ(∂ℓ/∂(conv_b output)), masked by Y > 0.
      S* grad_r = sc.grad_map[1].data();
      S* grad_y = sc.grad_map[2].data();
      std::fill_n(grad_r, C * n, S(0));
      conv_backward(x, s.c, s, b, grad_t, t.cols_c, g, grad_r, true, sc);
      MutMap gr(grad_r, C, n);
      gr.array() = (ConstMap(t.r.data(), C, n).array() > S(0)).select(gr.array(), S(0));
      std::copy_n(grad_t, C * n, grad_y);
      conv_backward(x, s.b, s, b, grad_r, t.cols_b, g, grad_y, false, sc);
      MutMap gy(grad_y, C, n);
      gy.array() = (ConstMap(t.z.data(), C, n).array() > S(0)).select(gy.array(), S(0));
      conv_backward(x, s.a, s, b, grad_y, t.cols_a, g, grad_input, false, sc);
    }
  }

  ConstMap fc_weights(std::span<const S> x, std::size_t l) const {
    return ConstMap(x.data() + fc_offset_[l - 1], width_[l], width_[l - 1]);
  }

  ImageShape image_;
  bool residual_;
  std::vector<Stage> stages_;
  std::vector<Index> width_;      // FC widths n_0 … n_L
  std::vector<Index> fc_offset_;  // start of W_l in x, l = 1..L
  Index dimension_ = 0;
};

}  // namespace

template <class S>
std::unique_ptr<Model<S>> make_cnn(ImageShape image, const std::vector<int>& channels, bool residual,
                                   const std::vector<int>& hidden, int classes) {
  return std::make_unique<Cnn<S>>(image, channels, residual, hidden, classes);
}

template std::unique_ptr<Model<float>> make_cnn<float>(ImageShape, const std::vector<int>&, bool,
                                                       const std::vector<int>&, int);
template std::unique_ptr<Model<double>> make_cnn<double>(ImageShape, const std::vector<int>&, bool,
                                                         const std::vector<int>&, int);

namespace {

const bool registered = ModelRegistry::add({
    .name = "cnn",
    .help = "3×3 convolution stages (ReLU, 2×2 max-pool), optional residual blocks, a fully connected head",
    .order = 6,
    .keys = {{"channels", &ProblemSpec::channels, "channels of each conv stage (default [32, 64])"},
             {"residual", &ProblemSpec::residual, "a residual block in every stage (default false)"},
             {"hidden", &ProblemSpec::hidden, "widths of the fully connected head (default [128])"},
             {"image_shape", &ProblemSpec::image_shape, "[C, H, W] for data without an image shape"}},
    .defaults = [](ProblemSpec& s) { s.hidden = {128}; },
    .model_float = [](const ProblemSpec& s, const Dataset<float>& train) {
      return make_cnn<float>(cnn_image_shape(s, train), s.channels, s.residual, s.hidden, model_classes(s, train));
    },
    .model_double = [](const ProblemSpec& s, const Dataset<double>& train) {
      return make_cnn<double>(cnn_image_shape(s, train), s.channels, s.residual, s.hidden, model_classes(s, train));
    },
});

}  // namespace
}  // namespace csgd
