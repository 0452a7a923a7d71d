#pragma once
// What numerics and timing share, and nothing else: what each iteration does, as the clock sees
// it. An algorithm says which iterations end in a communication round and what that round
// carries; a clock turns that into simulated seconds. Algorithms include this header, never the
// network or the engine.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace csgd {

// A communication round as the algorithm performs it.
enum class RoundKind {
  all_reduce,          // every worker ends with the average (Algorithm 1 and its baselines)
  neighbour_exchange,  // every worker sends its payload to each neighbour of W (Algorithm 2)
};

struct CommRound {
  RoundKind kind = RoundKind::all_reduce;
  double payload_bytes = 0;  // M: what one worker contributes (x and u: 2 copies; x only: 1)
};

// What one iteration does, as the clock sees it.
struct IterationOps {
  std::span<const double> gradient_flops;  // per worker
  std::optional<CommRound> round;          // after the local step, if this iteration syncs
};

// What iteration t (1-based) does; must be a pure function of t.
using Schedule = std::function<IterationOps(std::int64_t t)>;

}  // namespace csgd
