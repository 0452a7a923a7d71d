// Models trained on data: gradients against finite differences, the batch samplers, deterministic
// evaluation, refusals, initialisation, and both scalar types.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tbb/global_control.h>

#include "csgd/errors.hpp"
#include "csgd/problem.hpp"
#include "numerics/problems/batch_sampler.hpp"
#include "numerics/problems/data_problem.hpp"
#include "numerics/problems/synthetic_problem.hpp"

#include "support/data_problem_fixtures.hpp"

using namespace csgd;

namespace {

using testing::all_rows;
using testing::Rows;

// n Gaussian samples of dimension d. classes > 0: integer labels 0..C−1 (or ±1 when pm_one);
// classes = 0: regression targets (no class labels).
template <class S>
std::shared_ptr<Dataset<S>> make_data(int n, int d, int classes, std::uint64_t seed, bool pm_one = false) {
  auto data = std::make_shared<Dataset<S>>();
  Rng rng(seed, 7);
  data->features.resize(d, n);
  for (auto& v : data->features.reshaped()) v = static_cast<S>(rng.normal());
  data->source = "hand-built";
  for (int k = 0; k < n; ++k) {
    if (classes == 0) {
      data->y.push_back(rng.normal());
      continue;
    }
    const auto c = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(classes)));
    data->classes.push_back(c);
    data->y.push_back(pm_one ? 2.0 * c - 1 : c);
  }
  for (int c = 0; c < classes; ++c) data->label_values.push_back(pm_one ? 2.0 * c - 1 : c);
  return data;
}

template <class S>
std::shared_ptr<Dataset<S>> subset(const Dataset<S>& data, const std::vector<std::uint32_t>& rows) {
  auto out = std::make_shared<Dataset<S>>(data);
  out->features.resize(data.dim(), static_cast<Eigen::Index>(rows.size()));
  out->y.clear();
  out->classes.clear();
  for (std::size_t j = 0; j < rows.size(); ++j) {
    out->features.col(static_cast<Eigen::Index>(j)) = data.features.col(rows[j]);
    out->y.push_back(data.y[rows[j]]);
    if (!data.classes.empty()) out->classes.push_back(data.classes[rows[j]]);
  }
  return out;
}

ProblemSpec spec_for(const std::string& model) {
  ProblemSpec spec;
  spec.model = model;
  spec.hidden = {5, 4};
  spec.batch_size = std::nullopt;  // full: the exact gradient of f_i
  spec.eval_train_samples = 0;
  return spec;
}

template <class S>
std::vector<S> random_point(Eigen::Index m, double scale, std::uint64_t seed) {
  std::vector<S> x(static_cast<std::size_t>(m));
  Rng rng(seed, 11);
  for (auto& v : x) v = static_cast<S>(scale * rng.normal());
  return x;
}

// Relative distance between the reported gradient and central differences of evaluate().train_loss.
double finite_difference_error(const Problem<double>& problem, const std::vector<double>& x,
                               const std::vector<double>& g) {
  const double h = 1e-5;
  std::vector<double> xp = x;
  double diff = 0, norm = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    xp[k] = x[k] + h;
    const double up = problem.evaluate(xp, {}).train_loss;
    xp[k] = x[k] - h;
    const double down = problem.evaluate(xp, {}).train_loss;
    xp[k] = x[k];
    const double fd = (up - down) / (2 * h);
    diff += (fd - g[k]) * (fd - g[k]);
    norm += g[k] * g[k];
  }
  return std::sqrt(diff / norm);
}

// Builds the problem on one worker holding every row with a full batch, so f = f_1 and the
// stochastic gradient is exactly ∇f; returns the finite-difference error at a random point.
double gradient_error(const ProblemSpec& spec, std::shared_ptr<Dataset<double>> data) {
  const int n = static_cast<int>(data->size());
  auto problem = make_data_problem<double>(spec, {data, nullptr}, all_rows(n), 1);
  const auto x = random_point<double>(problem->dimension(), 0.5, 2);
  std::vector<double> g(x.size());
  Rng rng(1, stream::worker(0));
  problem->stochastic_gradient(0, x, g, rng);
  return finite_difference_error(*problem, x, g);
}

}  // namespace

