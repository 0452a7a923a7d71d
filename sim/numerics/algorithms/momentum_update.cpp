#include "numerics/algorithms/momentum_update.hpp"

#include "csgd/algorithm.hpp"

namespace csgd {

template <class S>
void Algorithm<S>::local_step(WorkerState<S>& w, const Vector<S>& g, S gamma) const {
  if (nesterov_) {
    nesterov_step(beta_, gamma, g, w.x, w.u);
  } else {
    polyak_step(beta_, gamma, g, w.x, w.u);
  }
}

template class Algorithm<float>;
template class Algorithm<double>;

}  // namespace csgd
