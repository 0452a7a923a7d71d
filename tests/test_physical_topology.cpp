#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/network.hpp"
#include "support/temp_dir.hpp"

using csgd::PhysicalTopology;
using csgd::TopologySpec;
using doctest::Approx;

namespace {

constexpr double kLatency = 5e-6, kBandwidth = 1.25e9;

TopologySpec spec_named(const std::string& name) {
  TopologySpec s;
  s.name = name;
  return s;
}

PhysicalTopology build(const TopologySpec& s, int N) { return csgd::build_topology(s, N, kLatency, kBandwidth); }
PhysicalTopology build(const std::string& name, int N) { return build(spec_named(name), N); }

std::size_t physical_links(const PhysicalTopology& t) { return t.links.size() / 2; }

// The field of the ValidationError that `make` throws, "" if none; the message must say something.
template <class F>
std::string refused_field(F make) {
  try {
    make();
  } catch (const csgd::ValidationError& e) {
    CHECK(std::string(e.what()).size() > 10);
    return e.field();
  }
  return "";
}

// The message of the InputError that `make` throws, "" if none.
template <class F>
std::string input_error(F make) {
  try {
    make();
  } catch (const csgd::InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every topology keeps the layout the network model relies on: hosts first, links in directed
// pairs 2e (a→b) / 2e+1 (b→a) with equal attributes, ids in range, no self-loops.
void check_layout(const PhysicalTopology& t, int N) {
  CHECK(t.hosts == N);
  CHECK(t.nodes >= t.hosts);
  REQUIRE(t.links.size() % 2 == 0);
  for (std::size_t e = 0; e < t.links.size(); e += 2) {
    const auto& fwd = t.links[e];
    const auto& back = t.links[e + 1];
    CHECK(fwd.from == back.to);
    CHECK(fwd.to == back.from);
    CHECK(fwd.from != fwd.to);
    CHECK(fwd.latency_s == back.latency_s);
    CHECK(fwd.bandwidth_Bps == back.bandwidth_Bps);
    CHECK(0 <= std::min(fwd.from, fwd.to));
    CHECK(std::max(fwd.from, fwd.to) < t.nodes);
  }
  CHECK(t.host_degrees().size() == static_cast<std::size_t>(N));
}

std::vector<int> all(int N, int value) { return std::vector<int>(static_cast<std::size_t>(N), value); }

}  // namespace

TEST_CASE("a ring has N links, degree two and diameter floor(N/2)") {
  for (int N : {3, 4, 7, 8, 33}) {
    const auto t = build("ring", N);
    check_layout(t, N);
    CHECK(t.nodes == N);
    CHECK(physical_links(t) == static_cast<std::size_t>(N));
    CHECK(t.host_degrees() == all(N, 2));
    CHECK(t.diameter_hops() == N / 2);
  }
  CHECK(physical_links(build("ring", 2)) == 1);  // one link, not two parallel ones
  CHECK(build("ring", 1).links.empty());
  CHECK(build("ring", 1).diameter_hops() == 0);
  CHECK(build("ring", 8).name == "ring of 8 hosts");
}

TEST_CASE("a line has N−1 links, end hosts of degree one and diameter N−1") {
  const auto t = build("line", 5);
  check_layout(t, 5);
  CHECK(physical_links(t) == 4);
  CHECK(t.host_degrees() == std::vector<int>{1, 2, 2, 2, 1});
  CHECK(t.diameter_hops() == 4);
}

TEST_CASE("a 2-D torus has 2·rows·cols links, degree four and diameter floor(rows/2)+floor(cols/2)") {
  TopologySpec s = spec_named("torus");
  s.dims = {4, 4};
  const auto t = build(s, 16);
  check_layout(t, 16);
  CHECK(t.name == "torus 4×4");
  CHECK(t.nodes == 16);
  CHECK(physical_links(t) == 32);
  CHECK(t.host_degrees() == all(16, 4));
  CHECK(t.diameter_hops() == 4);
  s.dims = {3, 5};
  CHECK(build(s, 15).diameter_hops() == 1 + 2);
}

TEST_CASE("a 3-D torus has 3·x·y·z links, degree six and the summed half-extents as diameter") {
  TopologySpec s = spec_named("torus");
  s.dims = {3, 3, 4};
  const auto t = build(s, 36);
  check_layout(t, 36);
  CHECK(t.name == "torus 3×3×4");
  CHECK(physical_links(t) == 3 * 36);
  CHECK(t.host_degrees() == all(36, 6));
  CHECK(t.diameter_hops() == 1 + 1 + 2);
}

TEST_CASE("torus-3d is the torus with the most cubic sides: the same links as dims [x, y, z]") {
  const std::vector<std::pair<int, std::vector<int>>> cases = {{64, {4, 4, 4}}, {12, {2, 2, 3}}, {16, {2, 2, 4}}, {7, {1, 1, 7}}};
  for (const auto& c : cases) {
    const auto& [N, dims] = c;
    CAPTURE(c.first);  // CAPTURE is a lambda: clang 14 cannot capture a structured binding
    TopologySpec preset = spec_named("torus-3d"), explicit_dims = spec_named("torus");
    explicit_dims.dims = dims;
    const PhysicalTopology a = build(preset, N), b = build(explicit_dims, N);
    CHECK(a.name == b.name);
    REQUIRE(a.links.size() == b.links.size());
    for (std::size_t e = 0; e < a.links.size(); ++e) {
      CHECK(a.links[e].from == b.links[e].from);
      CHECK(a.links[e].to == b.links[e].to);
    }
  }
  const PhysicalTopology cube = build(spec_named("torus-3d"), 64);
  CHECK(cube.links.size() == 2 * 3 * 64);
  CHECK(cube.diameter_hops() == 6);
}

TEST_CASE("a torus dimension of two links each pair once and without dims the squarest shape is chosen") {
  TopologySpec s = spec_named("torus");
  s.dims = {2, 2};
  const auto square = build(s, 4);
  CHECK(physical_links(square) == 4);
  CHECK(square.host_degrees() == all(4, 2));
  CHECK(square.diameter_hops() == 2);
  CHECK(build("torus", 12).name == "torus 3×4");
  CHECK(build("torus", 16).name == "torus 4×4");
  CHECK(build("torus", 7).name == "torus 1×7");  // a prime N is a ring
  CHECK(build("torus", 7).diameter_hops() == 3);
}

TEST_CASE("a torus whose dims do not multiply to N is refused naming dims") {
  TopologySpec s = spec_named("torus");
  s.dims = {3, 3};
  CHECK(refused_field([&] { build(s, 8); }) == "dims");
  s.dims = {2, 2, 3};
  CHECK(refused_field([&] { build(s, 8); }) == "dims");
}

TEST_CASE("a mesh has no wrap-around: corner degree two and diameter (rows−1)+(cols−1)") {
  TopologySpec s = spec_named("mesh");
  s.dims = {3, 4};
  const auto t = build(s, 12);
  check_layout(t, 12);
  CHECK(t.name == "mesh 3×4");
  CHECK(physical_links(t) == 3 * 3 + 2 * 4);
  const auto degree = t.host_degrees();
  CHECK(degree[0] == 2);
  CHECK(degree[11] == 2);
  CHECK(degree[5] == 4);
  CHECK(t.diameter_hops() == 5);
}

TEST_CASE("a complete graph links every pair and has diameter one") {
  const auto t = build("complete", 6);
  check_layout(t, 6);
  CHECK(physical_links(t) == 15);
  CHECK(t.host_degrees() == all(6, 5));
  CHECK(t.diameter_hops() == 1);
}

TEST_CASE("a star puts every host on one switch: N links, degree one, diameter two") {
  const auto t = build("star", 6);
  check_layout(t, 6);
  CHECK(t.nodes == 7);
  CHECK(physical_links(t) == 6);
  for (std::size_t e = 0; e < t.links.size(); e += 2) CHECK(t.links[e].to == 6);
  CHECK(t.host_degrees() == all(6, 1));
  CHECK(t.diameter_hops() == 2);
}

TEST_CASE("a hypercube has N·log2(N)/2 links, degree and diameter log2 N, and needs a power of two") {
  for (int d = 0; d <= 6; ++d) {
    const int N = 1 << d;
    const auto t = build("hypercube", N);
    check_layout(t, N);
    CHECK(physical_links(t) == static_cast<std::size_t>(N * d / 2));
    CHECK(t.host_degrees() == all(N, d));
    CHECK(t.diameter_hops() == d);
  }
  CHECK(refused_field([] { build("hypercube", 6); }) == "name");
}

TEST_CASE("a full k=4 fat-tree has 20 switches, 48 links and diameter six across pods") {
  TopologySpec s = spec_named("fat-tree");
  s.k = 4;
  const auto t = build(s, 16);
  check_layout(t, 16);
  CHECK(t.name == "fat-tree k=4: 16 hosts, 20 switches");
  CHECK(t.nodes == 36);
  CHECK(physical_links(t) == 16 + 16 + 16);
  CHECK(t.host_degrees() == all(16, 1));
  CHECK(t.diameter_hops() == 6);
  // Every switch has k ports in use: edge (2 hosts + 2 up), aggregation (2 down + 2 up), core (4 pods).
  std::vector<int> degree(static_cast<std::size_t>(t.nodes), 0);
  for (const auto& l : t.links) ++degree[static_cast<std::size_t>(l.from)];
  for (int v = 16; v < 36; ++v) CHECK(degree[static_cast<std::size_t>(v)] == 4);
}

TEST_CASE("a fat-tree fills hosts in order and chooses the smallest even k that fits N") {
  CHECK(build("fat-tree", 16).name == "fat-tree k=4: 16 hosts, 20 switches");
  CHECK(build("fat-tree", 17).name == "fat-tree k=6: 17 of 54 hosts, 45 switches");
  CHECK(build("fat-tree", 2).name == "fat-tree k=2: 2 hosts, 5 switches");
  TopologySpec s = spec_named("fat-tree");
  s.k = 4;
  const auto one_pod = build(s, 4);  // hosts 0–1 on edge switch 0, hosts 2–3 on edge switch 1
  CHECK(one_pod.links[0].to == one_pod.links[2].to);
  CHECK(one_pod.links[2].to != one_pod.links[4].to);
  CHECK(one_pod.diameter_hops() == 4);  // all in one pod: up to aggregation and back
  CHECK(refused_field([&] { build(s, 17); }) == "k");
}

TEST_CASE("fat-tree oversubscription divides the bandwidth of every link above the edge layer") {
  TopologySpec s = spec_named("fat-tree");
  s.k = 4;
  s.oversubscription = 4;
  const auto t = build(s, 16);
  for (const auto& l : t.links) {
    const bool host_link = l.from < 16 || l.to < 16;
    CHECK(l.bandwidth_Bps == Approx(host_link ? kBandwidth : kBandwidth / 4));
  }
}

TEST_CASE("a fat-tree for 1024 hosts builds quickly with k=16") {
  const auto t = build("fat-tree", 1024);
  CHECK(t.name == "fat-tree k=16: 1024 hosts, 320 switches");
  CHECK(physical_links(t) == 1024 + 2 * 1024);
  CHECK(t.diameter_hops() == 6);
}

TEST_CASE("a default leaf-spine puts the largest divisor of N up to 2√N hosts on each leaf") {
  const auto t = build("leaf-spine", 16);  // 8 hosts per leaf, 2 leaves, 4 spines
  check_layout(t, 16);
  CHECK(t.nodes == 16 + 2 + 4);
  CHECK(physical_links(t) == 16 + 2 * 4);
  CHECK(t.host_degrees() == all(16, 1));
  CHECK(t.diameter_hops() == 4);
  CHECK(contains(t.name, "2 leaves × 8 hosts, 4 spines"));
  CHECK(contains(build("leaf-spine", 1024).name, "16 leaves × 64 hosts, 32 spines"));
  CHECK(contains(build("leaf-spine", 7).name, "7 leaves × 1 hosts, 1 spines"));
}

TEST_CASE("leaf-spine uplinks carry hosts_per_leaf·B over spines·oversubscription") {
  TopologySpec s = spec_named("leaf-spine");
  s.hosts_per_leaf = 4;
  s.spines = 2;
  s.oversubscription = 2;
  const auto t = build(s, 12);
  check_layout(t, 12);
  CHECK(t.nodes == 12 + 3 + 2);
  for (const auto& l : t.links) {
    const bool host_link = l.from < 12 || l.to < 12;
    CHECK(l.bandwidth_Bps == Approx(host_link ? kBandwidth : 4 * kBandwidth / (2 * 2)));
  }
  s.hosts_per_leaf = 5;
  CHECK(refused_field([&] { build(s, 12); }) == "hosts_per_leaf");
}

TEST_CASE("every invalid topology setting is refused naming its field") {
  auto refused = [](auto edit) {
    TopologySpec s;
    edit(s);
    return refused_field([&] { s.validate(); });
  };
  CHECK(refused([](TopologySpec& s) { s.name = "donut"; }) == "name");
  CHECK(refused([](TopologySpec& s) { s.name = ""; }) == "name");
  CHECK(refused([](TopologySpec& s) { s.dims = {4, 0}; }) == "dims");
  CHECK(refused([](TopologySpec& s) { s.name = "torus"; s.dims = {16}; }) == "dims");
  CHECK(refused([](TopologySpec& s) { s.name = "torus"; s.dims = {2, 2, 2, 2}; }) == "dims");
  CHECK(refused([](TopologySpec& s) { s.name = "mesh"; s.dims = {2, 2, 4}; }) == "dims");
  CHECK(refused([](TopologySpec& s) { s.k = 3; }) == "k");
  CHECK(refused([](TopologySpec& s) { s.k = -2; }) == "k");
  CHECK(refused([](TopologySpec& s) { s.oversubscription = 0.5; }) == "oversubscription");
  CHECK(refused([](TopologySpec& s) { s.oversubscription = std::numeric_limits<double>::infinity(); }) ==
        "oversubscription");
  CHECK(refused([](TopologySpec& s) { s.oversubscription = std::nan(""); }) == "oversubscription");
  CHECK(refused([](TopologySpec& s) { s.hosts_per_leaf = -1; }) == "hosts_per_leaf");
  CHECK(refused([](TopologySpec& s) { s.spines = -1; }) == "spines");
  CHECK(refused([](TopologySpec& s) { s.name = "custom"; }) == "file");
  CHECK(refused([](TopologySpec& s) { s.links = {{0, 1, std::nan(""), -1}}; }) == "links");
  CHECK(refused([](TopologySpec& s) { s.links = {{0, 1, -1, 0}}; }) == "links");
  CHECK(refused([](TopologySpec& s) { s.links = {{0, 1, -1, std::numeric_limits<double>::infinity()}}; }) == "links");
  CHECK(refused([](TopologySpec& s) { s.links = {{2, 2, 1e-6, -1}}; }) == "links");
  CHECK(refused([](TopologySpec& s) { s.links = {{-1, 2, 1e-6, -1}}; }) == "links");
  CHECK(refused([](TopologySpec& s) { s.links = {{0, 1, -1, -1}}; }) == "links");
  for (const char* name : {"ring", "line", "torus", "mesh", "complete", "star", "hypercube", "fat-tree", "leaf-spine"})
    CHECK(refused([name](TopologySpec& s) { s.name = name; }) == "");
}

TEST_CASE("a link override changes both directions of the named link and nothing else") {
  TopologySpec s = spec_named("ring");
  s.links = {{2, 1, 1e-3, -1}, {3, 0, -1, 1e6}};
  const auto t = build(s, 4);
  for (const auto& l : t.links) {
    const bool one_two = std::min(l.from, l.to) == 1 && std::max(l.from, l.to) == 2;
    const bool zero_three = std::min(l.from, l.to) == 0 && std::max(l.from, l.to) == 3;
    CHECK(l.latency_s == (one_two ? 1e-3 : kLatency));
    CHECK(l.bandwidth_Bps == (zero_three ? 1e6 : kBandwidth));
  }
  s.links = {{0, 2, 1e-3, -1}};  // not a link of a ring of four
  CHECK(refused_field([&] { build(s, 4); }) == "links");
  s.links = {{0, 9, 1e-3, -1}};  // no such node
  CHECK(refused_field([&] { build(s, 4); }) == "links");
}

TEST_CASE("a custom edge list gives hosts first, switches after, with per-link units and defaults") {
  csgd::testing::TempDir dir;
  csgd::testing::write_file(dir / "star.txt",
                            "# three hosts on switch 3\n"
                            "0 3 1us 10Gbps   # host 0\n"
                            "\n"
                            "1 3\n"
                            "2 3 - 1GB/s\n");
  TopologySpec s = spec_named("custom");
  s.file = (dir / "star.txt").string();
  const auto t = build(s, 3);
  check_layout(t, 3);
  CHECK(t.nodes == 4);
  REQUIRE(t.links.size() == 6);
  CHECK(t.links[0].from == 0);
  CHECK(t.links[0].to == 3);
  CHECK(t.links[0].latency_s == Approx(1e-6));
  CHECK(t.links[0].bandwidth_Bps == Approx(1.25e9));
  CHECK(t.links[2].latency_s == kLatency);
  CHECK(t.links[2].bandwidth_Bps == kBandwidth);
  CHECK(t.links[5].latency_s == kLatency);
  CHECK(t.links[5].bandwidth_Bps == Approx(1e9));
  CHECK(t.diameter_hops() == 2);
  CHECK(contains(t.name, "star.txt"));
  // With N = 2 the third host becomes a switch.
  CHECK(build(s, 2).hosts == 2);
}

TEST_CASE("bad custom edge lists are refused naming the file and line") {
  csgd::testing::TempDir dir;
  TopologySpec s = spec_named("custom");
  auto error_for = [&](const std::string& content, int N) {
    csgd::testing::write_file(dir / "t.txt", content);
    s.file = (dir / "t.txt").string();
    return input_error([&] { build(s, N); });
  };
  const std::string file = (dir / "t.txt").string();
  std::string e = error_for("0 1\n1 1\n", 2);
  CHECK(contains(e, file + ":2"));
  CHECK(contains(e, "self-loop"));
  e = error_for("0 1\n1 two\n", 2);
  CHECK(contains(e, file + ":2"));
  CHECK(contains(e, "expected"));
  e = error_for("0 1\n1 2 5 parsecs\n", 3);
  CHECK(contains(e, file + ":2"));
  e = error_for("0 1\n1 2 5us -3Gbps\n", 3);
  CHECK(contains(e, file + ":2"));
  e = error_for("0 1 1us 1Gbps extra\n", 2);
  CHECK(contains(e, file + ":1"));
  e = error_for("0 1\n1 3\n", 2);  // node 2 missing
  CHECK(contains(e, "node 2"));
  e = error_for("0 1\n1 2000000000\n", 2);  // a stray huge id is refused at its line, not allocated
  CHECK(contains(e, file + ":2"));
  CHECK(contains(e, "node ids 0..1114111"));
  e = error_for("0 1\n1 20000\n", 2);  // an id in range that leaves a gap
  CHECK(contains(e, "node 2"));
  e = error_for("0 1\n1 2\n", 4);  // fewer nodes than hosts
  CHECK(contains(e, file));
  CHECK(contains(e, "3 nodes"));
  e = error_for("0 1\n2 3\n", 4);
  CHECK(contains(e, file));
  CHECK(contains(e, "the topology is disconnected: host 2 cannot reach host 0"));
  e = error_for("0 1\n1 2\n2 1\n", 3);
  CHECK(contains(e, file + ":3"));
  CHECK(contains(e, "line 2"));
  s.file = (dir / "missing.txt").string();
  CHECK(contains(input_error([&] { build(s, 2); }), "missing.txt"));
}

TEST_CASE("a custom GraphML file gives nodes in document order with optional latency and bandwidth") {
  csgd::testing::TempDir dir;
  const std::string graphml = R"(<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="lat" for="edge" attr.name="latency" attr.type="string"/>
  <key id="bw" for="edge" attr.name="bandwidth" attr.type="string"/>
  <key id="c" for="node" attr.name="color" attr.type="string"/>
  <graph id="G" edgedefault="undirected">
    <node id="h0"/>
    <node id="h1"><data key="c">red</data></node>
    <node id="sw"/>
    <edge source="sw" target="h0"><data key="lat">2us</data></edge>
    <edge source="h1" target="sw"><data key="bw">100Mbps</data></edge>
  </graph>
</graphml>
)";
  csgd::testing::write_file(dir / "pair.graphml", graphml);
  csgd::testing::write_file(dir / "pair.xml", graphml);  // detected by its header
  for (const char* name : {"pair.graphml", "pair.xml"}) {
    TopologySpec s = spec_named("custom");
    s.file = (dir / name).string();
    const auto t = build(s, 2);
    check_layout(t, 2);
    CHECK(t.nodes == 3);
    REQUIRE(t.links.size() == 4);
    CHECK(t.links[0].from == 2);
    CHECK(t.links[0].to == 0);
    CHECK(t.links[0].latency_s == Approx(2e-6));
    CHECK(t.links[0].bandwidth_Bps == kBandwidth);
    CHECK(t.links[2].from == 1);
    CHECK(t.links[2].latency_s == kLatency);
    CHECK(t.links[2].bandwidth_Bps == Approx(12.5e6));
    CHECK(t.diameter_hops() == 2);
  }
  csgd::testing::write_file(dir / "directed.graphml",
                            "<graphml><graph edgedefault=\"directed\"><node id=\"a\"/><node id=\"b\"/>"
                            "<edge source=\"a\" target=\"b\"/></graph></graphml>");
  TopologySpec s = spec_named("custom");
  s.file = (dir / "directed.graphml").string();
  CHECK(physical_links(build(s, 2)) == 1);
}

TEST_CASE("bad GraphML files are refused naming the file") {
  csgd::testing::TempDir dir;
  TopologySpec s = spec_named("custom");
  s.file = (dir / "bad.graphml").string();
  auto error_for = [&](const std::string& content, int N) {
    csgd::testing::write_file(dir / "bad.graphml", content);
    return input_error([&] { build(s, N); });
  };
  std::string e = error_for("<graphml>\n<graph edgedefault=\"undirected\">\n<node id=\"a\"/><node id=\"b\"/>\n"
                            "<edge source=\"a\" target=\"b\"/>\n<edge source=\"b\" target=\"b\"/>\n</graph></graphml>\n", 2);
  CHECK(contains(e, s.file + ":5"));
  CHECK(contains(e, "self-loop"));
  e = error_for("<graphml><graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/>"
                "<edge source=\"a\" target=\"b\"/></graph></graphml>", 3);
  CHECK(contains(e, "2 nodes"));
  e = error_for("<graphml><graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>"
                "<edge source=\"a\" target=\"b\"/></graph></graphml>", 3);
  CHECK(contains(e, "host 2 cannot reach host 0"));
  e = error_for("<graphml><graph edgedefault=\"undirected\"><node id=\"a\"/>", 1);
  CHECK(contains(e, s.file));
  e = error_for("<graphml><key id=\"l\" for=\"edge\" attr.name=\"latency\"/><graph edgedefault=\"undirected\">"
                "<node id=\"a\"/><node id=\"b\"/><edge source=\"a\" target=\"b\"><data key=\"l\">soon</data></edge>"
                "</graph></graphml>", 2);
  CHECK(contains(e, "latency 'soon'"));
  e = error_for("<graphml><graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>"
                "<edge source=\"a\" target=\"b\"/><edge source=\"b\" target=\"c\" directed=\"true\"/>"
                "</graph></graphml>", 3);
  CHECK(contains(e, "mixes directed and undirected"));
}

TEST_CASE("every generator's closed-form diameter, and the search custom files get, equal a plain BFS from every host") {
  // The reference: a breadth-first search from every host over the links, written here.
  const auto plain_bfs = [](const PhysicalTopology& t) {
    std::vector<std::vector<int>> next(static_cast<std::size_t>(t.nodes));
    for (const csgd::DirectedLink& l : t.links) next[static_cast<std::size_t>(l.from)].push_back(l.to);
    int diameter = 0;
    for (int s = 0; s < t.hosts; ++s) {
      std::vector<int> d(static_cast<std::size_t>(t.nodes), -1), queue{s};
      d[static_cast<std::size_t>(s)] = 0;
      for (std::size_t head = 0; head < queue.size(); ++head)
        for (const int v : next[static_cast<std::size_t>(queue[head])])
          if (d[static_cast<std::size_t>(v)] < 0) {
            d[static_cast<std::size_t>(v)] = d[static_cast<std::size_t>(queue[head])] + 1;
            queue.push_back(v);
          }
      for (int h = 0; h < t.hosts; ++h) diameter = std::max(diameter, d[static_cast<std::size_t>(h)]);
    }
    return diameter;
  };
  // What diameter_hops() runs when no closed form is known (custom files): one search per host
  // or per switch its single-linked hosts hang off.
  const auto searched = [](PhysicalTopology t) {
    t.known_diameter_hops.reset();
    return t.diameter_hops();
  };
  int checked = 0;
  const auto check = [&](const TopologySpec& s, int N) {
    const PhysicalTopology t = build(s, N);
    REQUIRE(t.known_diameter_hops.has_value());
    CAPTURE(t.name);
    const int reference = plain_bfs(t);
    CHECK(*t.known_diameter_hops == reference);
    CHECK(searched(t) == reference);
    ++checked;
  };
  for (const char* name : {"ring", "line", "complete", "star", "fat-tree", "leaf-spine", "torus-3d"})
    for (int N : {2, 3, 4, 5, 7, 8, 12, 16, 17, 27, 36, 64})
      check(spec_named(name), N);
  for (int N : {2, 4, 8, 16, 32, 64}) check(spec_named("hypercube"), N);
  for (const char* name : {"torus", "mesh"})
    for (const std::vector<int>& dims : std::vector<std::vector<int>>{{1, 5}, {2, 2}, {2, 3}, {3, 3}, {4, 5}, {5, 6}}) {
      TopologySpec s = spec_named(name);
      s.dims = dims;
      check(s, dims[0] * dims[1]);
    }
  for (const std::vector<int>& dims : std::vector<std::vector<int>>{{2, 3, 4}, {3, 3, 3}, {2, 2, 5}}) {
    TopologySpec s = spec_named("torus");
    s.dims = dims;
    check(s, dims[0] * dims[1] * dims[2]);
  }
  for (int k : {2, 4, 6})  // a fat-tree of every occupancy: one edge switch, one pod, several pods
    for (int N = 1; N <= k * k * k / 4; N += (N < 12 ? 1 : 7)) {
      TopologySpec s = spec_named("fat-tree");
      s.k = k;
      check(s, N);
    }
  CHECK(checked > 100);
}

TEST_CASE("a custom topology has no closed form and gets its diameter by search") {
  csgd::testing::TempDir dir;
  csgd::testing::write_file(dir / "path.txt", "0 1\n1 2\n2 3\n");
  TopologySpec s = spec_named("custom");
  s.file = (dir / "path.txt").string();
  const PhysicalTopology t = build(s, 4);
  CHECK(!t.known_diameter_hops);
  CHECK(t.diameter_hops() == 3);
}
