// The convolutional model (cnn.cpp, cnn_kernels.hpp): gradients against finite differences with and
// without residual blocks, shapes and parameter counts, the im2col / col2im / max-pool kernels,
// refusals, and a short run through the public API that learns.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>
#include <sstream>

#include <tbb/global_control.h>

#include "csgd/errors.hpp"
#include "csgd/problem.hpp"
#include "csgd/runner.hpp"
#include "numerics/problems/cnn_kernels.hpp"
#include "numerics/problems/data_problem.hpp"
#include "support/temp_dir.hpp"

#include "support/data_problem_fixtures.hpp"

using namespace csgd;

namespace {

using testing::all_rows;
using testing::Rows;

// n Gaussian "images" C×H×W with labels 0..classes−1; the image shape is recorded on the data set.
template <class S>
std::shared_ptr<Dataset<S>> make_images(int n, int C, int H, int W, int classes, std::uint64_t seed) {
  auto data = std::make_shared<Dataset<S>>();
  Rng rng(seed, 7);
  data->features.resize(C * H * W, n);
  for (auto& v : data->features.reshaped()) v = static_cast<S>(rng.normal());
  data->source = "hand-built images";
  data->channels = C, data->height = H, data->width = W;
  for (int k = 0; k < n; ++k) {
    const auto c = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(classes)));
    data->classes.push_back(c);
    data->y.push_back(c);
  }
  for (int c = 0; c < classes; ++c) data->label_values.push_back(c);
  return data;
}

ProblemSpec cnn_spec(std::vector<int> channels, std::vector<int> hidden, bool residual) {
  ProblemSpec spec;
  spec.model = "cnn";
  spec.channels = std::move(channels);
  spec.hidden = std::move(hidden);
  spec.residual = residual;
  spec.batch_size = std::nullopt;  // full: the exact gradient of f_i
  spec.eval_train_samples = 0;
  return spec;
}

// Relative distance between the full-batch stochastic gradient and central differences of the
// training loss, at a random point (one worker holds every row, so f = f_1).
double gradient_error(const ProblemSpec& spec, std::shared_ptr<Dataset<double>> data, double scale) {
  const int n = static_cast<int>(data->size());
  auto problem = make_data_problem<double>(spec, {data, nullptr}, all_rows(n), 1);
  std::vector<double> x(static_cast<std::size_t>(problem->dimension()));
  Rng point(2, 11);
  for (auto& v : x) v = scale * point.normal();
  std::vector<double> g(x.size());
  Rng rng(1, stream::worker(0));
  problem->stochastic_gradient(0, x, g, rng);
  const double h = 1e-6;
  double diff = 0, norm = 0;
  std::vector<double> xp = x;
  for (std::size_t k = 0; k < x.size(); ++k) {
    xp[k] = x[k] + h;
    const double up = problem->evaluate(xp, {}).train_loss;
    xp[k] = x[k] - h;
    const double down = problem->evaluate(xp, {}).train_loss;
    xp[k] = x[k];
    const double fd = (up - down) / (2 * h);
    diff += (fd - g[k]) * (fd - g[k]);
    norm += g[k] * g[k];
  }
  return std::sqrt(diff / norm);
}

}  // namespace

TEST_CASE("cnn gradients match central finite differences, without and with residual blocks") {
  // 2 channels 6×6 → stage 1 (3 ch, 6×6 → 3×3) → stage 2 (4 ch, 3×3 → 1×1: the odd last row and
  // column are dropped) → FC 4 → 5 → 3. 40 samples: more than one micro-batch.
  auto data = make_images<double>(40, 2, 6, 6, 3, 1);
  for (bool residual : {false, true}) {
    CAPTURE(residual);
    ProblemSpec spec = cnn_spec({3, 4}, {5}, residual);
    CHECK(gradient_error(spec, data, 0.4) < 1e-7);
    spec.l2 = 0.05;
    spec.hidden = {};  // the features feed the logits directly
    CHECK(gradient_error(spec, data, 0.4) < 1e-7);
  }
  // A non-square image whose width is odd at the first pooling, and two FC hidden layers.
  auto odd = make_images<double>(12, 1, 5, 7, 4, 2);
  CHECK(gradient_error(cnn_spec({2}, {3, 3}, false), odd, 0.5) < 1e-7);
  CHECK(gradient_error(cnn_spec({2}, {3}, true), odd, 0.5) < 1e-7);
}

