#include "numerics/algorithms/node_average.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace csgd {
namespace {
constexpr Eigen::Index kBlock = 4096;  // coordinates per task: large enough to amortise scheduling
}

template <class S>
void node_average(std::span<const WorkerState<S>> workers, Vector<S> WorkerState<S>::*member, Vector<S>& out) {
  const Eigen::Index m = (workers.front().*member).size();
  const S inv_N = S(1) / static_cast<S>(workers.size());
  out.resize(m);
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, m, kBlock), [&](const auto& r) {
    auto block = out.segment(r.begin(), r.size());
    block = (workers[0].*member).segment(r.begin(), r.size());
    for (std::size_t j = 1; j < workers.size(); ++j) block += (workers[j].*member).segment(r.begin(), r.size());
    block *= inv_N;
  });
}

template <class S>
void replace_by_node_average(std::span<WorkerState<S>> workers, Vector<S> WorkerState<S>::*member) {
  const Eigen::Index m = (workers.front().*member).size();
  const S inv_N = S(1) / static_cast<S>(workers.size());
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, m, kBlock), [&](const auto& r) {
    Vector<S> block = (workers[0].*member).segment(r.begin(), r.size());
    for (std::size_t j = 1; j < workers.size(); ++j) block += (workers[j].*member).segment(r.begin(), r.size());
    block *= inv_N;
    for (auto& w : workers) (w.*member).segment(r.begin(), r.size()) = block;
  });
}

#define CSGD_INSTANTIATE(S)                                                                              \
  template void node_average<S>(std::span<const WorkerState<S>>, Vector<S> WorkerState<S>::*, Vector<S>&); \
  template void replace_by_node_average<S>(std::span<WorkerState<S>>, Vector<S> WorkerState<S>::*);
CSGD_INSTANTIATE(float)
CSGD_INSTANTIATE(double)
#undef CSGD_INSTANTIATE

}  // namespace csgd
