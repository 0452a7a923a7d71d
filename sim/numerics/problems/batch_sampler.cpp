#include "numerics/problems/batch_sampler.hpp"

#include <algorithm>
#include <utility>

namespace csgd {

BatchSampler::BatchSampler(std::span<const std::uint32_t> rows, Mode mode, std::size_t batch)
    : rows_(rows), mode_(mode), batch_(mode == Mode::full ? rows.size() : batch) {
  if (mode_ == Mode::shuffle) {
    order_.assign(rows.begin(), rows.end());
    pos_ = order_.size();  // the first call starts (and shuffles) the first pass
  }
  if (mode_ != Mode::full) buffer_.resize(batch_);
}

void BatchSampler::reshuffle(Rng& rng) {
  // Fisher–Yates with the worker's own stream, so the order depends on (seed, worker) only.
  for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
  pos_ = 0;
}

std::span<const std::uint32_t> BatchSampler::next(Rng& rng) {
  switch (mode_) {
    case Mode::full:
      return rows_;
    case Mode::replacement:
      for (auto& row : buffer_) row = rows_[rng.below(rows_.size())];
      return buffer_;
    case Mode::shuffle:
      break;
  }
  if (pos_ == order_.size()) reshuffle(rng);
  if (pos_ + batch_ <= order_.size()) {
    const std::span<const std::uint32_t> batch(order_.data() + pos_, batch_);
    pos_ += batch_;
    return batch;
  }
  // The pass ends inside this batch: take its remainder, then continue in a new pass.
  const std::size_t head = order_.size() - pos_;
  std::copy(order_.begin() + static_cast<std::ptrdiff_t>(pos_), order_.end(), buffer_.begin());
  reshuffle(rng);
  std::copy_n(order_.begin(), batch_ - head, buffer_.begin() + static_cast<std::ptrdiff_t>(head));
  pos_ = batch_ - head;
  return buffer_;
}

}  // namespace csgd