TEST_CASE("cnn shapes, parameter counts, FLOP counts and He initialisation") {
  // Fashion-MNIST's default: 1×28×28, channels [32, 64], hidden [128], 10 classes.
  const auto model = make_cnn<float>({1, 28, 28}, {32, 64}, false, {128}, 10);
  const Eigen::Index conv1 = 9 * 1 * 32 + 32, conv2 = 9 * 32 * 64 + 64;
  const Eigen::Index fc1 = 64 * 7 * 7 * 128 + 128, fc2 = 128 * 10 + 10;
  CHECK(model->dimension() == conv1 + conv2 + fc1 + fc2);
  CHECK(model->dimension() == 421642);
  // Conv GEMMs: forward + ∇W for each conv, input gradient except the first; FC: 6·out·in.
  const double f1 = 2.0 * 32 * 9 * 1 * 784, f2 = 2.0 * 64 * 9 * 32 * 196;
  CHECK(model->flops_per_sample() == doctest::Approx(2 * f1 + 3 * f2 + 6.0 * (3136 * 128 + 128 * 10)));
  CHECK(model->describe() == "cnn 1x28x28 conv [32, 64] fc 3136-128-10");

  const auto res = make_cnn<double>({3, 8, 8}, {4, 6}, true, {}, 5);
  const Eigen::Index stage1 = (9 * 3 + 1) * 4 + 2 * (9 * 4 + 1) * 4, stage2 = (9 * 4 + 1) * 6 + 2 * (9 * 6 + 1) * 6;
  CHECK(res->dimension() == stage1 + stage2 + (6 * 2 * 2 + 1) * 5);
  const double g1 = 2.0 * 64 * 9, g2 = 2.0 * 16 * 9;  // 2·H·W·9 per (C_out·C_in)
  CHECK(res->flops_per_sample() ==
        doctest::Approx(g1 * (2 * 4 * 3 + 3 * 4 * 4 * 2) + g2 * 3 * (6 * 4 + 2 * 6 * 6) + 6.0 * 24 * 5));
  CHECK(res->describe() == "cnn 3x8x8 conv [4, 6] residual fc 24-5");

  // He init in parameter order: conv weights N(0, 2/(9·C_in)), FC N(0, 2/n_in), biases 0.
  const auto big = make_cnn<double>({16, 6, 6}, {64}, false, {200}, 3);  // conv: 64 × 144 weights
  std::vector<double> x(static_cast<std::size_t>(big->dimension()));
  Rng rng(3, stream::init);
  big->seeded_init(x, rng);
  const auto variance = [&](std::size_t first, std::size_t count) {
    double sq = 0;
    for (std::size_t k = first; k < first + count; ++k) sq += x[k] * x[k];
    return sq / static_cast<double>(count);
  };
  CHECK(variance(0, 64 * 144) == doctest::Approx(2.0 / 144).epsilon(0.05));
  CHECK(std::all_of(x.begin() + 64 * 144, x.begin() + 64 * 145, [](double v) { return v == 0; }));
  CHECK(variance(64 * 145, 200 * 576) == doctest::Approx(2.0 / 576).epsilon(0.03));
  CHECK(std::all_of(x.end() - 3, x.end(), [](double v) { return v == 0; }));
}