TEST_CASE("least-squares gradients match central finite differences, with and without bias and l2") {
  auto data = make_data<double>(30, 4, 0, 1);
  ProblemSpec spec = spec_for("least-squares");
  CHECK(gradient_error(spec, data) < 1e-7);
  spec.bias = true;
  spec.l2 = 0.3;
  CHECK(gradient_error(spec, data) < 1e-7);
}

TEST_CASE("logistic gradients match central finite differences, with and without bias and l2") {
  auto pm = make_data<double>(30, 4, 2, 2, true);
  auto zero_one = make_data<double>(30, 4, 2, 3, false);
  ProblemSpec spec = spec_for("logistic");
  CHECK(gradient_error(spec, pm) < 1e-7);
  spec.bias = true;
  CHECK(gradient_error(spec, zero_one) < 1e-7);
  spec.l2 = 0.1;
  CHECK(gradient_error(spec, pm) < 1e-7);
}

TEST_CASE("softmax gradients match central finite differences, with and without bias") {
  auto data = make_data<double>(30, 4, 3, 4);
  ProblemSpec spec = spec_for("softmax");
  CHECK(gradient_error(spec, data) < 1e-7);
  spec.bias = true;
  spec.l2 = 0.2;
  CHECK(gradient_error(spec, data) < 1e-7);
}

TEST_CASE("mlp gradients with two hidden layers match central finite differences") {
  auto data = make_data<double>(30, 4, 3, 5);
  ProblemSpec spec = spec_for("mlp");
  CHECK(gradient_error(spec, data) < 1e-6);
  spec.l2 = 0.05;
  CHECK(gradient_error(spec, data) < 1e-6);
  spec.hidden = {};  // no hidden layer: softmax regression with bias
  CHECK(gradient_error(spec, data) < 1e-7);
}

TEST_CASE("a batch spanning several 512-column chunks gives the same gradient as the finite differences") {
  auto data = make_data<double>(1100, 3, 3, 6);
  ProblemSpec spec = spec_for("mlp");
  spec.hidden = {4};
  CHECK(gradient_error(spec, data) < 1e-6);
}

TEST_CASE("synthetic gradients without noise match central finite differences of f") {
  ProblemSpec spec;
  spec.model = "synthetic";
  spec.dimension = 6;
  spec.sigma = 0;
  spec.kappa = 1.5;
  const int N = 3;
  auto problem = make_synthetic_problem<double>(spec, N, 9);
  const auto x = random_point<double>(6, 1.0, 3);
  std::vector<double> mean(6, 0.0), g(6);
  for (int i = 0; i < N; ++i) {
    Rng rng(9, stream::worker(i));
    problem->stochastic_gradient(i, x, g, rng);
    for (std::size_t k = 0; k < g.size(); ++k) mean[k] += g[k] / N;
  }
  CHECK(finite_difference_error(*problem, x, mean) < 1e-8);
}

TEST_CASE("the full-batch stochastic gradient of a worker is the gradient of its own f_i") {
  auto data = make_data<double>(25, 3, 3, 7);
  Rows parts{{}, {}};
  for (std::uint32_t r = 0; r < 25; ++r) parts[r < 10 ? 0 : 1].push_back(r);
  for (const char* model : {"softmax", "mlp", "least-squares"}) {
    CAPTURE(model);
    ProblemSpec spec = spec_for(model);
    spec.l2 = 0.1;
    auto problem = make_data_problem<double>(spec, {data, nullptr}, parts, 1);
    auto own = make_data_problem<double>(spec, {subset(*data, parts[1]), nullptr}, all_rows(15), 1);
    const auto x = random_point<double>(problem->dimension(), 0.5, 4);
    std::vector<double> g(x.size());
    Rng rng(1, stream::worker(1));
    problem->stochastic_gradient(1, x, g, rng);
    CHECK(problem->samples_per_step(1) == 15);
    CHECK(finite_difference_error(*own, x, g) < 1e-6);
  }
}

TEST_CASE("shuffled mini-batch gradients over one local pass average to the full-batch gradient") {
  auto data = make_data<double>(24, 3, 3, 8);
  ProblemSpec spec = spec_for("softmax");
  spec.l2 = 0.1;
  auto full = make_data_problem<double>(spec, {data, nullptr}, all_rows(24), 1);
  spec.batch_size = 6;
  auto mini = make_data_problem<double>(spec, {data, nullptr}, all_rows(24), 1);
  const auto x = random_point<double>(full->dimension(), 0.5, 5);
  std::vector<double> g(x.size()), average(x.size(), 0.0), exact(x.size());
  Rng rng(1, stream::worker(0));
  full->stochastic_gradient(0, x, exact, rng);
  for (int step = 0; step < 4; ++step) {
    mini->stochastic_gradient(0, x, g, rng);
    for (std::size_t k = 0; k < g.size(); ++k) average[k] += g[k] / 4;
  }
  for (std::size_t k = 0; k < g.size(); ++k) CHECK(average[k] == doctest::Approx(exact[k]).epsilon(1e-12));
}

