// Shortest-hop routing: breadth-first search from the source, neighbours visited in ascending node
// id so that equal-length paths resolve towards lower ids, the same way on every run. A search
// stops as soon as it reaches the destination (BFS fixes a node's parent when it first sees it, so
// the path equals the full tree's), which keeps neighbour traffic cheap at 16k hosts; a search
// start asked for many destinations (a parameter server; the switch behind many single-link
// hosts, below) keeps its whole tree instead.
// ECMP: the search records hop counts instead of parents, and the path is walked back from the
// destination, each node picking among its predecessors one hop nearer the source by a hash of
// (source, destination, node). When the search reaches the destination at hop d, every node at
// hop < d is already labelled, so the stopped search and the whole tree give the same path.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
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

// Links grouped by their `from` node (outgoing) or `to` node (incoming), each group sorted by the
// node at the other end.
Adjacency adjacency(const PhysicalTopology& t, bool incoming) {
  const auto at = [&t, incoming](int e) { return incoming ? t.links[static_cast<std::size_t>(e)].to : t.links[static_cast<std::size_t>(e)].from; };
  const auto other = [&t, incoming](int e) { return incoming ? t.links[static_cast<std::size_t>(e)].from : t.links[static_cast<std::size_t>(e)].to; };
  Adjacency adj;
  adj.start.assign(static_cast<std::size_t>(t.nodes) + 1, 0);
  for (std::size_t e = 0; e < t.links.size(); ++e) ++adj.start[static_cast<std::size_t>(at(static_cast<int>(e))) + 1];
  for (std::size_t v = 0; v < static_cast<std::size_t>(t.nodes); ++v) adj.start[v + 1] += adj.start[v];
  adj.link.resize(t.links.size());
  std::vector<int> fill(adj.start.begin(), adj.start.end() - 1);
  for (std::size_t e = 0; e < t.links.size(); ++e)
    adj.link[static_cast<std::size_t>(fill[static_cast<std::size_t>(at(static_cast<int>(e)))]++)] = static_cast<int>(e);
  const auto by_other = [&other](int a, int b) { return other(a) != other(b) ? other(a) < other(b) : a < b; };
  for (std::size_t v = 0; v < static_cast<std::size_t>(t.nodes); ++v) {
    const auto first = adj.link.begin() + adj.start[v], last = adj.link.begin() + adj.start[v + 1];
    if (!std::is_sorted(first, last, by_other)) std::sort(first, last, by_other);  // generators mostly list them sorted
  }
  return adj;
}

// SplitMix64's finaliser: a well-mixed, platform-independent hash of a 64-bit key.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Search starts asked for more destinations than this keep their whole BFS tree (nodes ints each).
constexpr int kDestinationsBeforeTree = 8;
// A source's routes beyond its first few are scanned up to this many, hashed beyond.
constexpr std::size_t kScannedRoutes = 8;

[[noreturn, gnu::cold, gnu::noinline]] void no_host(const PhysicalTopology& t, int host) {
  throw std::out_of_range("Router: host " + std::to_string(host) + " is not in 0.." + std::to_string(t.hosts - 1));
}
// On the lookup path (new or overflowing routes): the check inlines, the message does not.
inline void check_host(const PhysicalTopology& t, int host) {
  if (host < 0 || host >= t.hosts) [[unlikely]]
    no_host(t, host);
}

}  // namespace

Router::Router(const PhysicalTopology& topology)
    : topology_(&topology),
      ecmp_(topology.routing == Routing::ecmp),
      known_(static_cast<std::size_t>(topology.hosts)),
      asked_(static_cast<std::size_t>(topology.nodes), 0),
      tree_(static_cast<std::size_t>(topology.nodes)) {
  Adjacency out = adjacency(topology, false);
  adjacency_start_ = std::move(out.start);
  adjacency_link_ = std::move(out.link);
  if (ecmp_) {
    Adjacency in = adjacency(topology, true);
    incoming_start_ = std::move(in.start);
    incoming_link_ = std::move(in.link);
  }
}

// Breadth-first from `source` into label: the directed link by which each node was first reached
// (shortest) or its hop count (ecmp); valid where scratch_seen_ == the epoch returned. Stops once
// `target` is reached (−1: the whole tree).
unsigned Router::search(int source, int target, std::vector<int>& label) {
  const auto& links = topology_->links;
  scratch_seen_.resize(label.size(), 0);
  if (++scratch_epoch_ == 0) {  // wrapped: forget every old mark
    std::fill(scratch_seen_.begin(), scratch_seen_.end(), 0u);
    scratch_epoch_ = 1;
  }
  const unsigned epoch = scratch_epoch_;
  auto& seen = scratch_seen_;
  queue_.assign(1, source);
  seen[static_cast<std::size_t>(source)] = epoch;
  if (ecmp_) label[static_cast<std::size_t>(source)] = 0;
  for (std::size_t head = 0; head < queue_.size(); ++head) {
    const auto u = static_cast<std::size_t>(queue_[head]);
    for (int i = adjacency_start_[u]; i < adjacency_start_[u + 1]; ++i) {
      const int e = adjacency_link_[static_cast<std::size_t>(i)];
      const int v = links[static_cast<std::size_t>(e)].to;
      if (seen[static_cast<std::size_t>(v)] == epoch) continue;
      seen[static_cast<std::size_t>(v)] = epoch;
      label[static_cast<std::size_t>(v)] = ecmp_ ? label[u] + 1 : e;
      if (v == target) return epoch;
      queue_.push_back(v);
    }
  }
  return epoch;
}

