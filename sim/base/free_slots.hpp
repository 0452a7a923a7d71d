#pragma once
// Reused slots: pools of objects that come and go (events, flows, pending messages) keep their
// dead slots' indices in a free list and hand those out before growing, so steady state
// allocates nothing. One or several parallel pools share the indices.
#include <vector>

namespace csgd {

namespace detail {
// Room for one more element, doubling as push_back would.
template <class Pool> void reserve_one(Pool& pool) {
  if (pool.size() == pool.capacity()) pool.reserve(pool.empty() ? 8 : 2 * pool.size());
}

// Out of line and cold: a pool grows only while it warms up, and the per-message paths that
// take slots stay small enough for their callers to inline. Every pool makes room first, so an
// allocation that fails leaves them all the same size.
template <class Index, class Pool, class... More>
[[gnu::noinline, gnu::cold]] Index grow_slot(Pool& pool, More&... more) {
  reserve_one(pool);
  (reserve_one(more), ...);
  const auto slot = static_cast<Index>(pool.size());
  pool.emplace_back();  // default constructors that do not throw: nothing below can fail
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
