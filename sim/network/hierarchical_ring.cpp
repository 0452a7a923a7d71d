// Hierarchical (2-D) ring all-reduce over hosts laid out row-major in rows × cols (host
// r·cols + c): (1) ring reduce-scatter along each row, chunks of M/cols, cols−1 steps — host
// (r, c) ends with one shard of M/cols reduced over its row, the same shard index as every host
// of its column; (2) ring all-reduce of that shard along each column, chunks M/(rows·cols),
// 2(rows−1) steps; (3) ring all-gather along each row, chunks M/cols, cols−1 steps. Rows map to
// a torus or mesh row or to the hosts of one leaf switch, so phases 1 and 3 stay local. Steps are
// send-receive pairs as in ring_allreduce.cpp.
#include <fmt/format.h>

#include "csgd/collective_registry.hpp"
#include "csgd/errors.hpp"
#include "network/collective_program.hpp"

namespace csgd {
namespace {

class HierarchicalRing final : public CollectiveProgram {
 public:
  HierarchicalRing(int rows, int cols, double M) : rows_(rows), cols_(cols), M_(M) {}

  int hosts() const override { return rows_ * cols_; }
  int steps(int) const override { return 2 * (cols_ - 1) + 2 * (rows_ - 1); }

  CollectiveStep step(int host, int s) const override {
    const int r = host / cols_, c = host % cols_;
    const int column_begin = cols_ - 1, gather_begin = column_begin + 2 * (rows_ - 1);
    if (s >= column_begin && s < gather_begin) {
      return {.send_to = ((r + 1) % rows_) * cols_ + c, .send_bytes = M_ / (rows_ * cols_), .dst_step = s,
              .recv_from = ((r + rows_ - 1) % rows_) * cols_ + c, .await_send = true};
    }
    return {.send_to = r * cols_ + (c + 1) % cols_, .send_bytes = M_ / cols_, .dst_step = s,
            .recv_from = r * cols_ + (c + cols_ - 1) % cols_, .await_send = true};
  }

 private:
  int rows_, cols_;
  double M_;
};

}  // namespace

std::unique_ptr<CollectiveProgram> hierarchical_ring_program(int rows, int cols, double M) {
  return std::make_unique<HierarchicalRing>(rows, cols, M);
}

namespace {

const bool registered = CollectiveRegistry::add({
    .name = "hierarchical-ring",
    .help = "2-D: ring reduce-scatter along rows, ring all-reduce of the shards along columns, ring all-gather along rows",
    .program = [](const CollectiveSpec& c, int, double M) { return hierarchical_ring_program(c.rows, c.cols, M); },
    .validate = [](const CollectiveSpec& c, int N) {
      if (c.rows * c.cols != N)
        throw ValidationError("collective", fmt::format("hierarchical-ring needs a rows × cols layout of the {} hosts "
                                                        "(a torus, mesh or leaf-spine topology); got {} × {}", N, c.rows, c.cols));
    },
});

}  // namespace
}  // namespace csgd
