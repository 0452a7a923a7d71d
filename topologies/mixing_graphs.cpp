// The graphs Algorithm 2 mixes over, one registry entry each: W from Metropolis–Hastings weights
// on a generated graph or the physical host graph, or read from a file.
#include <string>
#include <utility>

#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/mixing_graph_registry.hpp"

namespace csgd {
namespace {

// Fills in a torus side left at 0 and checks rows × cols = N.
std::pair<int, int> torus_shape(const MixingSpec& spec, int N) {
  if (spec.rows == 0 && spec.cols == 0) return squarest_factorization(N);
  if (spec.cols == 0) {
    if (N % spec.rows != 0)
      throw ValidationError("mixing.rows", fmt::format("mixing.rows = {} does not divide the {} workers", spec.rows, N));
    return {spec.rows, N / spec.rows};
  }
  if (spec.rows == 0) {
    if (N % spec.cols != 0)
      throw ValidationError("mixing.cols", fmt::format("mixing.cols = {} does not divide the {} workers", spec.cols, N));
    return {N / spec.cols, spec.cols};
  }
  if (static_cast<long long>(spec.rows) * spec.cols != N)
    throw ValidationError("mixing.rows", fmt::format("mixing.rows × mixing.cols = {} × {} must equal the {} workers",
                                                     spec.rows, spec.cols, N));
  return {spec.rows, spec.cols};
}

MixingMatrix from_graph(const Graph& g, const std::string& name) {
  return make_mixing_matrix(metropolis_hastings_weights(g), name + ", Metropolis-Hastings weights");
}

MixingMatrix from_file(const std::string& path, int N) {
  Eigen::MatrixXd W = read_matrix_file(path);
  if (W.rows() != N || W.cols() != N)
    throw ValidationError("mixing.file", fmt::format("the matrix in {} is {}×{} but there are {} workers", path,
                                                     W.rows(), W.cols(), N));
  return make_mixing_matrix(std::move(W), "file " + path);
}

const bool registered = [] {
  MixingGraphRegistry::add({
      .name = "network",
      .help = "the physical topology's host graph (flow model, a topology without switches)",
      .build = [](const MixingSpec&, int, const Graph* network) {
        if (!network)
          throw ValidationError("mixing.topology", "network (the physical topology's host graph) needs "
                                                   "timing.network.model: flow and a topology without switches");
        return from_graph(*network, "the network's host graph");
      },
  });
  MixingGraphRegistry::add({
      .name = "ring",
      .help = "each worker mixes with its two ring neighbours",
      .build = [](const MixingSpec&, int N, const Graph*) { return from_graph(ring_graph(N), fmt::format("ring({})", N)); },
  });
  MixingGraphRegistry::add({
      .name = "line",
      .help = "a ring without its closing edge",
      .build = [](const MixingSpec&, int N, const Graph*) { return from_graph(line_graph(N), fmt::format("line({})", N)); },
  });
  MixingGraphRegistry::add({
      .name = "complete",
      .help = "every pair of workers (W = 11ᵀ/N: Algorithm 1 with I = 1)",
      .build = [](const MixingSpec&, int N, const Graph*) {
        return from_graph(complete_graph(N), fmt::format("complete({})", N));
      },
  });
  MixingGraphRegistry::add({
      .name = "torus",
      .help = "2-D torus of rows × cols = N workers",
      .keys = {{"rows", &MixingSpec::rows, "rows (default 0: the squarest rows × cols = N)"},
               {"cols", &MixingSpec::cols, "columns (default 0: N / rows)"}},
      .build = [](const MixingSpec& spec, int N, const Graph*) {
        const auto [rows, cols] = torus_shape(spec, N);
        return from_graph(torus_graph(rows, cols), fmt::format("torus({}x{})", rows, cols));
      },
  });
  MixingGraphRegistry::add({
      .name = "file",
      .help = "W itself, an N×N whitespace-separated matrix ('#' comments, fractions like 1/3)",
      .keys = {{"file", &MixingSpec::file, "the matrix file (relative to the experiment file; csgd topo: to the current folder)", KeyUnit::path}},
      .build = [](const MixingSpec& spec, int N, const Graph*) { return from_file(spec.file, N); },
  });
  return true;
}();

}  // namespace
}  // namespace csgd