TEST_CASE("the shuffle sampler visits every row of a partition exactly once per pass") {
  const std::vector<std::uint32_t> rows{3, 5, 8, 13, 21, 34, 55};
  BatchSampler sampler(rows, BatchSampler::Mode::shuffle, 3);  // batches straddle the passes
  Rng rng(4, stream::worker(0));
  std::vector<std::uint32_t> drawn;
  for (int b = 0; b < 7; ++b) {
    const auto batch = sampler.next(rng);
    REQUIRE(batch.size() == 3);
    drawn.insert(drawn.end(), batch.begin(), batch.end());
  }
  std::vector<std::vector<std::uint32_t>> passes;
  for (int p = 0; p < 3; ++p) {
    std::vector<std::uint32_t> pass(drawn.begin() + 7 * p, drawn.begin() + 7 * (p + 1));
    passes.push_back(pass);
    std::sort(pass.begin(), pass.end());
    CHECK(pass == rows);
  }
  CHECK((passes[0] != passes[1] || passes[1] != passes[2]));  // reshuffled each pass
}

TEST_CASE("the shuffle sampler reshuffles when a batch ends exactly at the end of a pass") {
  const std::vector<std::uint32_t> rows{1, 2, 3, 4, 5, 6, 7, 8};
  BatchSampler sampler(rows, BatchSampler::Mode::shuffle, 4);
  Rng rng(6, stream::worker(0));
  std::vector<std::vector<std::uint32_t>> passes;
  for (int p = 0; p < 3; ++p) {
    std::vector<std::uint32_t> pass;
    for (int b = 0; b < 2; ++b) {
      const auto batch = sampler.next(rng);
      pass.insert(pass.end(), batch.begin(), batch.end());
    }
    passes.push_back(pass);
    CHECK(pass != rows);  // shuffled (a fixed seed: not sorted by chance)
    std::sort(pass.begin(), pass.end());
    CHECK(pass == rows);
  }
  CHECK(passes[0] != passes[1]);
  CHECK(passes[1] != passes[2]);
}

TEST_CASE("the replacement sampler draws b rows of the partition and the full sampler returns it in order") {
  const std::vector<std::uint32_t> rows{2, 4, 6, 8, 10};
  Rng rng(5, stream::worker(1));
  BatchSampler replacement(rows, BatchSampler::Mode::replacement, 4);
  std::vector<int> seen(11, 0);
  for (int b = 0; b < 200; ++b) {
    const auto batch = replacement.next(rng);
    REQUIRE(batch.size() == 4);
    for (auto r : batch) ++seen[r];
  }
  for (auto r : rows) CHECK(seen[r] > 100);  // every row drawn, ~160 times each
  CHECK(std::accumulate(seen.begin(), seen.end(), 0) == 800);
  BatchSampler full(rows, BatchSampler::Mode::full, 0);
  const auto batch = full.next(rng);
  CHECK(std::vector<std::uint32_t>(batch.begin(), batch.end()) == rows);
  CHECK(full.batch_size() == 5);
}

