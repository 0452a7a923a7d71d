#pragma once
// Graphs on the workers: the simple undirected graphs W is built from, and the edge generators
// the physical topologies share with them (one ring, one torus, one complete graph).
#include <utility>
#include <vector>

namespace csgd {

// Undirected simple graph on nodes 0..N-1 (no self-loops, no duplicate edges).
struct Graph {
  int N = 0;
  std::vector<std::pair<int, int>> edges;  // i < j, sorted
  std::vector<int> degrees() const;
};

// rows × cols = N with rows ≤ cols, rows the largest divisor of N not above √N (a prime N gives
// 1 × N): the shape of every torus or mesh whose sides are not given.
std::pair<int, int> squarest_factorization(int N);

// The edges of a grid with sides `dims` (last dimension fastest), in the order both the mixing
// graphs and the physical topologies list them: each node links to its +1 neighbour along every
// dimension and, with `wrap`, the last coordinate back to 0. A side of 2 wraps onto its forward
// edge (kept once) and a side of 1 has no edges. The ring is grid_edges({N}, true), the line
// grid_edges({N}, false), a torus or mesh grid_edges(dims, true / false).
std::vector<std::pair<int, int>> grid_edges(const std::vector<int>& dims, bool wrap);
// Every pair i < j, in lexicographic order.
std::vector<std::pair<int, int>> complete_edges(int N);

// Graph generators (canonical edge order). Throw ValidationError naming the bad parameter.
Graph ring_graph(int N);
Graph line_graph(int N);
Graph torus_graph(int rows, int cols);
Graph complete_graph(int N);
bool is_connected(const Graph& g);

}  // namespace csgd
