#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "csgd/network.hpp"

using csgd::PhysicalTopology;
using csgd::Router;
using csgd::TopologySpec;
using doctest::Approx;

namespace {

PhysicalTopology build(const std::string& name, int N, std::vector<int> dims = {}) {
  TopologySpec s;
  s.name = name;
  s.dims = std::move(dims);
  return csgd::build_topology(s, N, 1e-6, 1e9);
}

// The nodes a path visits, checking that its links chain from src to dst.
std::vector<int> nodes_on(const PhysicalTopology& t, Router& router, int src, int dst) {
  std::vector<int> nodes{src};
  for (int e : router.path(src, dst)) {
    const auto& l = t.links[static_cast<std::size_t>(e)];
    CHECK(l.from == nodes.back());
    nodes.push_back(l.to);
  }
  CHECK(nodes.back() == dst);
  return nodes;
}

}  // namespace

TEST_CASE("on a ring of four the shortest path is taken and a tie goes through the lower node") {
  const auto t = build("ring", 4);
  Router router(t);
  CHECK(nodes_on(t, router, 0, 1) == std::vector<int>{0, 1});
  CHECK(nodes_on(t, router, 0, 3) == std::vector<int>{0, 3});
  CHECK(nodes_on(t, router, 0, 2) == std::vector<int>{0, 1, 2});  // tie: via 1, not 3
  CHECK(nodes_on(t, router, 2, 0) == std::vector<int>{2, 1, 0});  // tie: via 1, not 3
  CHECK(nodes_on(t, router, 1, 3) == std::vector<int>{1, 0, 3});  // tie: via 0, not 2
  CHECK(nodes_on(t, router, 3, 1) == std::vector<int>{3, 0, 1});
  // Link ids are the directed pairs: 0→1 is link 0, 1→2 is link 2.
  const auto p = router.path(0, 2);
  CHECK(std::vector<int>(p.begin(), p.end()) == std::vector<int>{0, 2});
}

TEST_CASE("on a 2×2 torus diagonal hosts are two hops apart through the lower-numbered neighbour") {
  const auto t = build("torus", 4, {2, 2});
  Router router(t);
  CHECK(nodes_on(t, router, 0, 3) == std::vector<int>{0, 1, 3});
  CHECK(nodes_on(t, router, 3, 0) == std::vector<int>{3, 1, 0});
  CHECK(nodes_on(t, router, 1, 2) == std::vector<int>{1, 0, 2});
  CHECK(nodes_on(t, router, 2, 1) == std::vector<int>{2, 0, 1});
  CHECK(nodes_on(t, router, 0, 2) == std::vector<int>{0, 2});
}

TEST_CASE("a path to oneself is empty and a path's latency is the sum over its links") {
  TopologySpec s;
  s.name = "line";
  s.links = {{1, 2, 3e-6, -1}};
  const auto t = csgd::build_topology(s, 4, 1e-6, 1e9);
  Router router(t);
  CHECK(router.path(2, 2).empty());
  CHECK(router.latency_s(2, 2) == 0);
  CHECK(router.latency_s(0, 3) == Approx(1e-6 + 3e-6 + 1e-6));
  CHECK(router.latency_s(3, 0) == Approx(5e-6));
  CHECK(router.latency_s(0, 1) == Approx(1e-6));
}

TEST_CASE("every path on a 5×5 torus is as long as the wrap-around Manhattan distance") {
  const auto t = build("torus", 25, {5, 5});
  Router router(t);
  auto ring_distance = [](int a, int b) { return std::min(std::abs(a - b), 5 - std::abs(a - b)); };
  for (int s = 0; s < 25; ++s)
    for (int d = 0; d < 25; ++d) {
      const auto expected = static_cast<std::size_t>(ring_distance(s / 5, d / 5) + ring_distance(s % 5, d % 5));
      CHECK(nodes_on(t, router, s, d).size() == expected + 1);
    }
}

