// Shortest-hop routing: one BFS per source on first use, neighbours visited in ascending node id
// so that equal-length paths resolve towards lower ids, the same way on every run.
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "csgd/network.hpp"

namespace csgd {
namespace {

// Outgoing directed links grouped by node (CSR), each group sorted by target node.
struct Adjacency {
  std::vector<int> start, link;
};

Adjacency outgoing(const PhysicalTopology& t) {
  Adjacency adj;
  adj.start.assign(static_cast<std::size_t>(t.nodes) + 1, 0);
  for (const DirectedLink& l : t.links) ++adj.start[static_cast<std::size_t>(l.from) + 1];
  for (std::size_t v = 0; v < static_cast<std::size_t>(t.nodes); ++v) adj.start[v + 1] += adj.start[v];
  adj.link.resize(t.links.size());
  std::vector<int> fill(adj.start.begin(), adj.start.end() - 1);
  for (std::size_t e = 0; e < t.links.size(); ++e)
    adj.link[static_cast<std::size_t>(fill[static_cast<std::size_t>(t.links[e].from)]++)] = static_cast<int>(e);
  const auto by_target = [&t](int a, int b) {
    const auto& la = t.links[static_cast<std::size_t>(a)];
    const auto& lb = t.links[static_cast<std::size_t>(b)];
    return la.to != lb.to ? la.to < lb.to : a < b;
  };
  for (std::size_t v = 0; v < static_cast<std::size_t>(t.nodes); ++v) {
    const auto first = adj.link.begin() + adj.start[v], last = adj.link.begin() + adj.start[v + 1];
    if (!std::is_sorted(first, last, by_target)) std::sort(first, last, by_target);  // generators mostly list them sorted
  }
  return adj;
}

// parent[v] = the directed link by which the BFS from `source` first reached v (−1: none).
std::vector<int> bfs_tree(const PhysicalTopology& t, std::span<const int> start, std::span<const int> link, int source) {
  std::vector<int> parent(static_cast<std::size_t>(t.nodes), -1), queue{source};
  std::vector<bool> seen(static_cast<std::size_t>(t.nodes), false);
  seen[static_cast<std::size_t>(source)] = true;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const auto u = static_cast<std::size_t>(queue[head]);
    for (int i = start[u]; i < start[u + 1]; ++i) {
      const int e = link[static_cast<std::size_t>(i)];
      const auto v = static_cast<std::size_t>(t.links[static_cast<std::size_t>(e)].to);
      if (seen[v]) continue;
      seen[v] = true;
      parent[v] = e;
      queue.push_back(static_cast<int>(v));
    }
  }
  return parent;
}

void check_host(const PhysicalTopology& t, int host) {
  if (host < 0 || host >= t.hosts)
    throw std::out_of_range("Router: host " + std::to_string(host) + " is not in 0.." + std::to_string(t.hosts - 1));
}

}  // namespace

Router::Router(const PhysicalTopology& topology)
    : topology_(&topology),
      parent_link_(static_cast<std::size_t>(topology.hosts)),
      paths_(static_cast<std::size_t>(topology.hosts)) {
  Adjacency adj = outgoing(topology);
  adjacency_start_ = std::move(adj.start);
  adjacency_link_ = std::move(adj.link);
}

std::span<const int> Router::path(int src_host, int dst_host) {
  check_host(*topology_, src_host);
  check_host(*topology_, dst_host);
  if (src_host == dst_host) return {};
  const auto s = static_cast<std::size_t>(src_host);
  auto& path = paths_[s][dst_host];
  if (path.empty()) {  // a path between different hosts has at least one link: empty means not yet built
    auto& parent = parent_link_[s];
    if (parent.empty()) parent = bfs_tree(*topology_, adjacency_start_, adjacency_link_, src_host);
    for (int v = dst_host; v != src_host;) {
      const int e = parent[static_cast<std::size_t>(v)];
      if (e < 0)
        throw std::logic_error("Router: host " + std::to_string(dst_host) + " cannot be reached from host " +
                               std::to_string(src_host));
      path.push_back(e);
      v = topology_->links[static_cast<std::size_t>(e)].from;
    }
    std::reverse(path.begin(), path.end());
  }
  return path;
}

double Router::latency_s(int src_host, int dst_host) {
  double sum = 0;
  for (int e : path(src_host, dst_host)) sum += topology_->links[static_cast<std::size_t>(e)].latency_s;
  return sum;
}

}  // namespace csgd