TEST_CASE("evaluation is bit-identical with 1 and 2 TBB threads") {
  auto train = make_data<float>(20000, 64, 4, 9);  // 40 chunks of 512 rows, ~0.5 ms each
  auto test = make_data<float>(10100, 64, 4, 10);
  for (int samples : {0, 7000}) {
    CAPTURE(samples);
    ProblemSpec spec = spec_for("mlp");
    spec.hidden = {128};
    spec.l2 = 1e-3;
    spec.eval_train_samples = samples;
    auto problem = make_data_problem<float>(spec, {train, test}, all_rows(20000, 2), 3);
    std::vector<float> x(static_cast<std::size_t>(problem->dimension()));
    problem->initial_point(x);
    const auto run = [&](int threads, bool grad_norm) {
      const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
      return problem->evaluate(x, {.grad_norm = grad_norm});
    };
    for (bool grad_norm : {false, true}) {  // the loss-only and the gradient sweeps
      CAPTURE(grad_norm);
      const Evaluation one = run(1, grad_norm);
      CHECK(one.grad_norm_sq.has_value() == grad_norm);
      CHECK(*one.test_accuracy >= 0);
      CHECK(*one.test_accuracy <= 1);
      for (int repeat = 0; repeat < 6; ++repeat) {  // work stealing splits the chunks differently each time
        const Evaluation two = run(2, grad_norm);
        CHECK(one.train_loss == two.train_loss);
        CHECK(*one.train_accuracy == *two.train_accuracy);
        CHECK(*one.test_loss == *two.test_loss);
        CHECK(*one.test_accuracy == *two.test_accuracy);
        if (grad_norm) CHECK(*one.grad_norm_sq == *two.grad_norm_sq);
      }
    }
  }
}

TEST_CASE("evaluation on evenly spaced rows is the mean over exactly those rows") {
  auto data = make_data<double>(10, 3, 0, 11);
  ProblemSpec spec = spec_for("least-squares");
  spec.eval_train_samples = 4;  // rows k·10/4 = 0, 2, 5, 7
  auto spaced = make_data_problem<double>(spec, {data, nullptr}, all_rows(10), 1);
  spec.eval_train_samples = 0;
  auto own = make_data_problem<double>(spec, {subset(*data, {0, 2, 5, 7}), nullptr}, all_rows(4), 1);
  const auto x = random_point<double>(3, 1.0, 6);
  const Evaluation a = spaced->evaluate(x, {.grad_norm = true}), b = own->evaluate(x, {.grad_norm = true});
  CHECK(a.train_loss == doctest::Approx(b.train_loss).epsilon(1e-14));
  CHECK(*a.grad_norm_sq == doctest::Approx(*b.grad_norm_sq).epsilon(1e-14));
  CHECK(!a.train_accuracy);
  CHECK(!a.test_loss);
}

TEST_CASE("a batch larger than a worker's partition is refused, naming the worker") {
  auto data = make_data<double>(13, 3, 2, 12);
  Rows parts{{0, 1, 2, 3, 4}, {5, 6, 7}, {8, 9, 10, 11, 12}};
  ProblemSpec spec = spec_for("softmax");
  spec.batch_size = 4;
  try {
    make_data_problem<double>(spec, {data, nullptr}, parts, 1);
    FAIL("no error");
  } catch (const ValidationError& e) {
    CHECK(e.field() == "batch_size");
    CHECK(std::string(e.what()) == "batch_size 4 is larger than worker 1's partition (3 rows)");
  }
  spec.batch_size = 3;
  CHECK_NOTHROW(make_data_problem<double>(spec, {data, nullptr}, parts, 1));
}

TEST_CASE("classification models refuse data without class labels") {
  auto regression = make_data<double>(10, 3, 0, 13);
  for (const char* model : {"logistic", "softmax", "mlp"}) {
    CAPTURE(model);
    CHECK_THROWS_AS(make_data_problem<double>(spec_for(model), {regression, nullptr}, all_rows(10), 1), InputError);
  }
  auto three = make_data<double>(10, 3, 3, 14);
  CHECK_THROWS_WITH_AS(make_data_problem<double>(spec_for("logistic"), {three, nullptr}, all_rows(10), 1),
                       doctest::Contains("use model: softmax"), InputError);
}

TEST_CASE("test labels are mapped to the training set's classes") {
  auto train = make_data<double>(20, 3, 3, 15);
  // The test file only holds labels 1 and 2, so its own class indices are 0 and 1; the model's are 1 and 2.
  auto test = make_data<double>(6, 3, 2, 16);
  test->label_values = {1, 2};
  for (std::size_t k = 0; k < 6; ++k) {
    test->y[k] = 1 + static_cast<double>(k % 2);
    test->classes[k] = static_cast<std::int32_t>(k % 2);
    test->features(0, static_cast<Eigen::Index>(k)) = k < 4 ? 1 : -1;
  }
  auto problem = make_data_problem<double>(spec_for("softmax"), {train, test}, all_rows(20), 1);
  // W(1, 0) = 100, all else 0: class 1 is predicted where feature 0 is +1 (rows 0-3), class 0 elsewhere.
  std::vector<double> x(static_cast<std::size_t>(problem->dimension()), 0.0);
  x[1] = 100;
  // Right: rows 0 and 2 (label 1) are correct. Mapping by the test file's own indices would give 3/6.
  CHECK(*problem->evaluate(x, {}).test_accuracy == doctest::Approx(2.0 / 6));
  test->y[0] = 7;  // a label the training set never saw
  CHECK_THROWS_WITH_AS(make_data_problem<double>(spec_for("softmax"), {train, test}, all_rows(20), 1),
                       doctest::Contains("label 7 of test row 0"), InputError);
}

