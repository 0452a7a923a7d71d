// GCC 12.0–12.2 reports false -Wmaybe-uninitialized inside its AVX-512 intrinsics when Eigen is
// inlined with -march=native (fixed in GCC 12.3); silenced before the first include.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/mixing_matrix.hpp"

using csgd::MixingMatrix;
using csgd::MixingSpec;
using doctest::Approx;
using std::numbers::pi;

namespace {

// The message of the ValidationError `f` throws, with its field checked; "" if none is thrown.
template <class F>
std::string validation_message(F f, const std::string& expected_field) {
  try {
    f();
  } catch (const csgd::ValidationError& e) {
    CHECK(e.field() == expected_field);
    return e.what();
  }
  FAIL("no ValidationError thrown");
  return "";
}

template <class F>
std::string input_error_message(F f) {
  try {
    f();
  } catch (const csgd::InputError& e) {
    return e.what();
  }
  FAIL("no InputError thrown");
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Eigen::MatrixXd matrix(std::initializer_list<std::initializer_list<double>> rows) {
  Eigen::MatrixXd W(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (const double v : row) W(i, j++) = v;
    ++i;
  }
  return W;
}

MixingMatrix build(const std::string& topology, int N, int rows = 0, int cols = 0) {
  MixingSpec spec;
  spec.topology = topology;
  spec.rows = rows;
  spec.cols = cols;
  return csgd::build_mixing_matrix(spec, N);
}

// sqrt(ρ) from a list of all eigenvalues, the largest (= 1) removed once.
double sqrt_rho_of(std::vector<double> eigenvalues) {
  std::sort(eigenvalues.begin(), eigenvalues.end());
  eigenvalues.pop_back();
  return std::max(std::abs(eigenvalues.back()), std::abs(eigenvalues.front()));
}

// A file in the temp directory that is removed at the end of the test.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() / ("csgd_test_mixing_" + name)) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

}  // namespace

TEST_CASE("Metropolis-Hastings weights on a complete graph are 11ᵀ/N with sqrt(rho) zero") {
  for (int N = 2; N <= 9; ++N) {
    const MixingMatrix m = build("complete", N);
    CHECK(m.W.isApprox(Eigen::MatrixXd::Constant(N, N, 1.0 / N), 1e-14));
    CHECK(std::abs(m.sqrt_rho) < 1e-12);
    CHECK(m.spectral_gap() == Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("a ring's sqrt(rho) matches the closed form 1/3 + 2/3·cos(2πk/N)") {
  for (int N = 3; N <= 12; ++N) {
    const MixingMatrix m = build("ring", N);
    std::vector<double> eig;
    for (int k = 0; k < N; ++k) eig.push_back(1.0 / 3 + 2.0 / 3 * std::cos(2 * pi * k / N));
    INFO("N = ", N);
    CHECK(std::abs(m.sqrt_rho - sqrt_rho_of(eig)) < 1e-12);
    CHECK(std::abs(m.lambda2 - (1.0 / 3 + 2.0 / 3 * std::cos(2 * pi / N))) < 1e-12);
    const double smallest = *std::min_element(eig.begin(), eig.end());
    CHECK(std::abs(m.lambdaN - smallest) < 1e-12);
  }
}

// On a path every edge touches a degree-2 node (N ≥ 3), so W = I − L/3 with L the path
// Laplacian, whose eigenvalues are 2 − 2cos(πk/N): W has 1/3 + 2/3·cos(πk/N), k = 0..N−1.
TEST_CASE("a line's spectrum matches the closed form 1/3 + 2/3·cos(πk/N)") {
  for (int N = 3; N <= 12; ++N) {
    const MixingMatrix m = build("line", N);
    INFO("N = ", N);
    CHECK(std::abs(m.lambda2 - (1.0 / 3 + 2.0 / 3 * std::cos(pi / N))) < 1e-12);
    CHECK(std::abs(m.lambdaN - (1.0 / 3 + 2.0 / 3 * std::cos(pi * (N - 1) / N))) < 1e-12);
    CHECK(std::abs(m.sqrt_rho - (1.0 / 3 + 2.0 / 3 * std::cos(pi / N))) < 1e-12);
  }
  CHECK(std::abs(build("line", 2).sqrt_rho) < 1e-12);  // two nodes: W = 11ᵀ/2
}

// Degree 4 everywhere (rows, cols ≥ 3): W = I − L/5, L the sum of two ring Laplacians.
TEST_CASE("a torus's sqrt(rho) matches the closed form of two ring Laplacians") {
  for (const auto& shape : {std::pair{3, 3}, std::pair{3, 4}, std::pair{4, 5}}) {
    const int rows = shape.first, cols = shape.second;  // not a structured binding: INFO captures them
    std::vector<double> eig;
    for (int a = 0; a < rows; ++a)
      for (int b = 0; b < cols; ++b)
        eig.push_back(1 - ((2 - 2 * std::cos(2 * pi * a / rows)) + (2 - 2 * std::cos(2 * pi * b / cols))) / 5);
    INFO(rows, "×", cols);
    CHECK(std::abs(build("torus", rows * cols, rows, cols).sqrt_rho - sqrt_rho_of(eig)) < 1e-12);
  }
}

TEST_CASE("Metropolis-Hastings weights use the larger degree of each edge") {
  // A star: centre 0 has degree 3, leaves degree 1, so every edge weighs 1/4.
  const Eigen::MatrixXd W = csgd::metropolis_hastings_weights(csgd::Graph{4, {{0, 1}, {0, 2}, {0, 3}}});
  CHECK(W(0, 1) == Approx(0.25));
  CHECK(W(0, 0) == Approx(0.25));
  CHECK(W(1, 1) == Approx(0.75));
  CHECK(W(1, 2) == 0.0);
  CHECK(W.rowwise().sum().isApprox(Eigen::VectorXd::Ones(4)));
}

TEST_CASE("in-weights list W_ji with j ascending, including the diagonal") {
  const MixingMatrix m = build("ring", 5);
  const std::vector<std::pair<int, double>> expected{{0, 1.0 / 3}, {1, 1.0 / 3}, {4, 1.0 / 3}};
  REQUIRE(m.in_weights.size() == 5u);
  REQUIRE(m.in_weights[0].size() == expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(m.in_weights[0][k].first == expected[k].first);
    CHECK(m.in_weights[0][k].second == Approx(expected[k].second).epsilon(1e-15));
  }
  // The end of a line hears only its one neighbour and itself.
  const MixingMatrix line = build("line", 4);
  REQUIRE(line.in_weights[3].size() == 2u);
  CHECK(line.in_weights[3][0].first == 2);
  CHECK(line.in_weights[3][1].first == 3);
  CHECK(line.in_weights[3][1].second == Approx(2.0 / 3));
}

TEST_CASE("out-degrees count the neighbours each worker sends to") {
  CHECK(build("ring", 6).out_degrees() == std::vector<int>(6, 2));
  CHECK(build("line", 4).out_degrees() == std::vector<int>{1, 2, 2, 1});
  CHECK(build("complete", 5).out_degrees() == std::vector<int>(5, 4));
  CHECK(build("ring", 1).out_degrees() == std::vector<int>{0});
}

TEST_CASE("a single worker mixes with itself and has an all-zero spectrum") {
  const MixingMatrix m = build("ring", 1);
  CHECK(m.N() == 1);
  CHECK(m.W(0, 0) == 1.0);
  CHECK(m.lambda2 == 0.0);
  CHECK(m.lambdaN == 0.0);
  CHECK(m.sqrt_rho == 0.0);
  REQUIRE(m.in_weights.size() == 1u);
  CHECK(m.in_weights[0] == std::vector<std::pair<int, double>>{{0, 1.0}});
}

TEST_CASE("the source names the topology and the weights") {
  CHECK(build("ring", 8).source == "ring(8), Metropolis-Hastings weights");
  CHECK(build("line", 3).source == "line(3), Metropolis-Hastings weights");
  CHECK(build("complete", 4).source == "complete(4), Metropolis-Hastings weights");
  CHECK(build("torus", 12).source == "torus(3x4), Metropolis-Hastings weights");
}

TEST_CASE("a torus without a shape takes the squarest factorization with rows ≤ cols") {
  CHECK(build("torus", 12).source.starts_with("torus(3x4)"));
  CHECK(build("torus", 16).source.starts_with("torus(4x4)"));
  CHECK(build("torus", 7).source.starts_with("torus(1x7)"));
  CHECK(build("torus", 1).source.starts_with("torus(1x1)"));
  CHECK(build("torus", 8, 2, 0).source.starts_with("torus(2x4)"));
  CHECK(build("torus", 8, 0, 2).source.starts_with("torus(4x2)"));
  CHECK(build("torus", 6, 3, 2).source.starts_with("torus(3x2)"));
}

TEST_CASE("a torus whose shape does not multiply to N is refused naming rows or cols") {
  CHECK(contains(validation_message([] { build("torus", 8, 3, 0); }, "mixing.rows"), "3"));
  CHECK(contains(validation_message([] { build("torus", 8, 0, 3); }, "mixing.cols"), "3"));
  CHECK(contains(validation_message([] { build("torus", 8, 2, 3); }, "mixing.rows"), "2 × 3"));
}

TEST_CASE("W entries within 1e-9 of the rules are accepted") {
  Eigen::MatrixXd W = Eigen::MatrixXd::Constant(3, 3, 1.0 / 3);
  W(0, 1) += 1e-12;
  W(0, 0) -= 1e-12;
  CHECK_NOTHROW(csgd::make_mixing_matrix(W, "nearly"));
}

TEST_CASE("every broken rule of Assumption 2 is refused naming the rule and the entry") {
  const auto make = [](Eigen::MatrixXd W) { return [W] { csgd::make_mixing_matrix(W, "test"); }; };
  CHECK(contains(validation_message(make(Eigen::MatrixXd::Constant(2, 3, 1.0 / 3)), "mixing"), "square"));
  CHECK(contains(validation_message(make(Eigen::MatrixXd(0, 0)), "mixing"), "square"));
  CHECK(contains(validation_message(make(matrix({{0.5, NAN}, {0.5, 0.5}})), "mixing"), "W[0][1]=nan"));
  CHECK(contains(validation_message(make(matrix({{0.5, 0.5}, {INFINITY, 0.5}})), "mixing"), "W[1][0]=inf"));
  CHECK(validation_message(make(matrix({{0.5, 0.25, 0.25, 0.25}, {0.25, 0.5, 0.25, 0}, {0.25, 0.25, 0.5, 0},
                                        {0.2, 0, 0, 0.8}})),
                           "mixing") == "W is not symmetric: W[0][3]=0.25 but W[3][0]=0.2");
  CHECK(contains(validation_message(make(matrix({{0.5, 0.4}, {0.4, 0.5}})), "mixing"), "row 0 sums to 0.9"));
  CHECK(contains(validation_message(make(matrix({{0.5, 0.5 + 1e-6}, {0.5 + 1e-6, 0.5}})), "mixing"),
                 "doubly stochastic"));
  CHECK(contains(validation_message(make(matrix({{1.5, -0.5}, {-0.5, 1.5}})), "mixing"),
                 "negative entry: W[0][1]=-0.5"));
}

TEST_CASE("a disconnected W is refused because sqrt(rho) reaches one") {
  const Eigen::MatrixXd blocks = matrix({{0.5, 0.5, 0, 0}, {0.5, 0.5, 0, 0}, {0, 0, 0.5, 0.5}, {0, 0, 0.5, 0.5}});
  const std::string message = validation_message([&] { csgd::make_mixing_matrix(blocks, "blocks"); }, "mixing");
  CHECK(message.starts_with("W is disconnected:"));
  CHECK(contains(message, "Assumption 2 needs sqrt(rho) < 1"));
  CHECK(validation_message([] { csgd::make_mixing_matrix(Eigen::MatrixXd::Identity(3, 3), "I"); }, "mixing")
            .starts_with("W is disconnected:"));
}

TEST_CASE("a periodic W with eigenvalue −1 is refused because sqrt(rho) reaches one") {
  const std::string message =
      validation_message([] { csgd::make_mixing_matrix(matrix({{0, 1}, {1, 0}}), "swap"); }, "mixing");
  CHECK(message.starts_with("W is periodic:"));
  CHECK(contains(message, "Assumption 2 needs sqrt(rho) < 1"));
}

TEST_CASE("the mixing settings are validated naming the bad key") {
  const auto check = [](MixingSpec spec, const std::string& field) {
    validation_message([&] { spec.validate(); }, field);
  };
  MixingSpec spec;
  CHECK_NOTHROW(spec.validate());
  spec.topology = "star";
  check(spec, "mixing.topology");
  spec.topology = "file";
  check(spec, "mixing.file");
  spec.file = "W.txt";
  CHECK_NOTHROW(spec.validate());
  spec.topology = "ring";
  check(spec, "mixing.file");
  spec.file.clear();
  spec.rows = -1;
  check(spec, "mixing.rows");
  spec.rows = 0;
  spec.cols = -2;
  check(spec, "mixing.cols");
}

TEST_CASE("a matrix file with comments, blank lines and fractions is read row by row") {
  const TempFile f("good.txt",
                   "# a 3-node complete graph\n\n1/3 1/3 1/3   # row 0\n"
                   "  0.3333333333333333 0.3333333333333333 0.3333333333333334\n\n\t1/3 1/3 1/3\n");
  const Eigen::MatrixXd W = csgd::read_matrix_file(f.path.string());
  REQUIRE(W.rows() == 3);
  REQUIRE(W.cols() == 3);
  CHECK(W.isApprox(Eigen::MatrixXd::Constant(3, 3, 1.0 / 3), 1e-15));

  MixingSpec spec;
  spec.topology = "file";
  spec.file = f.path.string();
  const MixingMatrix m = csgd::build_mixing_matrix(spec, 3);
  CHECK(m.source == "file " + f.path.string());
  CHECK(std::abs(m.sqrt_rho) < 1e-12);
}

TEST_CASE("matrix file errors name the file and the line") {
  const TempFile ragged("ragged.txt", "# header\n0.5 0.5\n0.5\n");
  const std::string r = input_error_message([&] { csgd::read_matrix_file(ragged.path.string()); });
  CHECK(contains(r, ragged.path.string() + ":3:"));
  CHECK(contains(r, "1 entries but the first row has 2"));

  const TempFile junk("junk.txt", "0.5 0.5\n0.5 half\n");
  const std::string j = input_error_message([&] { csgd::read_matrix_file(junk.path.string()); });
  CHECK(contains(j, junk.path.string() + ":2:"));
  CHECK(contains(j, "'half' is not a number"));

  const TempFile bad_fraction("fraction.txt", "1/0 0\n");
  CHECK(contains(input_error_message([&] { csgd::read_matrix_file(bad_fraction.path.string()); }), ":1:"));

  const TempFile empty("empty.txt", "# nothing\n\n");
  CHECK(contains(input_error_message([&] { csgd::read_matrix_file(empty.path.string()); }), "no matrix rows"));

  const std::string missing = "/nonexistent/csgd/W.txt";
  CHECK(contains(input_error_message([&] { csgd::read_matrix_file(missing); }), missing));
}

TEST_CASE("a matrix file whose size differs from the number of workers is refused") {
  const TempFile f("two.txt", "0.5 0.5\n0.5 0.5\n");
  MixingSpec spec;
  spec.topology = "file";
  spec.file = f.path.string();
  CHECK(contains(validation_message([&] { csgd::build_mixing_matrix(spec, 3); }, "mixing.file"),
                 "2×2 but there are 3 workers"));
  const TempFile wide("wide.txt", "0.5 0.5 0\n0.5 0.5 0\n");
  spec.file = wide.path.string();
  CHECK(contains(validation_message([&] { csgd::build_mixing_matrix(spec, 2); }, "mixing.file"), "2×3"));
}

TEST_CASE("a matrix file that breaks Assumption 2 is refused by the same checks") {
  const TempFile f("asym.txt", "0.6 0.4\n0.5 0.5\n");
  MixingSpec spec;
  spec.topology = "file";
  spec.file = f.path.string();
  CHECK(contains(validation_message([&] { csgd::build_mixing_matrix(spec, 2); }, "mixing"), "not symmetric"));
}

TEST_CASE("building for fewer than one worker is refused") {
  validation_message([] { build("ring", 0); }, "workers");
}
