// A custom topology from a file: an edge list ("a b [latency] [bandwidth]" per line, '#'
// comments, '-' keeps a default) or GraphML (by the .graphml extension or a '<graphml' header;
// nodes in document order, optional edge keys "latency" and "bandwidth" with units). Nodes
// 0..N−1 are the hosts, any further nodes are switches. Errors name the file and line.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/any.hpp>
#include <boost/graph/graphml.hpp>
#include <fmt/format.h>

#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/require.hpp"
#include "csgd/units.hpp"
#include "csgd/topology_registry.hpp"

namespace csgd::topology {
namespace {

struct FileLink {
  PhysicalLink link;
  int line = 0;  // 0: unknown
};

struct FileGraph {
  int nodes = 0;
  std::vector<FileLink> links;
};

std::string where(const std::string& file, int line) {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

std::optional<int> parse_id(std::string_view token) {
  int value = -1;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc{} || end != token.data() + token.size() || value < 0 || value >= kMaxFlowHosts + kMaxSwitches)
    return std::nullopt;
  return value;
}

// Units as in the YAML file; "-" or an absent value keeps the default.
double parse_latency(const std::string& token, double fallback, const std::string& at) {
  if (token.empty() || token == "-") return fallback;
  const auto v = parse_duration_s(token);
  if (!v) throw InputError(fmt::format("{}: latency '{}' is not a duration ≥ 0 such as 5us or 2ms", at, token));
  return *v;
}

double parse_bandwidth(const std::string& token, double fallback, const std::string& at) {
  if (token.empty() || token == "-") return fallback;
  const auto v = parse_bandwidth_Bps(token);
  if (!v || *v <= 0)
    throw InputError(fmt::format("{}: bandwidth '{}' is not a positive bandwidth such as 10Gbps or 25GB/s", at, token));
  return *v;
}

FileGraph read_edge_list(const std::string& file, const std::string& text, const LinkDefaults& d) {
  FileGraph g;
  std::istringstream lines(text);
  std::string raw;
  for (int line = 1; std::getline(lines, raw); ++line) {
    const std::string content = raw.substr(0, raw.find('#'));
    std::istringstream fields(content);
    std::vector<std::string> tokens;
    for (std::string t; fields >> t;) tokens.push_back(t);
    if (tokens.empty()) continue;
    const auto a = parse_id(tokens[0]), b = tokens.size() > 1 ? parse_id(tokens[1]) : std::nullopt;
    if (!a || !b || tokens.size() > 4)
      throw InputError(fmt::format("{}: expected 'a b [latency] [bandwidth]' with node ids 0..{}, got '{}'",
                                   where(file, line), kMaxFlowHosts + kMaxSwitches - 1, content.substr(0, content.find_last_not_of(" \t\r") + 1)));
    const std::string at = where(file, line);
    const double latency = parse_latency(tokens.size() > 2 ? tokens[2] : "", d.latency_s, at);
    const double bandwidth = parse_bandwidth(tokens.size() > 3 ? tokens[3] : "", d.bandwidth_Bps, at);
    g.links.push_back({{*a, *b, latency, bandwidth}, line});
    g.nodes = std::max({g.nodes, *a + 1, *b + 1});
  }
  // Node ids must be 0..max without gaps: a gap is almost always a typo. (Sorted ids rather than
  // a table indexed by id: a stray huge id must not allocate.)
  std::vector<int> ids;
  for (const auto& l : g.links) ids.insert(ids.end(), {l.link.a, l.link.b});
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (std::size_t v = 0; v < ids.size(); ++v)
    if (ids[v] != static_cast<int>(v))
      throw InputError(fmt::format("{}: node {} appears in no link; node ids must be 0..{} without gaps", file, v,
                                   g.nodes - 1));
  return g;
}

// The line of every <edge> element in document order, for error messages.
std::vector<int> edge_lines(const std::string& text) {
  std::vector<int> lines;
  int line = 1;
  std::size_t counted = 0;
  for (std::size_t pos = 0; (pos = text.find("<edge", pos)) != std::string::npos; pos += 5) {
    const char next = pos + 5 < text.size() ? text[pos + 5] : '\0';
    if (next != ' ' && next != '\t' && next != '\n' && next != '\r' && next != '>' && next != '/') continue;
    line += static_cast<int>(std::count(text.begin() + static_cast<long>(counted), text.begin() + static_cast<long>(pos), '\n'));
    counted = pos;
    lines.push_back(line);
  }
  return lines;
}

// Receives Boost's GraphML reader callbacks in document order: vertices are numbered as they
// come, edges keep their order and their "latency"/"bandwidth" values as text.
class GraphmlRecorder : public boost::mutate_graph {
 public:
  explicit GraphmlRecorder(bool directed) : directed_(directed) {}
  bool is_directed() const override { return directed_; }
  boost::any do_add_vertex() override { return boost::any(nodes_++); }
  std::pair<boost::any, bool> do_add_edge(boost::any source, boost::any target) override {
    edges_.push_back({boost::any_cast<int>(source), boost::any_cast<int>(target), "", ""});
    return {boost::any(edges_.size() - 1), true};  // parallel edges are refused later, with a line
  }
  void set_graph_property(const std::string&, const std::string&, const std::string&) override {}
  void set_vertex_property(const std::string&, boost::any, const std::string&, const std::string&) override {}
  void set_edge_property(const std::string& name, boost::any edge, const std::string& value,
                         const std::string&) override {
    auto& e = edges_[boost::any_cast<std::size_t>(edge)];
    if (name == "latency") e.latency = value;
    if (name == "bandwidth") e.bandwidth = value;
  }