TEST_CASE("He initialisation draws weights with variance 2/fan_in and zero biases") {
  auto data = make_data<double>(10, 400, 10, 17);
  ProblemSpec spec = spec_for("mlp");
  spec.hidden = {300};
  auto problem = make_data_problem<double>(spec, {data, nullptr}, all_rows(10), 21);
  REQUIRE(problem->dimension() == 300 * 400 + 300 + 10 * 300 + 10);
  std::vector<double> x(static_cast<std::size_t>(problem->dimension()));
  problem->initial_point(x);
  const auto moments = [&](std::size_t first, std::size_t count) {
    double sum = 0, sq = 0;
    for (std::size_t k = first; k < first + count; ++k) {
      sum += x[k];
      sq += x[k] * x[k];
    }
    return std::pair{sum / count, sq / count};
  };
  const auto [mean1, var1] = moments(0, 120000);
  CHECK(std::abs(mean1) < 0.002);
  CHECK(var1 == doctest::Approx(2.0 / 400).epsilon(0.03));
  const auto [mean2, var2] = moments(120300, 3000);
  CHECK(std::abs(mean2) < 0.01);
  CHECK(var2 == doctest::Approx(2.0 / 300).epsilon(0.1));
  CHECK(std::all_of(x.begin() + 120000, x.begin() + 120300, [](double v) { return v == 0; }));
  CHECK(std::all_of(x.end() - 10, x.end(), [](double v) { return v == 0; }));
  std::vector<double> again(x.size());
  problem->initial_point(again);
  CHECK(again == x);

  spec.init = Init::zeros;
  auto zeros = make_data_problem<double>(spec, {data, nullptr}, all_rows(10), 21);
  zeros->initial_point(x);
  CHECK(std::all_of(x.begin(), x.end(), [](double v) { return v == 0; }));
}

TEST_CASE("float32 and float64 problems agree on gradients and metrics") {
  auto data64 = make_data<double>(200, 6, 3, 18);
  auto data32 = std::make_shared<Dataset<float>>();
  data32->features = data64->features.cast<float>();
  data32->y = data64->y;
  data32->classes = data64->classes;
  data32->label_values = data64->label_values;
  for (const char* model : {"least-squares", "logistic", "softmax", "mlp"}) {
    CAPTURE(model);
    ProblemSpec spec = spec_for(model);
    spec.bias = true;
    spec.l2 = 0.01;
    auto d = data64;
    auto f = data32;
    if (std::string(model) == "logistic") {  // binary labels for the binary model
      d = std::make_shared<Dataset<double>>(*data64);
      for (auto& c : d->classes) c = c == 0 ? 0 : 1;
      for (auto& y : d->y) y = y == 0 ? 0 : 1;
      d->label_values = {0, 1};
      f = std::make_shared<Dataset<float>>(*data32);
      f->classes = d->classes;
      f->y = d->y;
      f->label_values = d->label_values;
    }
    auto p64 = make_data_problem<double>(spec, {d, d}, all_rows(200, 2), 5);
    auto p32 = make_data_problem<float>(spec, {f, f}, all_rows(200, 2), 5);
    REQUIRE(p64->dimension() == p32->dimension());
    std::vector<double> x64;
    std::vector<float> x32;
    CHECK(testing::float_double_gradient_gap(*p64, *p32, x64, x32) < 1e-5);
    const Evaluation e64 = p64->evaluate(x64, {}), e32 = p32->evaluate(x32, {});
    CHECK(e32.train_loss == doctest::Approx(e64.train_loss).epsilon(1e-5));
    CHECK(*e32.test_loss == doctest::Approx(*e64.test_loss).epsilon(1e-5));
    CHECK(e32.train_accuracy.has_value() == (std::string(model) != "least-squares"));
  }
}

