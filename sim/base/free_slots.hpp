#pragma once
// Reused slots: pools of objects that come and go (events, flows, pending messages) keep their
// dead slots' indices in a free list and hand those out before growing, so steady state
// allocates nothing. One or several parallel pools share the indices.
#include <vector>

namespace csgd {

namespace detail {
// Out of line and cold: a pool grows only while it warms up, and the per-message paths that
// take slots stay small enough for their callers to inline.
template <class Index, class Pool, class... More>
[[gnu::noinline, gnu::cold]] Index grow_slot(Pool& pool, More&... more) {
  const auto slot = static_cast<Index>(pool.size());  // the pools grow together
  pool.emplace_back();
  (more.emplace_back(), ...);
  return slot;
}
}  // namespace detail

// A free slot's index: the free list's last, or a new one grown at the end of every pool
// (default-constructed there). Giving a slot back is `free.push_back(slot)`.
template <class Index, class Pool, class... More>
Index take_slot(std::vector<Index>& free, Pool& pool, More&... more) {
  if (free.empty()) [[unlikely]]
    return detail::grow_slot<Index>(pool, more...);
  const Index slot = free.back();
  free.pop_back();
  return slot;
}

}  // namespace csgd