  struct Edge {
    int a, b;
    std::string latency, bandwidth;
  };
  int nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }

 private:
  bool directed_;
  int nodes_ = 0;
  std::vector<Edge> edges_;
};

// Boost refuses edges whose direction differs from the recorder's; links are undirected either
// way, so a directed file is simply read again as directed.
GraphmlRecorder read_graphml_edges(const std::string& file, const std::string& text, bool directed) {
  GraphmlRecorder recorder(directed);
  std::istringstream in(text);
  try {
    boost::read_graphml(in, recorder, 0);
  } catch (const boost::directed_graph_error&) {
    if (!directed) return read_graphml_edges(file, text, true);
    throw InputError(fmt::format("{}: GraphML mixes directed and undirected edges", file));
  } catch (const boost::undirected_graph_error&) {
    throw InputError(fmt::format("{}: GraphML mixes directed and undirected edges", file));
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: cannot read GraphML: {}", file, e.what()));
  }
  return recorder;
}

FileGraph read_graphml_file(const std::string& file, const std::string& text, const LinkDefaults& d) {
  const GraphmlRecorder recorder = read_graphml_edges(file, text, false);
  FileGraph g;
  g.nodes = recorder.nodes();
  const std::vector<int> lines = edge_lines(text);
  for (std::size_t i = 0; i < recorder.edges().size(); ++i) {
    const auto& e = recorder.edges()[i];
    const int line = i < lines.size() ? lines[i] : 0;
    const std::string at = where(file, line);
    g.links.push_back({{e.a, e.b, parse_latency(e.latency, d.latency_s, at), parse_bandwidth(e.bandwidth, d.bandwidth_Bps, at)},
                       line});
  }
  return g;
}

std::string read_text(const std::string& file) {
  return read_input_file(file, "the topology file (timing.network.topology.file)", std::uintmax_t{1} << 30);
}

bool is_graphml(const std::string& file, const std::string& text) {
  std::string extension = std::filesystem::path(file).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  return extension == ".graphml" || text.substr(0, 4096).find("<graphml") != std::string::npos;
}

// Self-loops and repeated links are refused; the first N nodes must exist to be hosts.
void check(const std::string& file, const FileGraph& g, int N) {
  std::map<std::pair<int, int>, int> first_line;
  for (const auto& [l, line] : g.links) {
    if (l.a == l.b) throw InputError(fmt::format("{}: self-loop at node {}", where(file, line), l.a));
    const auto [it, inserted] = first_line.emplace(std::minmax(l.a, l.b), line);
    if (!inserted)
      throw InputError(fmt::format("{}: a second link between nodes {} and {} (the first is on line {})",
                                   where(file, line), l.a, l.b, it->second));
  }
  if (g.nodes < N)
    throw InputError(fmt::format("{}: the topology has {} nodes, but the {} hosts need nodes 0..{}", file, g.nodes, N,
                                 N - 1));
}

}  // namespace

static Parts custom(const TopologySpec& spec, int N, const LinkDefaults& d) {
  const std::string text = read_text(spec.file);
  const FileGraph g = is_graphml(spec.file, text) ? read_graphml_file(spec.file, text, d) : read_edge_list(spec.file, text, d);
  require_buildable("file", spec.file, static_cast<double>(g.nodes) - N, static_cast<double>(g.links.size()));
  check(spec.file, g, N);
  Parts p;
  const int switches = g.nodes - N;
  p.name = fmt::format("custom ({}): {} hosts, {} switch{}, {} links", std::filesystem::path(spec.file).filename().string(),
                       N, switches, switches == 1 ? "" : "es", g.links.size());
  p.hosts = N;
  p.nodes = g.nodes;
  p.source = spec.file;
  for (const auto& l : g.links) p.links.push_back(l.link);
  return p;
}

namespace {

const bool registered = TopologyRegistry::add({
    .name = "custom",
    .help = "hosts, switches and links from a file: an edge list (\"a b [latency] [bandwidth]\") or GraphML",
    .keys = {{"file", &TopologySpec::file,
              "the edge-list or GraphML file (relative to the experiment file; csgd topo: to the current folder)",
              KeyUnit::path}},
    .build = custom,
    .validate = [](const TopologySpec& s) {
      require(!s.file.empty(), "file", "a custom topology needs a file (an edge list or GraphML)");
    },
});

}  // namespace
}  // namespace csgd::topology
