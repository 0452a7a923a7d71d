#pragma once
// The local momentum step every algorithm shares. Option I (Polyak) is eq. (4), Option II
// (Nesterov) is eq. (5); Algorithm 2's (16)/(17) are the same updates written with tildes.
#include "csgd/linalg.hpp"

namespace csgd {

// Option I, eq. (4): u ← βu + g;  x ← x − γu.
template <class S>
void polyak_step(S beta, S gamma, const Vector<S>& g, Vector<S>& x, Vector<S>& u) {
  u = beta * u + g;
  x -= gamma * u;
}

// Option II, eq. (5): u ← βu + g;  v = βu + g;  x ← x − γv.
template <class S>
void nesterov_step(S beta, S gamma, const Vector<S>& g, Vector<S>& x, Vector<S>& u) {
  u = beta * u + g;
  x -= gamma * (beta * u + g);
}

}  // namespace csgd
