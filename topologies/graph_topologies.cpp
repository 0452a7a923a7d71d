// Graphs on the workers: the edge generators the mixing graphs and the physical topologies share,
// and connectivity (Boost.Graph).
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include "csgd/require.hpp"
#include "csgd/mixing_matrix.hpp"

namespace csgd {
namespace {

// setS out-edge lists refuse parallel edges, which dedupes the small-torus wrap-arounds.
using BoostGraph = boost::adjacency_list<boost::setS, boost::vecS, boost::undirectedS>;

void require_nodes(int value, int minimum, const char* field, const char* what) {
  require(value >= minimum, field,
          std::string(what) + " must be at least " + std::to_string(minimum) + ", got " + std::to_string(value));
}

// Self-loops are dropped: the diagonal of W is not an edge.
void add_edge(BoostGraph& g, int i, int j) {
  if (i != j) boost::add_edge(static_cast<std::size_t>(i), static_cast<std::size_t>(j), g);
}

// Edges as (i, j) with i < j, sorted: the canonical form of csgd::Graph.
Graph canonical(int N, std::vector<std::pair<int, int>> edges) {
  for (auto& [i, j] : edges)
    if (i > j) std::swap(i, j);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return Graph{N, std::move(edges)};
}

BoostGraph to_boost(const Graph& g) {
  BoostGraph b(static_cast<std::size_t>(std::max(g.N, 0)));
  for (const auto& [i, j] : g.edges) {
    if (i < 0 || j < 0 || i >= g.N || j >= g.N)
      throw std::out_of_range("graph edge (" + std::to_string(i) + ", " + std::to_string(j) +
                              ") outside nodes 0.." + std::to_string(g.N - 1));
    add_edge(b, i, j);
  }
  return b;
}

}  // namespace

std::vector<int> Graph::degrees() const {
  std::vector<int> d(static_cast<std::size_t>(std::max(N, 0)), 0);
  for (const auto& [i, j] : edges) {
    ++d.at(static_cast<std::size_t>(i));
    ++d.at(static_cast<std::size_t>(j));
  }
  return d;
}

std::vector<std::pair<int, int>> grid_edges(const std::vector<int>& dims, bool wrap) {
  std::vector<int> stride(dims.size(), 1);
  long long nodes = 1;
  for (int d : dims) nodes *= d;
  for (std::size_t j = dims.size(); j-- > 1;) stride[j - 1] = stride[j] * dims[j];
  std::vector<std::pair<int, int>> edges;
  for (int v = 0; v < nodes; ++v)
    for (std::size_t j = 0; j < dims.size(); ++j) {
      const int coord = v / stride[j] % dims[j];
      if (coord + 1 < dims[j]) edges.emplace_back(v, v + stride[j]);
      else if (wrap && dims[j] >= 3) edges.emplace_back(v - coord * stride[j], v);
    }
  return edges;
}

std::vector<std::pair<int, int>> complete_edges(int N) {
  std::vector<std::pair<int, int>> edges;
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) edges.emplace_back(i, j);
  return edges;
}

Graph ring_graph(int N) {
  require_nodes(N, 1, "workers", "the number of ring nodes N");
  return canonical(N, grid_edges({N}, true));
}

Graph line_graph(int N) {
  require_nodes(N, 1, "workers", "the number of line nodes N");
  return canonical(N, grid_edges({N}, false));
}

Graph torus_graph(int rows, int cols) {
  require_nodes(rows, 1, "mixing.rows", "mixing.rows");
  require_nodes(cols, 1, "mixing.cols", "mixing.cols");
  if (static_cast<long long>(rows) * cols > std::numeric_limits<int>::max())
    throw ValidationError("mixing.rows", "mixing.rows × mixing.cols = " + std::to_string(rows) + " × " +
                                             std::to_string(cols) + " is too many nodes");
  return canonical(rows * cols, grid_edges({rows, cols}, true));
}

Graph complete_graph(int N) {
  require_nodes(N, 1, "workers", "the number of complete-graph nodes N");
  return canonical(N, complete_edges(N));
}

bool is_connected(const Graph& g) {
  if (g.N < 1) return false;  // no nodes: nothing to mix
  const BoostGraph b = to_boost(g);
  std::vector<int> component(static_cast<std::size_t>(g.N));
  return boost::connected_components(b, component.data()) == 1;
}

}  // namespace csgd