TEST_CASE("step sizes, epoch counts and FLOP counts follow the batch and the layer widths") {
  auto data = make_data<double>(40, 4, 3, 19);
  ProblemSpec spec = spec_for("mlp");
  spec.batch_size = 8;
  auto problem = make_data_problem<double>(spec, {data, nullptr}, all_rows(40, 2), 1);
  CHECK(problem->samples_per_step(1) == 8);
  CHECK(problem->train_size() == 40);
  // 4→5→4→3: 8·(4·20 + 6·20 + 6·12); the first layer has no input-gradient product.
  CHECK(problem->gradient_flops(0) == 8 * (4 * 20 + 6 * 20 + 6 * 12));
  CHECK(problem->dimension() == 5 * 4 + 5 + 4 * 5 + 4 + 3 * 4 + 3);
  CHECK(!problem->constants());
  CHECK(problem->describe().find("mlp 4-5-4-3") != std::string::npos);
  spec.model = "softmax";
  spec.bias = true;
  auto softmax = make_data_problem<double>(spec, {data, nullptr}, all_rows(40, 2), 1);
  CHECK(softmax->gradient_flops(0) == 8 * 4 * 3 * 4);
  CHECK(softmax->dimension() == 3 * 4 + 3);
}

TEST_CASE("make_problem builds every model on generated data, in float32 and float64") {
  for (const char* model : {"least-squares", "logistic", "softmax", "mlp"}) {
    CAPTURE(model);
    ProblemSpec spec;
    spec.model = model;
    spec.hidden = {8};
    spec.dataset.name = "generated";
    spec.dataset.samples = 400;
    spec.dataset.test_samples = 100;
    spec.dataset.generated_features = 5;
    spec.dataset.classes = std::string(model) == "logistic" ? 2 : 3;
    spec.dataset.regression = std::string(model) == "least-squares";
    spec.partition.scheme = PartitionScheme::contiguous;
    spec.batch_size = 16;
    auto p32 = make_problem<float>(spec, 4, 42);
    auto p64 = make_problem<double>(spec, 4, 42);
    CHECK(p32->dimension() == p64->dimension());
    CHECK(p64->train_size() == 400);
    CHECK(p64->describe().find(model) != std::string::npos);
    std::vector<double> x(static_cast<std::size_t>(p64->dimension()));
    p64->initial_point(x);
    const Evaluation e = p64->evaluate(x, {});
    CHECK(std::isfinite(e.train_loss));
    CHECK(e.test_loss.has_value());
    CHECK(e.test_accuracy.has_value() == (std::string(model) != "least-squares"));
    // The cache hands out the same data again: an identical problem, identical metrics.
    CHECK(make_problem<double>(spec, 4, 42)->evaluate(x, {}).train_loss == e.train_loss);
  }
  ProblemSpec synthetic;
  synthetic.model = "synthetic";
  CHECK(make_problem<float>(synthetic, 2, 1)->constants().has_value());
}

TEST_CASE("a problem's shape for --timing-only has make_problem's sizes, FLOPs and description, and no data") {
  for (const PartitionScheme scheme : {PartitionScheme::iid, PartitionScheme::contiguous, PartitionScheme::dirichlet}) {
    for (const std::optional<int> batch : {std::optional<int>(16), std::optional<int>()}) {
      CAPTURE(scheme.name);
      CAPTURE(batch.has_value());
      ProblemSpec spec;
      spec.model = "mlp";
      spec.hidden = {8};
      spec.dataset.name = "generated";
      spec.dataset.samples = 400;
      spec.dataset.test_samples = 100;
      spec.dataset.generated_features = 5;
      spec.dataset.classes = 3;
      spec.partition.scheme = scheme;
      spec.partition.alpha = 5;
      spec.batch_size = batch;
      const auto full = make_problem<float>(spec, 5, 42);
      const auto shape = csgd::make_problem_shape<float>(spec, 5, 42);
      CHECK(shape->dimension() == full->dimension());
      CHECK(shape->train_size() == full->train_size());
      CHECK(shape->describe() == full->describe());
      for (int i = 0; i < 5; ++i) {
        CHECK(shape->samples_per_step(i) == full->samples_per_step(i));
        CHECK(shape->gradient_flops(i) == full->gradient_flops(i));
      }
      std::vector<float> a(static_cast<std::size_t>(full->dimension())), b(a.size()), g(a.size());
      full->initial_point(a);
      shape->initial_point(b);
      CHECK(a == b);
      csgd::Rng rng(1, 0);
      CHECK_THROWS_AS(shape->stochastic_gradient(0, b, g, rng), std::logic_error);
      CHECK_THROWS_AS(shape->evaluate(b, {}), std::logic_error);
    }
  }
  // The same refusals as training: a test set of another width,
  {
    ProblemSpec mlp = spec_for("mlp");
    const TrainTest<double> mismatched{make_data<double>(40, 4, 3, 19), make_data<double>(10, 5, 3, 7)};
    CHECK_THROWS_AS(make_data_problem<double>(mlp, mismatched, all_rows(40, 2), 1), csgd::InputError);
    CHECK_THROWS_AS(csgd::make_data_problem_shape<double>(mlp, mismatched, {40, 40}, 1), csgd::InputError);
  }
  // and a batch larger than a worker's partition.
  ProblemSpec spec;
  spec.model = "logistic";
  spec.dataset.name = "generated";
  spec.dataset.samples = 40;
  spec.dataset.classes = 2;
  spec.partition.scheme = PartitionScheme::contiguous;
  spec.batch_size = 16;
  CHECK_THROWS_AS(csgd::make_problem_shape<double>(spec, 4, 1), csgd::ValidationError);
}

