#pragma once
// Which rows of a worker's partition form its next mini-batch: ξ_i ~ D_i of eq. (1).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "csgd/random.hpp"

namespace csgd {

class BatchSampler {
 public:
  enum class Mode {
    shuffle,      // local passes over a fresh permutation; a batch may straddle two passes
    replacement,  // b independent uniform draws
    full,         // the whole partition, in order (the exact gradient of f_i)
  };

  // `rows` must outlive the sampler; batch ≤ rows.size() (the problem checks it); `full` ignores it.
  BatchSampler(std::span<const std::uint32_t> rows, Mode mode, std::size_t batch);

  std::size_t batch_size() const { return batch_; }
  // The rows of the next batch (exactly batch_size() of them), valid until the next call.
  std::span<const std::uint32_t> next(Rng& rng);

 private:
  void reshuffle(Rng& rng);

  std::span<const std::uint32_t> rows_;
  Mode mode_;
  std::size_t batch_;
  std::vector<std::uint32_t> order_;   // shuffle: the current pass's permutation
  std::size_t pos_ = 0;                // shuffle: rows of the current pass already used
  std::vector<std::uint32_t> buffer_;  // batches that are not a contiguous piece of order_
};

}  // namespace csgd