TEST_CASE("paths through switches on a fat-tree go up only as far as needed") {
  TopologySpec s;
  s.name = "fat-tree";
  s.k = 4;
  const auto t = csgd::build_topology(s, 16, 1e-6, 1e9);
  Router router(t);
  CHECK(router.path(0, 1).size() == 2);   // same edge switch
  CHECK(router.path(0, 2).size() == 4);   // same pod
  CHECK(router.path(0, 15).size() == 6);  // across pods
  CHECK(router.path(0, 1).data() == router.path(0, 1).data());  // cached, not rebuilt
}

TEST_CASE("routes for every pair of 1024 hosts on a fat-tree are computed lazily and quickly") {
  TopologySpec s;
  s.name = "fat-tree";
  const auto t = csgd::build_topology(s, 1024, 1e-6, 1e9);
  Router router(t);
  const auto start = std::chrono::steady_clock::now();
  std::size_t hops = 0;
  for (int src = 0; src < 1024; ++src)
    for (int dst = src % 7; dst < 1024; dst += 97) hops += router.path(src, dst).size();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(hops > 0);
  CHECK(router.path(0, 1023).size() == 6);
  MESSAGE("router: 1024 sources on a k=16 fat-tree in ", wall, " s");
}

TEST_CASE("a search stopped at the destination gives the whole tree's path, for few and many destinations") {
  // Router A asks each source for one destination only (searches stop early); router B asks
  // every source for all destinations in order, so past the first few it keeps whole trees.
  for (const auto& [name, N, dims, routing] :
       {std::tuple{"torus", 36, std::vector<int>{6, 6}, csgd::Routing::shortest},
        std::tuple{"torus", 60, std::vector<int>{3, 4, 5}, csgd::Routing::shortest},
        std::tuple{"fat-tree", 16, std::vector<int>{}, csgd::Routing::shortest},
        std::tuple{"leaf-spine", 24, std::vector<int>{}, csgd::Routing::shortest},
        std::tuple{"torus", 36, std::vector<int>{6, 6}, csgd::Routing::ecmp},
        std::tuple{"fat-tree", 16, std::vector<int>{}, csgd::Routing::ecmp},
        std::tuple{"leaf-spine", 24, std::vector<int>{}, csgd::Routing::ecmp}}) {
    CAPTURE(name);
    CAPTURE(routing == csgd::Routing::ecmp);
    PhysicalTopology t = build(name, N, dims);
    t.routing = routing;
    Router many(t);
    std::vector<std::vector<std::vector<int>>> expected(static_cast<std::size_t>(N));
    for (int s = 0; s < N; ++s)
      for (int d = 0; d < N; ++d) {
        const auto p = many.path(s, d);
        expected[static_cast<std::size_t>(s)].emplace_back(p.begin(), p.end());
      }
    for (int s = 0; s < N; ++s)
      for (int d = 0; d < N; ++d) {
        Router one(t);  // fresh: its only search for s stops at d
        const auto p = one.path(s, d);
        CHECK(std::vector<int>(p.begin(), p.end()) == expected[static_cast<std::size_t>(s)][static_cast<std::size_t>(d)]);
      }
  }
}

TEST_CASE("ECMP routes are as short as the lowest-id ones and spread a fat-tree's cross-pod pairs over every core") {
  TopologySpec s;
  s.name = "fat-tree";
  s.k = 4;
  PhysicalTopology shortest = csgd::build_topology(s, 16, 1e-6, 1e9);
  PhysicalTopology ecmp = shortest;
  ecmp.routing = csgd::Routing::ecmp;
  Router lowest(shortest), spread(ecmp);
  // Nodes: hosts 0–15, edge switches 16–23, aggregation 24–31, cores 32–35.
  std::set<int> cores_lowest, cores_spread;
  for (int src = 0; src < 16; ++src)
    for (int dst = 0; dst < 16; ++dst) {
      const auto a = nodes_on(shortest, lowest, src, dst), b = nodes_on(ecmp, spread, src, dst);
      CHECK(a.size() == b.size());
      if (src / 4 != dst / 4) {  // other pod: host, edge, agg, core, agg, edge, host
        cores_lowest.insert(a[3]);
        cores_spread.insert(b[3]);
      }
    }
  CHECK(cores_lowest == std::set<int>{32});
  CHECK(cores_spread == std::set<int>{32, 33, 34, 35});
  // Fixed per pair: another router picks the same path.
  Router again(ecmp);
  for (int dst = 1; dst < 16; ++dst) CHECK(nodes_on(ecmp, again, 0, dst) == nodes_on(ecmp, spread, 0, dst));
}