TEST_CASE("problem settings are refused field by field, stating the rule") {
  struct Case {
    void (*change)(ProblemSpec&);
    const char* field;
    const char* rule;
  };
  const Case cases[] = {
      {[](ProblemSpec& s) { s.model = "resnet"; }, "model", "must be one of synthetic, least-squares"},
      {[](ProblemSpec& s) { s.hidden = {256, 0}; }, "hidden", "must be in 1..16777216 (2^24), got 0 at position 1"},
      {[](ProblemSpec& s) { s.hidden = {1 << 25}; }, "hidden", "got 33554432 at position 0"},
      {[](ProblemSpec& s) { s.hidden = std::vector<int>(65, 1); }, "hidden", "at most 64 hidden layers, got 65"},
      {[](ProblemSpec& s) { s.l2 = -1; }, "l2", "must be >= 0, got -1"},
      {[](ProblemSpec& s) { s.batch_size = 0; }, "batch_size", "must be >= 1, got 0"},
      {[](ProblemSpec& s) { s.eval_train_samples = -5; }, "eval_train_samples", "must be >= 0, got -5"},
      {[](ProblemSpec& s) { s.dimension = 0; }, "dimension", "must be >= 1, got 0"},
      {[](ProblemSpec& s) { s.a = 0; }, "a", "must be > 0, got 0"},
      {[](ProblemSpec& s) { s.a = std::nan(""); }, "a", "must be > 0, got nan"},
      {[](ProblemSpec& s) { s.lambda = -0.5; }, "lambda", "must be >= 0, got -0.5"},
      {[](ProblemSpec& s) { s.sigma = -1; }, "sigma", "must be >= 0, got -1"},
      {[](ProblemSpec& s) { s.kappa = -1; }, "kappa", "must be >= 0, got -1"},
      {[](ProblemSpec& s) { s.init_radius = -1; }, "init_radius", "must be >= 0, got -1"},
      {[](ProblemSpec& s) { s.partition.alpha = 0; }, "partition.alpha", "must be > 0, got 0"},
      {[](ProblemSpec& s) { s.partition.shards_per_worker = 0; }, "partition.shards_per_worker", "must be >= 1"},
      {[](ProblemSpec& s) { s.dataset.name = "mnist"; }, "dataset.name", "got 'mnist'"},
      {[](ProblemSpec& s) { s.dataset.name = "libsvm"; }, "dataset.train_file", "needs a train_file"},
      {[](ProblemSpec& s) {
         s.dataset.name = "generated";
         s.dataset.classes = 1;
       },
       "dataset.classes", "must be >= 2"},
  };
  CHECK_NOTHROW(ProblemSpec{}.validate());
  for (const Case& c : cases) {
    CAPTURE(c.field);
    ProblemSpec spec;
    c.change(spec);
    try {
      spec.validate();
      FAIL("accepted");
    } catch (const ValidationError& e) {
      CHECK(e.field() == c.field);
      CHECK(std::string(e.what()).find(c.rule) != std::string::npos);
    }
  }
  ProblemSpec full;
  full.batch_size = std::nullopt;  // `full` is valid
  CHECK_NOTHROW(full.validate());
}
