#pragma once
// The non-GEMM kernels of the CNN (cnn.cpp): 3×3 im2col / col2im (stride 1, padding 1) and 2×2
// max-pooling with its backward routing. Plain loops over raw pointers; no allocation.
//
// Feature maps are held "channel fastest" (NHWC): value (sample s, row y, column x, channel c) of
// a C×H×W map sits at ((s·H + y)·W + x)·C + c, so a batch of maps is the C × (H·W·samples) matrix
// whose column n = (s·H + y)·W + x is one pixel. The input images are channel-major (CHW) columns
// instead, which im2col reads through strides.
#include <algorithm>
#include <cstdint>

#include <Eigen/Core>

namespace csgd::cnn {

using Index = Eigen::Index;

// Where pixel values of a batch of C×H×W maps live: element (s, c, y, x) is at
// s·sample_stride + c·channel_stride + (y·W + x)·pixel_stride.
struct MapLayout {
  Index C = 0, H = 0, W = 0;
  Index sample_stride = 0, channel_stride = 0, pixel_stride = 0;

  static MapLayout nhwc(Index C, Index H, Index W) { return {C, H, W, C * H * W, 1, C}; }
  static MapLayout chw(Index C, Index H, Index W) { return {C, H, W, C * H * W, H * W, 1}; }
};

// cols (9·C × H·W·samples, column-major): column n = (s·H + y)·W + x holds, in row (3·ky + kx)·C + c,
// the value of (s, c, y + ky − 1, x + kx − 1), or 0 outside the map (zero padding).
template <class S>
void im2col3x3(const S* src, const MapLayout& m, Index samples, S* cols) {
  const Index C = m.C, H = m.H, W = m.W, rows = 9 * C;
  const bool nhwc = (m.channel_stride == 1 || C == 1) && m.pixel_stride == C;
  for (Index s = 0; s < samples; ++s) {
    const S* image = src + s * m.sample_stride;
    for (Index y = 0; y < H; ++y) {
      for (Index x = 0; x < W; ++x) {
        S* col = cols + ((s * H + y) * W + x) * rows;
        for (Index ky = 0; ky < 3; ++ky) {
          S* dst = col + 3 * ky * C;
          const Index iy = y + ky - 1;
          if (iy < 0 || iy >= H) {
            std::fill_n(dst, 3 * C, S(0));
            continue;
          }
          if (nhwc && x >= 1 && x + 1 < W) {  // the three pixels are 3·C contiguous values
            const S* p = image + (iy * W + x - 1) * C;
            for (Index k = 0; k < 3 * C; ++k) dst[k] = p[k];
            continue;
          }
          for (Index kx = 0; kx < 3; ++kx, dst += C) {
            const Index ix = x + kx - 1;
            if (ix < 0 || ix >= W) {
              std::fill_n(dst, C, S(0));
              continue;
            }
            const S* p = image + (iy * W + ix) * m.pixel_stride;
            for (Index c = 0; c < C; ++c) dst[c] = p[c * m.channel_stride];
          }
        }
      }
    }
  }
}

// The adjoint of im2col3x3 for NHWC maps: adds every entry of cols to the pixel it was copied from
// (entries that came from the padding are dropped). `img` must be initialised (it is accumulated).
template <class S>
void col2im3x3_add(const S* cols, Index C, Index H, Index W, Index samples, S* img) {
  const Index rows = 9 * C;
  for (Index s = 0; s < samples; ++s) {
    S* image = img + s * H * W * C;
    for (Index y = 0; y < H; ++y) {
      for (Index x = 0; x < W; ++x) {
        const S* col = cols + ((s * H + y) * W + x) * rows;
        for (Index ky = 0; ky < 3; ++ky) {
          const Index iy = y + ky - 1;
          if (iy < 0 || iy >= H) continue;
          const S* from = col + 3 * ky * C;
          if (x >= 1 && x + 1 < W) {
            S* p = image + (iy * W + x - 1) * C;
            for (Index k = 0; k < 3 * C; ++k) p[k] += from[k];
            continue;
          }
          for (Index kx = 0; kx < 3; ++kx) {
            const Index ix = x + kx - 1;
            if (ix < 0 || ix >= W) continue;
            S* p = image + (iy * W + ix) * C;
            for (Index c = 0; c < C; ++c) p[c] += from[kx * C + c];
          }
        }
      }
    }
  }
}

// Argmax of a 2×2 pooling window: dy·2 + dx. As wide as a float, so the loops vectorise.
using PoolIndex = std::int32_t;

// out = relu(maxpool2x2(in) + bias) on NHWC maps: out is C × (H/2)·(W/2) per sample (floor: an
// odd last row or column is dropped). Since x ↦ relu(x + b) is monotone, this equals pooling
// relu(in + bias), so the full-resolution activation is never formed. arg holds, per output value,
// the window position dy·2 + dx of the maximum (the first one on ties, in that order).
template <class S>
void bias_relu_max_pool2x2(const S* in, const S* bias, Index C, Index H, Index W, Index samples, S* out,
                           PoolIndex* arg) {
  const Index Ho = H / 2, Wo = W / 2;
  for (Index s = 0; s < samples; ++s)
    for (Index y = 0; y < Ho; ++y)
      for (Index x = 0; x < Wo; ++x) {
        const S* p00 = in + ((s * H + 2 * y) * W + 2 * x) * C;
        const S* p01 = p00 + C;
        const S* p10 = p00 + W * C;
        const S* p11 = p10 + C;
        const Index o = ((s * Ho + y) * Wo + x) * C;
        S* q = out + o;
        PoolIndex* a = arg + o;
        // Branch-free (max and 0/1 arithmetic), so that GCC vectorises it without -fno-trapping-math.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC ivdep
#endif
        for (Index c = 0; c < C; ++c) {
          const S v0 = p00[c], v1 = p01[c], v2 = p10[c], v3 = p11[c];
          const S m01 = std::max(v0, v1), m23 = std::max(v2, v3);  // std::max keeps the first on ties
          const auto k01 = static_cast<PoolIndex>(v1 > v0), k23 = static_cast<PoolIndex>(2 + (v3 > v2));
          const auto second = static_cast<PoolIndex>(m23 > m01);
          q[c] = std::max(std::max(m01, m23) + bias[c], S(0));
          a[c] = k01 + second * (k23 - k01);
        }
      }
}

// Backward of bias_relu_max_pool2x2: grad_in (C × H·W per sample, fully overwritten) receives
// grad_out at the argmax of each window whose output is > 0, and 0 everywhere else (including a
// dropped odd row or column); bias_grad[c] += Σ of the routed values of channel c (may be null).
template <class S>
void bias_relu_max_pool2x2_backward(const S* out, const PoolIndex* arg, const S* grad_out, Index C, Index H,
                                    Index W, Index samples, S* grad_in, S* bias_grad) {
  const Index Ho = H / 2, Wo = W / 2;
  if (H % 2 != 0 || W % 2 != 0) std::fill_n(grad_in, C * H * W * samples, S(0));
  for (Index s = 0; s < samples; ++s)
    for (Index y = 0; y < Ho; ++y)
      for (Index x = 0; x < Wo; ++x) {
        S* p0 = grad_in + ((s * H + 2 * y) * W + 2 * x) * C;
        S* p1 = p0 + C;
        S* p2 = p0 + W * C;
        S* p3 = p2 + C;
        const Index o = ((s * Ho + y) * Wo + x) * C;
        const S* q = out + o;
        const S* g = grad_out + o;
        const PoolIndex* a = arg + o;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC ivdep
#endif
        for (Index c = 0; c < C; ++c) {
          const S v = q[c] > S(0) ? g[c] : S(0);
          const PoolIndex k = a[c];
          p0[c] = k == 0 ? v : S(0);
          p1[c] = k == 1 ? v : S(0);
          p2[c] = k == 2 ? v : S(0);
          p3[c] = k == 3 ? v : S(0);
        }
        if (bias_grad != nullptr)
          for (Index c = 0; c < C; ++c) bias_grad[c] += q[c] > S(0) ? g[c] : S(0);
      }
}

}  // namespace csgd::cnn