TEST_CASE("im2col follows its documented layout in both input layouts, and col2im is its adjoint") {
  const Eigen::Index C = 3, H = 4, W = 5, n = 2;
  Rng rng(4, 1);
  std::vector<double> img(static_cast<std::size_t>(C * H * W * n));
  for (auto& v : img) v = rng.normal();
  const auto chw = cnn::MapLayout::chw(C, H, W), nhwc = cnn::MapLayout::nhwc(C, H, W);
  const auto at = [&](const cnn::MapLayout& m, Eigen::Index s, Eigen::Index c, Eigen::Index y, Eigen::Index x) {
    if (y < 0 || y >= H || x < 0 || x >= W) return 0.0;
    return img[static_cast<std::size_t>(s * m.sample_stride + c * m.channel_stride + (y * W + x) * m.pixel_stride)];
  };
  std::vector<double> cols(static_cast<std::size_t>(9 * C * H * W * n));
  for (const auto& m : {chw, nhwc}) {
    cnn::im2col3x3(img.data(), m, n, cols.data());
    bool all = true;
    for (Eigen::Index s = 0; s < n; ++s)
      for (Eigen::Index y = 0; y < H; ++y)
        for (Eigen::Index x = 0; x < W; ++x)
          for (Eigen::Index ky = 0; ky < 3; ++ky)
            for (Eigen::Index kx = 0; kx < 3; ++kx)
              for (Eigen::Index c = 0; c < C; ++c) {
                const auto k = static_cast<std::size_t>(((s * H + y) * W + x) * 9 * C + (3 * ky + kx) * C + c);
                all = all && cols[k] == at(m, s, c, y + ky - 1, x + kx - 1);
              }
    CHECK(all);
  }
  // ⟨im2col(u), v⟩ = ⟨u, col2im(v)⟩ for NHWC maps.
  std::vector<double> v(cols.size()), back(img.size(), 0.0);
  for (auto& e : v) e = rng.normal();
  cnn::im2col3x3(img.data(), nhwc, n, cols.data());
  cnn::col2im3x3_add(v.data(), C, H, W, n, back.data());
  const double lhs = std::inner_product(cols.begin(), cols.end(), v.begin(), 0.0);
  const double rhs = std::inner_product(img.begin(), img.end(), back.begin(), 0.0);
  CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
}

TEST_CASE("max-pooling keeps the first maximum and routes the gradient to it, through the ReLU") {
  // One sample, 2 channels (NHWC), 3×4: pooled 1×2 (the third row is dropped).
  const Eigen::Index C = 2, H = 3, W = 4;
  // Channel 0 by row: [1 5 | 2 2], [3 -1 | 2 0], [9 9 9 9]; channel 1: [-4 -3 | -1 -1], [-2 -5 | 7 -1], [9 …].
  const double ch0[3][4] = {{1, 5, 2, 2}, {3, -1, 2, 0}, {9, 9, 9, 9}};
  const double ch1[3][4] = {{-4, -3, -1, -1}, {-2, -5, 7, -1}, {9, 9, 9, 9}};
  std::vector<double> in(static_cast<std::size_t>(C * H * W));
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      in[static_cast<std::size_t>((y * W + x) * C)] = ch0[y][x];
      in[static_cast<std::size_t>((y * W + x) * C + 1)] = ch1[y][x];
    }
  const double bias[2] = {-1, 0.5};
  std::vector<double> out(4);
  std::vector<cnn::PoolIndex> arg(4);
  cnn::bias_relu_max_pool2x2(in.data(), bias, C, H, W, 1, out.data(), arg.data());
  // Output pixel (0,0): ch0 max 5 at (0,1) → 4; ch1 max −2 at (1,0) → relu(−1.5) = 0.
  // Output pixel (0,1): ch0 max 2, tie at (0,0) and (0,1) and (1,0) → first, 1; ch1 max 7 at (1,0) → 7.5.
  CHECK(out == std::vector<double>{4, 0, 1, 7.5});
  CHECK(arg == std::vector<cnn::PoolIndex>{1, 2, 0, 2});

  std::vector<double> grad_out{10, 20, 30, 40}, grad_in(in.size(), -99.0), bias_grad{0.5, 0.5};
  cnn::bias_relu_max_pool2x2_backward(out.data(), arg.data(), grad_out.data(), C, H, W, 1, grad_in.data(),
                                      bias_grad.data());
  std::vector<double> expected(in.size(), 0.0);
  const auto put = [&](int y, int x, int c, double v) { expected[static_cast<std::size_t>((y * W + x) * C + c)] = v; };
  put(0, 1, 0, 10);  // ch1 of window 0 is cut by the ReLU: no gradient anywhere in it
  put(0, 2, 0, 30);  // the first of the tied maxima
  put(1, 2, 1, 40);
  CHECK(grad_in == expected);  // also: the dropped third row is zeroed
  CHECK(bias_grad == std::vector<double>{0.5 + 10 + 30, 0.5 + 40});
}

