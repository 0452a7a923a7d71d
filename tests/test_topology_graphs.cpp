#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/mixing_matrix.hpp"

using csgd::Graph;
using Edges = std::vector<std::pair<int, int>>;

namespace {

// Every generated graph is simple and canonical: i < j, sorted, no duplicates, nodes in range.
void check_canonical(const Graph& g) {
  CHECK(std::is_sorted(g.edges.begin(), g.edges.end()));
  CHECK(std::adjacent_find(g.edges.begin(), g.edges.end()) == g.edges.end());
  for (const auto& [i, j] : g.edges) {
    CHECK(0 <= i);
    CHECK(i < j);
    CHECK(j < g.N);
  }
}

bool has_edge(const Graph& g, int i, int j) {
  return std::binary_search(g.edges.begin(), g.edges.end(), std::pair{std::min(i, j), std::max(i, j)});
}

// Runs `make` and returns the field of the ValidationError it throws ("" if none).
template <class F>
std::string validation_field(F make) {
  try {
    make();
  } catch (const csgd::ValidationError& e) {
    CHECK(std::string(e.what()).find("at least") != std::string::npos);
    return e.field();
  }
  return "";
}

}  // namespace

TEST_CASE("a ring on N nodes has N edges and every node has degree two") {
  for (int N = 3; N <= 10; ++N) {
    const Graph g = csgd::ring_graph(N);
    CHECK(g.N == N);
    CHECK(g.edges.size() == static_cast<std::size_t>(N));
    check_canonical(g);
    CHECK(g.degrees() == std::vector<int>(static_cast<std::size_t>(N), 2));
    CHECK(has_edge(g, 0, N - 1));  // the closing edge
    CHECK(csgd::is_connected(g));
  }
}

TEST_CASE("a ring on two nodes is one edge and on one node has no edges") {
  CHECK(csgd::ring_graph(2).edges == Edges{{0, 1}});
  CHECK(csgd::ring_graph(1).edges.empty());
  CHECK(csgd::ring_graph(1).N == 1);
  CHECK(csgd::is_connected(csgd::ring_graph(1)));
}

TEST_CASE("a line on N nodes is a path with end nodes of degree one") {
  const Graph g = csgd::line_graph(5);
  CHECK(g.edges == Edges{{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  CHECK(g.degrees() == std::vector<int>{1, 2, 2, 2, 1});
  CHECK(csgd::is_connected(g));
  CHECK(csgd::line_graph(1).edges.empty());
  CHECK(csgd::line_graph(2).edges == Edges{{0, 1}});
}

TEST_CASE("a torus with at least three rows and columns has 2·rows·cols edges and degree four") {
  const Graph g = csgd::torus_graph(3, 4);
  CHECK(g.N == 12);
  CHECK(g.edges.size() == 24u);
  check_canonical(g);
  CHECK(g.degrees() == std::vector<int>(12, 4));
  CHECK(csgd::is_connected(g));
}

TEST_CASE("a torus wraps around in both directions") {
  const Graph g = csgd::torus_graph(3, 4);  // node (r, c) = 4r + c
  CHECK(has_edge(g, 0, 3));   // (0,0)–(0,3): row wrap
  CHECK(has_edge(g, 0, 8));   // (0,0)–(2,0): column wrap
  CHECK(has_edge(g, 5, 6));   // (1,1)–(1,2): right neighbour
  CHECK(has_edge(g, 5, 9));   // (1,1)–(2,1): down neighbour
  CHECK_FALSE(has_edge(g, 0, 5));  // no diagonals
}

TEST_CASE("a torus with two rows or columns keeps each wrapped edge once") {
  const Graph g22 = csgd::torus_graph(2, 2);  // a 4-cycle
  CHECK(g22.edges == Edges{{0, 1}, {0, 2}, {1, 3}, {2, 3}});
  CHECK(g22.degrees() == std::vector<int>(4, 2));

  const Graph g23 = csgd::torus_graph(2, 3);  // rows of 3-cycles, columns of single edges
  CHECK(g23.edges.size() == 9u);
  check_canonical(g23);
  CHECK(g23.degrees() == std::vector<int>(6, 3));
}

TEST_CASE("a torus with one row or one column is a ring and a 1×1 torus has no edges") {
  CHECK(csgd::torus_graph(1, 5).edges == csgd::ring_graph(5).edges);
  CHECK(csgd::torus_graph(5, 1).edges == csgd::ring_graph(5).edges);
  CHECK(csgd::torus_graph(1, 2).edges == Edges{{0, 1}});
  CHECK(csgd::torus_graph(1, 1).edges.empty());
  CHECK(csgd::torus_graph(1, 1).N == 1);
}

TEST_CASE("a complete graph links every pair of nodes") {
  const Graph g = csgd::complete_graph(6);
  CHECK(g.edges.size() == 15u);
  check_canonical(g);
  CHECK(g.degrees() == std::vector<int>(6, 5));
  CHECK(csgd::complete_graph(1).edges.empty());
}

TEST_CASE("connectivity is detected for split graphs and isolated nodes") {
  CHECK_FALSE(csgd::is_connected(Graph{4, {{0, 1}, {2, 3}}}));
  CHECK_FALSE(csgd::is_connected(Graph{3, {{0, 1}}}));
  CHECK(csgd::is_connected(Graph{3, {{0, 2}, {1, 2}}}));
  CHECK_FALSE(csgd::is_connected(Graph{2, {}}));
  CHECK_FALSE(csgd::is_connected(Graph{0, {}}));
}

TEST_CASE("degrees count both ends of each edge") {
  CHECK(Graph{4, {{0, 1}, {0, 2}, {0, 3}}}.degrees() == std::vector<int>{3, 1, 1, 1});
  CHECK(Graph{2, {}}.degrees() == std::vector<int>{0, 0});
}

TEST_CASE("every invalid generator parameter is refused naming the parameter") {
  CHECK(validation_field([] { csgd::ring_graph(0); }) == "workers");
  CHECK(validation_field([] { csgd::ring_graph(-3); }) == "workers");
  CHECK(validation_field([] { csgd::line_graph(0); }) == "workers");
  CHECK(validation_field([] { csgd::complete_graph(0); }) == "workers");
  CHECK(validation_field([] { csgd::torus_graph(0, 4); }) == "mixing.rows");
  CHECK(validation_field([] { csgd::torus_graph(-1, 4); }) == "mixing.rows");
  CHECK(validation_field([] { csgd::torus_graph(4, 0); }) == "mixing.cols");
  CHECK(validation_field([] { csgd::torus_graph(4, -2); }) == "mixing.cols");
}

TEST_CASE("a torus too large to number its nodes is refused") {
  CHECK_THROWS_AS(csgd::torus_graph(1 << 16, 1 << 16), csgd::ValidationError);
}

TEST_CASE("a hand-made graph with an edge outside its nodes is refused") {
  CHECK_THROWS_AS(csgd::is_connected(Graph{2, {{0, 2}}}), std::out_of_range);
}
