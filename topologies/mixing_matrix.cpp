// The mixing matrix W of Algorithm 2: checks of Assumption 2, its spectrum (eq. (15)) and the
// sparse in-weights that eq. (18) sums over.
// GCC 12.0–12.2 reports false -Wmaybe-uninitialized inside its own AVX-512 intrinsics once
// Eigen's eigen-solver is inlined with -march=native (fixed in GCC 12.3). The pragma must come
// before the intrinsics headers are first included.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "csgd/mixing_matrix.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <string_view>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/mixing_graph_registry.hpp"
#include "csgd/require.hpp"

namespace csgd {
namespace {

constexpr double kTolerance = 1e-9;          // Assumption 2 checks on the entries of W
constexpr double kSpectralTolerance = 1e-12;  // |λ| this close to 1 breaks eq. (15)

[[noreturn]] void reject(const std::string& rule) { throw ValidationError("mixing", rule); }

void check_square(const Eigen::MatrixXd& W) {
  if (W.rows() == 0 || W.rows() != W.cols())
    reject(fmt::format("W must be a non-empty square matrix, got {}×{}", W.rows(), W.cols()));
}

void check_finite(const Eigen::MatrixXd& W) {
  for (Eigen::Index i = 0; i < W.rows(); ++i)
    for (Eigen::Index j = 0; j < W.cols(); ++j)
      if (!std::isfinite(W(i, j))) reject(fmt::format("W has a non-finite entry: W[{}][{}]={}", i, j, W(i, j)));
}

void check_symmetric(const Eigen::MatrixXd& W) {
  for (Eigen::Index i = 0; i < W.rows(); ++i)
    for (Eigen::Index j = i + 1; j < W.cols(); ++j)
      if (std::abs(W(i, j) - W(j, i)) > kTolerance)
        reject(fmt::format("W is not symmetric: W[{}][{}]={} but W[{}][{}]={}", i, j, W(i, j), j, i, W(j, i)));
}

// Rows summing to 1 plus symmetry make W doubly stochastic.
void check_row_sums(const Eigen::MatrixXd& W) {
  for (Eigen::Index i = 0; i < W.rows(); ++i) {
    const double sum = W.row(i).sum();
    if (std::abs(sum - 1.0) > kTolerance)
      reject(fmt::format("W is not doubly stochastic: row {} sums to {}, not 1", i, sum));
  }
}

void check_non_negative(const Eigen::MatrixXd& W) {
  for (Eigen::Index i = 0; i < W.rows(); ++i)
    for (Eigen::Index j = 0; j < W.cols(); ++j)
      if (W(i, j) < -kTolerance)
        reject(fmt::format("W has a negative entry: W[{}][{}]={} (entries must lie in [0, 1])", i, j, W(i, j)));
}

// λ2, λN and sqrt(ρ) of eq. (15); refuses W whose sqrt(ρ) is 1 (Assumption 2).
void set_spectrum(MixingMatrix& m) {
  if (m.N() == 1) return;  // a single worker needs no mixing: all zero by convention
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m.W, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& ev = solver.eigenvalues();  // ascending
  m.lambda2 = ev(ev.size() - 2);
  m.lambdaN = ev(0);
  m.sqrt_rho = std::max(std::abs(m.lambda2), std::abs(m.lambdaN));
  if (m.lambda2 >= 1 - kSpectralTolerance)
    reject(fmt::format("W is disconnected: λ2 = {} (eigenvalue 1 is repeated, so the workers split into "
                       "groups that never mix); Assumption 2 needs sqrt(rho) < 1",
                       m.lambda2));
  if (m.sqrt_rho >= 1 - kSpectralTolerance)
    reject(fmt::format("W is periodic: λN = {} (a bipartite graph without self-weights); Assumption 2 "
                       "needs sqrt(rho) < 1",
                       m.lambdaN));
}

// in_weights[i] lists (j, W_ji), j ascending, diagonal included: the sum of eq. (18).
void set_in_weights(MixingMatrix& m) {
  const int N = m.N();
  m.in_weights.assign(static_cast<std::size_t>(N), {});
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j)
      if (m.W(j, i) != 0) m.in_weights[static_cast<std::size_t>(i)].emplace_back(j, m.W(j, i));
}


// A decimal number or a fraction "p/q" (so that 1/3 sums to 1 within tolerance).
std::optional<double> parse_entry(std::string_view token) {
  const auto number = [](std::string_view s) -> std::optional<double> {
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const auto slash = token.find('/');
  if (slash == std::string_view::npos) return number(token);
  const auto p = number(token.substr(0, slash)), q = number(token.substr(slash + 1));
  if (!p || !q || *q == 0) return std::nullopt;
  return *p / *q;
}

}  // namespace

void MixingSpec::validate() const {
  std::vector<std::string_view> names{"auto"};
  for (std::string_view n : MixingGraphRegistry::names()) names.push_back(n);
  require_one_of("mixing.topology", topology, names);
  if (topology == "file" && file.empty())
    throw ValidationError("mixing.file", "is required when mixing.topology is file");
  if (topology != "file" && !file.empty())
    throw ValidationError("mixing.file", fmt::format("is only used when mixing.topology is file, not {}", topology));
  if (rows < 0) throw ValidationError("mixing.rows", fmt::format("must be at least 0 (0 = choose), got {}", rows));
  if (cols < 0) throw ValidationError("mixing.cols", fmt::format("must be at least 0 (0 = choose), got {}", cols));
}

std::vector<int> MixingMatrix::out_degrees() const {
  std::vector<int> d(static_cast<std::size_t>(N()), 0);
  for (int i = 0; i < N(); ++i)
    for (int j = 0; j < N(); ++j)
      if (j != i && W(i, j) != 0) ++d[static_cast<std::size_t>(i)];
  return d;
}

std::pair<int, int> squarest_factorization(int N) {
  int rows = 1;
  for (int r = 1; static_cast<long long>(r) * r <= N; ++r)
    if (N % r == 0) rows = r;
  return {rows, N / rows};
}

Eigen::MatrixXd metropolis_hastings_weights(const Graph& g) {
  const std::vector<int> d = g.degrees();
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(g.N, g.N);
  for (const auto& [i, j] : g.edges) {
    const double w = 1.0 / (1.0 + std::max(d[static_cast<std::size_t>(i)], d[static_cast<std::size_t>(j)]));
    W(i, j) = W(j, i) = w;
  }
  // The self-weight takes the rest of each row, so rows (and, by symmetry, columns) sum to 1.
  for (int i = 0; i < g.N; ++i) W(i, i) = 1.0 - (W.row(i).sum() - W(i, i));
  return W;
}

MixingMatrix make_mixing_matrix(Eigen::MatrixXd W, std::string source) {
  check_square(W);
  check_finite(W);
  check_symmetric(W);
  check_row_sums(W);
  check_non_negative(W);
  MixingMatrix m;
  m.W = std::move(W);
  m.source = std::move(source);
  set_spectrum(m);
  set_in_weights(m);
  return m;
}

MixingSpec resolve_mixing(const MixingSpec& spec, const Graph* network) {
  MixingSpec resolved = spec;
  if (resolved.topology == "auto") resolved.topology = network ? "network" : "ring";
  return resolved;
}

MixingMatrix build_mixing_matrix(const MixingSpec& requested, int N, const Graph* network) {
  requested.validate();
  if (N < 1) throw ValidationError("workers", fmt::format("must be at least 1, got {}", N));
  // W is dense and its spectrum (√ρ) an O(N³) eigenvalue solve: about a minute at this size.
  constexpr int kMaxMixingWorkers = 4096;
  if (N > kMaxMixingWorkers)
    throw ValidationError("mixing", fmt::format("a mixing matrix W is built for at most {} workers (dense N×N, "
                                                "O(N³) spectrum), got N = {}",
                                                kMaxMixingWorkers, N));
  const MixingSpec spec = resolve_mixing(requested, network);
  return MixingGraphRegistry::find(spec.topology)->build(spec, N, network);
}

Eigen::MatrixXd read_matrix_file(const std::string& path) {
  std::istringstream in(read_input_file(path, "the mixing-matrix file (algorithm.mixing.file)", std::uintmax_t{1} << 30));
  std::vector<std::vector<double>> rows;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    std::istringstream tokens(line.substr(0, line.find('#')));
    std::vector<double> row;
    for (std::string token; tokens >> token;) {
      const auto value = parse_entry(token);
      if (!value) throw InputError(fmt::format("{}:{}: '{}' is not a number", path, line_no, token));
      row.push_back(*value);
    }
    if (row.empty()) continue;  // blank or comment-only line
    if (!rows.empty() && row.size() != rows.front().size())
      throw InputError(fmt::format("{}:{}: row has {} entries but the first row has {}", path, line_no, row.size(),
                                   rows.front().size()));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw InputError(fmt::format("{}: no matrix rows (only blank lines and comments)", path));
  Eigen::MatrixXd W(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      W(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return W;
}

}  // namespace csgd