Router::Route Router::look_up(int src_host, int dst_host) {
  check_host(*topology_, src_host);
  check_host(*topology_, dst_host);
  if (src_host == dst_host) return {};
  const Known& k = known_[static_cast<std::size_t>(src_host)];
  for (int i = 0; i < std::min(k.count, kInPlace); ++i)
    if (k.first[i].dst == dst_host) return stored(k.first[i]);
  if (k.more) {
    if (k.more->index.empty()) {
      for (const Entry& e : k.more->entries)
        if (e.dst == dst_host) return stored(e);
    } else if (const auto it = k.more->index.find(dst_host); it != k.more->index.end()) {
      return stored(k.more->entries[static_cast<std::size_t>(it->second)]);
    }
  }
  return build_route(src_host, dst_host);
}

// Latency then links, in blocks that never move (routes handed out point into them).
const int* Router::store(std::span<const int> links, double latency_s) {
  static_assert(sizeof(double) == 2 * sizeof(int));
  constexpr std::size_t kBlock = 1 << 16;  // ints
  const std::size_t need = 2 + links.size();
  if (need > block_left_) {
    const std::size_t size = std::max(kBlock, need);
    blocks_.push_back(std::make_unique<int[]>(size));
    block_left_ = size;
  }
  int* at = blocks_.back().get() + (need > kBlock ? 0 : kBlock - block_left_);
  block_left_ -= need;
  std::memcpy(at, &latency_s, sizeof latency_s);
  std::copy(links.begin(), links.end(), at + 2);
  return at + 2;
}

// ECMP: the link into v from one of its predecessors one hop nearer the source (hops_to gives a
// node's hop count, −1 if unreached), picked by a hash of (source, destination, v).
int Router::ecmp_hop(int src_host, int dst_host, int v, const std::function<int(int)>& hops_to) {
  const int want = hops_to(v) - 1;
  const auto u = static_cast<std::size_t>(v);
  const auto nearer = [&](int e) { return hops_to(topology_->links[static_cast<std::size_t>(e)].from) == want; };
  int count = 0;
  for (int i = incoming_start_[u]; i < incoming_start_[u + 1]; ++i) count += nearer(incoming_link_[static_cast<std::size_t>(i)]);
  const std::uint64_t pair = static_cast<std::uint64_t>(src_host) << 32 | static_cast<std::uint32_t>(dst_host);
  auto pick = static_cast<int>(mix(mix(pair) ^ static_cast<std::uint64_t>(v)) % static_cast<std::uint64_t>(count));
  for (int i = incoming_start_[u];; ++i) {
    const int e = incoming_link_[static_cast<std::size_t>(i)];
    if (nearer(e) && pick-- == 0) return e;
  }
}

// A host with a single link reaches everything through its one neighbour, and a search from the
// host finds every other node in the order a search from that neighbour does (the host itself
// leads nowhere else), with one hop more: so its routes are that link followed by the
// neighbour's path, and the hosts behind one switch share the switch's search.
Router::Route Router::build_route(int src_host, int dst_host) {
  const auto& links = topology_->links;
  const auto s = static_cast<std::size_t>(src_host);
  int from = src_host, first_link = -1;
  if (adjacency_start_[s + 1] - adjacency_start_[s] == 1) {
    first_link = adjacency_link_[static_cast<std::size_t>(adjacency_start_[s])];
    from = links[static_cast<std::size_t>(first_link)].to;
  }
  path_.clear();
  if (from != dst_host) {
    const auto f = static_cast<std::size_t>(from);
    const auto nodes = static_cast<std::size_t>(topology_->nodes);
    auto& tree = tree_[f];
    if (tree.empty() && ++asked_[f] > kDestinationsBeforeTree) {
      tree.assign(nodes, -1);  // −1: not reachable
      search(from, -1, tree);
    }
    unsigned epoch = 0;  // with a kept tree: unused
    if (tree.empty()) {
      scratch_parent_.resize(nodes);
      epoch = search(from, dst_host, scratch_parent_);
    }
    // The label of node v in this search, −1 where it was not reached.
    const auto label = [&](int v) {
      const auto i = static_cast<std::size_t>(v);
      return !tree.empty() ? tree[i] : scratch_seen_[i] == epoch ? scratch_parent_[i] : -1;
    };
    for (int v = dst_host; v != from;) {
      const int e = label(v) < 0 ? -1 : ecmp_ ? ecmp_hop(src_host, dst_host, v, label) : label(v);
      if (e < 0) {
        throw std::logic_error("Router: host " + std::to_string(dst_host) + " cannot be reached from host " +
                               std::to_string(src_host));
      }
      path_.push_back(e);
      v = links[static_cast<std::size_t>(e)].from;
    }
  }
  if (first_link >= 0) path_.push_back(first_link);
  std::reverse(path_.begin(), path_.end());
  double latency = 0;
  for (int e : path_) latency += links[static_cast<std::size_t>(e)].latency_s;
  const Entry entry{dst_host, static_cast<int>(path_.size()), store(path_, latency)};
  Known& known = known_[s];
  if (known.count < kInPlace) {
    known.first[known.count] = entry;
  } else {
    if (!known.more) known.more = std::make_unique<Overflow>();
    auto& more = *known.more;
    more.entries.push_back(entry);
    const int at = static_cast<int>(more.entries.size()) - 1;
    if (more.entries.size() == kScannedRoutes + 1)
      for (int i = 0; i <= at; ++i) more.index.emplace(more.entries[static_cast<std::size_t>(i)].dst, i);
    else if (!more.index.empty())
      more.index.emplace(dst_host, at);
  }
  ++known.count;
  return {{entry.links, path_.size()}, latency};
}

}  // namespace csgd
