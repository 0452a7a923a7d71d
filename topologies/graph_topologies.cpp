// Graph generators for the mixing matrix of Algorithm 2, built with Boost.Graph.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include "csgd/errors.hpp"
#include "csgd/mixing_matrix.hpp"

namespace csgd {
namespace {

// setS out-edge lists refuse parallel edges, which dedupes the small-torus wrap-arounds.
using BoostGraph = boost::adjacency_list<boost::setS, boost::vecS, boost::undirectedS>;

void require_at_least(int value, int minimum, const char* field, const char* what) {
  if (value < minimum)
    throw ValidationError(field, std::string(what) + " must be at least " + std::to_string(minimum) +
                                     ", got " + std::to_string(value));
}

// Self-loops are dropped: the diagonal of W is not an edge.
void add_edge(BoostGraph& g, int i, int j) {
  if (i != j) boost::add_edge(static_cast<std::size_t>(i), static_cast<std::size_t>(j), g);
}

// Edges as (i, j) with i < j, sorted: the canonical form of csgd::Graph.
Graph to_graph(const BoostGraph& g) {
  Graph out;
  out.N = static_cast<int>(boost::num_vertices(g));
  for (const auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto a = static_cast<int>(boost::source(e, g)), b = static_cast<int>(boost::target(e, g));
    out.edges.emplace_back(std::min(a, b), std::max(a, b));
  }
  std::sort(out.edges.begin(), out.edges.end());
  return out;
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

Graph ring_graph(int N) {
  require_at_least(N, 1, "workers", "the number of ring nodes N");
  BoostGraph g(static_cast<std::size_t>(N));
  for (int i = 0; i < N; ++i) add_edge(g, i, (i + 1) % N);  // N = 2 gives one edge (setS)
  return to_graph(g);
}

Graph line_graph(int N) {
  require_at_least(N, 1, "workers", "the number of line nodes N");
  BoostGraph g(static_cast<std::size_t>(N));
  for (int i = 0; i + 1 < N; ++i) add_edge(g, i, i + 1);
  return to_graph(g);
}

// Node (r, c) is r·cols + c; each node links right and down with wrap-around. With rows or
// cols ≤ 2 the two wrap directions coincide (or are self-loops) and are kept once.
Graph torus_graph(int rows, int cols) {
  require_at_least(rows, 1, "mixing.rows", "mixing.rows");
  require_at_least(cols, 1, "mixing.cols", "mixing.cols");
  if (static_cast<long long>(rows) * cols > std::numeric_limits<int>::max())
    throw ValidationError("mixing.rows", "mixing.rows × mixing.cols = " + std::to_string(rows) + " × " +
                                             std::to_string(cols) + " is too many nodes");
  BoostGraph g(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  const auto node = [cols](int r, int c) { return r * cols + c; };
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      add_edge(g, node(r, c), node(r, (c + 1) % cols));
      add_edge(g, node(r, c), node((r + 1) % rows, c));
    }
  return to_graph(g);
}

Graph complete_graph(int N) {
  require_at_least(N, 1, "workers", "the number of complete-graph nodes N");
  BoostGraph g(static_cast<std::size_t>(N));
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) add_edge(g, i, j);
  return to_graph(g);
}

bool is_connected(const Graph& g) {
  if (g.N < 1) return false;  // no nodes: nothing to mix
  const BoostGraph b = to_boost(g);
  std::vector<int> component(static_cast<std::size_t>(g.N));
  return boost::connected_components(b, component.data()) == 1;
}

}  // namespace csgd