TEST_CASE("cnn settings and data shapes are refused with a reason") {
  auto flat = make_images<double>(10, 1, 4, 4, 2, 5);
  flat->channels = flat->height = flat->width = 0;  // not an image
  ProblemSpec spec = cnn_spec({2}, {3}, false);
  CHECK_THROWS_WITH_AS(make_data_problem<double>(spec, {flat, nullptr}, all_rows(10), 1),
                       doctest::Contains("set problem.image_shape"), InputError);
  spec.image_shape = {1, 4, 4};
  CHECK_NOTHROW(make_data_problem<double>(spec, {flat, nullptr}, all_rows(10), 1));
  spec.image_shape = {2, 3, 3};
  CHECK_THROWS_WITH_AS(make_data_problem<double>(spec, {flat, nullptr}, all_rows(10), 1),
                       doctest::Contains("holds 18 values, but the samples of"), InputError);
  auto image = make_images<double>(10, 1, 4, 4, 2, 5);
  spec.image_shape = {1, 2, 8};
  CHECK_THROWS_WITH_AS(make_data_problem<double>(spec, {image, nullptr}, all_rows(10), 1),
                       doctest::Contains("contradicts the images"), InputError);
  spec.image_shape = {};
  spec.channels = {2, 2, 2};  // 4 → 2 → 1 → 0
  CHECK_THROWS_WITH_AS(make_data_problem<double>(spec, {image, nullptr}, all_rows(10), 1),
                       doctest::Contains("leaving no pixel"), InputError);

  const std::pair<void (*)(ProblemSpec&), const char*> cases[] = {
      {[](ProblemSpec& s) { s.channels = {}; }, "channels"},
      {[](ProblemSpec& s) { s.channels = {8, 0}; }, "channels"},
      {[](ProblemSpec& s) { s.image_shape = {1, 28}; }, "image_shape"},
      {[](ProblemSpec& s) { s.image_shape = {1, 0, 28}; }, "image_shape"},
      {[](ProblemSpec& s) { s.hidden = {0}; }, "hidden"},
  };
  for (const auto& c : cases) {
    const auto& [change, field] = c;
    CAPTURE(c.second);  // CAPTURE is a lambda: clang 14 cannot capture a structured binding
    ProblemSpec s = cnn_spec({4}, {8}, false);
    change(s);
    try {
      s.validate();
      FAIL("accepted");
    } catch (const ValidationError& e) {
      CHECK(e.field() == field);
    }
  }
}

TEST_CASE("float32 and float64 cnns agree on gradients and metrics") {
  auto d64 = make_images<double>(50, 1, 8, 8, 3, 6);
  auto d32 = std::make_shared<Dataset<float>>();
  d32->features = d64->features.cast<float>();
  d32->y = d64->y;
  d32->classes = d64->classes;
  d32->label_values = d64->label_values;
  d32->channels = 1, d32->height = 8, d32->width = 8;
  for (bool residual : {false, true}) {
    CAPTURE(residual);
    ProblemSpec spec = cnn_spec({4, 6}, {10}, residual);
    spec.batch_size = 40;
    auto p64 = make_data_problem<double>(spec, {d64, d64}, all_rows(50, 2), 5);
    auto p32 = make_data_problem<float>(spec, {d32, d32}, all_rows(50, 2), 5);
    std::vector<double> x64;
    std::vector<float> x32;
    CHECK(testing::float_double_gradient_gap(*p64, *p32, x64, x32) < 1e-5);
    CHECK(p32->evaluate(x32, {}).train_loss == doctest::Approx(p64->evaluate(x64, {}).train_loss).epsilon(1e-5));
    CHECK(p64->gradient_flops(0) == 40 * make_cnn<double>({1, 8, 8}, {4, 6}, residual, {10}, 3)->flops_per_sample());
  }
}