TEST_CASE("ECMP on an even ring sends opposite pairs both ways round") {
  auto t = build("ring", 8);
  t.routing = csgd::Routing::ecmp;
  Router router(t);
  int via_lower = 0, via_upper = 0;
  for (int src = 0; src < 8; ++src) {
    const auto nodes = nodes_on(t, router, src, (src + 4) % 8);
    CHECK(nodes.size() == 5);  // four hops either way
    (nodes[1] == (src + 1) % 8 ? via_upper : via_lower) += 1;
  }
  CHECK(via_lower > 0);
  CHECK(via_upper > 0);
}

// The router's rule, written plainly: a breadth-first search from the source host, neighbours in
// ascending node id, the path through each node's first-seen parent.
std::vector<int> reference_path(const PhysicalTopology& t, int src, int dst) {
  const auto nodes = static_cast<std::size_t>(t.nodes);
  std::vector<std::vector<int>> out(nodes);
  for (std::size_t e = 0; e < t.links.size(); ++e) out[static_cast<std::size_t>(t.links[e].from)].push_back(static_cast<int>(e));
  for (auto& links : out)
    std::sort(links.begin(), links.end(), [&t](int a, int b) {
      return t.links[static_cast<std::size_t>(a)].to < t.links[static_cast<std::size_t>(b)].to;
    });
  std::vector<int> parent(nodes, -2);
  parent[static_cast<std::size_t>(src)] = -1;
  std::vector<int> queue{src};
  for (std::size_t head = 0; head < queue.size(); ++head)
    for (int e : out[static_cast<std::size_t>(queue[head])]) {
      const int v = t.links[static_cast<std::size_t>(e)].to;
      if (parent[static_cast<std::size_t>(v)] != -2) continue;
      parent[static_cast<std::size_t>(v)] = e;
      queue.push_back(v);
    }
  std::vector<int> path;
  for (int v = dst; v != src; v = t.links[static_cast<std::size_t>(path.back())].from) path.push_back(parent[static_cast<std::size_t>(v)]);
  std::reverse(path.begin(), path.end());
  return path;
}

TEST_CASE("hosts behind one switch share its search and still get the plain search's paths") {
  // Fat-tree and leaf-spine hosts have a single link, so the router searches from their switch;
  // a line's end hosts have one link to another host. Many destinations per source make the
  // switches keep whole trees; both ways must give the plain rule's path.
  TopologySpec fat;
  fat.name = "fat-tree";
  fat.k = 4;
  TopologySpec spine;
  spine.name = "leaf-spine";
  TopologySpec line;
  line.name = "line";
  for (const auto& [spec, N] : {std::pair{fat, 16}, std::pair{spine, 24}, std::pair{line, 6}}) {
    CAPTURE(spec.name);
    const PhysicalTopology t = csgd::build_topology(spec, N, 1e-6, 1e9);
    Router router(t);
    for (int src = 0; src < N; ++src)
      for (int dst = 0; dst < N; ++dst) {
        const auto p = router.path(src, dst);
        CHECK(std::vector<int>(p.begin(), p.end()) == (src == dst ? std::vector<int>{} : reference_path(t, src, dst)));
      }
    // Asked again, from the cache: the same links, at the same address.
    CHECK(router.path(1, 2).data() == router.path(1, 2).data());
    CHECK(router.latency_s(0, N - 1) == Approx(1e-6 * static_cast<double>(router.path(0, N - 1).size())));
  }
}

TEST_CASE("a host id outside 0..N−1 is refused") {
  const auto t = build("ring", 4);
  Router router(t);
  CHECK_THROWS_AS(router.path(0, 4), std::out_of_range);
  CHECK_THROWS_AS(router.path(-1, 0), std::out_of_range);
}