TEST_CASE("a short cnn run on generated image data lowers the training loss, bit-identically on 1 and 2 threads") {
  const char* text = R"(name: cnn-short
workers: 2
problem:
  model: cnn
  channels: [4, 8]
  residual: true
  hidden: [16]
  image_shape: [1, 8, 8]
  dataset: {name: generated, samples: 600, test_samples: 200, features: 64, classes: 3, noise: 1.0}
  batch_size: 24
algorithm: {name: pr-sgd-momentum, momentum: 0.9, sync_interval: 4, lr: 0.02}
stop: {iterations: 60}
eval: {every_iterations: 30}
)";
  const auto plan = load_experiment_text(text, "cnn-short.yaml", {});
  REQUIRE(plan.runs.size() == 1);
  CHECK(plan.runs[0].config.problem.image_shape == std::vector<int>{1, 8, 8});
  testing::TempDir one, two;
  std::optional<double> accuracy;
  for (const auto& [threads, dir] : {std::pair<std::size_t, const testing::TempDir*>{1, &one}, {2, &two}}) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    RunOptions options;
    options.out_dir = dir->path();
    options.quiet = true;
    const auto results = run_experiment(plan, options);
    REQUIRE(results.size() == 1);
    REQUIRE(results[0].status == RunStatus::completed);
    accuracy = results[0].test_accuracy;
  }
  CHECK(testing::read_file(one / "run" / "model.npy") == testing::read_file(two / "run" / "model.npy"));
  // metrics.csv: the train_loss column at t = 0 and at the end.
  std::stringstream csv(testing::read_file(one / "run" / "metrics.csv"));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(csv, line);) {
    std::vector<std::string> cells;
    std::stringstream cellstream(line);
    for (std::string cell; std::getline(cellstream, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  REQUIRE(rows.size() == 4);  // header, t = 0, 30, 60
  const auto column = std::find(rows[0].begin(), rows[0].end(), "train_loss") - rows[0].begin();
  REQUIRE(column < static_cast<std::ptrdiff_t>(rows[0].size()));
  const double first = std::stod(rows[1][static_cast<std::size_t>(column)]);
  const double last = std::stod(rows[3][static_cast<std::size_t>(column)]);
  MESSAGE("cnn train loss " << first << " -> " << last);
  CHECK(last < 0.5 * first);
  REQUIRE(accuracy);
  CHECK(*accuracy > 0.6);  // three classes: chance is 1/3
}

TEST_CASE("the cnn's settings are read only for model: cnn, with their defaults") {
  const auto problem = [](const std::string& section) {
    const std::string text = "problem: " + section + "\nstop: {iterations: 1}\n";
    return load_experiment_text(text, "a.yaml", {}).runs.at(0).config.problem;
  };
  const ProblemSpec p = problem("{model: cnn, dataset: fashion-mnist}");
  CHECK(p.channels == std::vector<int>{32, 64});
  CHECK(p.hidden == std::vector<int>{128});
  CHECK(!p.residual);
  CHECK(p.image_shape.empty());
  CHECK(problem("{model: mlp}").hidden == std::vector<int>{256, 256});
  CHECK_THROWS_WITH_AS(problem("{model: mlp, channels: [8]}"), doctest::Contains("problem.channels"), InputError);
  CHECK_THROWS_WITH_AS(problem("{model: cnn, bias: true}"), doctest::Contains("problem.bias"), InputError);
  CHECK_THROWS_WITH_AS(problem("{model: cnn, channels: [8, 0]}"), doctest::Contains("problem.channels"), InputError);
}

TEST_CASE("Fashion-MNIST images carry their shape, 1x28x28") {
  DatasetSpec spec;  // the default: Debian's dataset-fashion-mnist
  if (!std::filesystem::exists(spec.path)) {
    MESSAGE("skipped: " << spec.path << " is missing");
    return;
  }
  const TrainTest<float> data = load_dataset<float>(spec, 1);
  for (const auto* set : {data.train.get(), data.test.get()}) {
    REQUIRE(set != nullptr);
    CHECK(set->channels == 1);
    CHECK(set->height == 28);
    CHECK(set->width == 28);
  }
}
