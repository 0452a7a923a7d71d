#pragma once
// What every network model does with a message's byte count: check it, and add it to its
// sender's total (NetworkModel::bytes_sent).
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace csgd {

class BytesSent {
 public:
  explicit BytesSent(int hosts) : sent_(static_cast<std::size_t>(hosts), 0.0) {}

  // Refuses a byte count that is not finite or is negative (std::invalid_argument).
  // One comparison pair on every message's path: false for NaN, negatives and +inf alike.
  static void check(double bytes) {
    if (!(bytes >= 0 && bytes <= std::numeric_limits<double>::max())) [[unlikely]]
      refuse(bytes);
  }
  void add(int src, double bytes) { sent_[static_cast<std::size_t>(src)] += bytes; }  // src already checked

  double of(int host) const {
    if (host < 0 || static_cast<std::size_t>(host) >= sent_.size())
      throw std::out_of_range("bytes_sent: no host " + std::to_string(host));
    return sent_[static_cast<std::size_t>(host)];
  }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] static void refuse(double bytes) {
    throw std::invalid_argument("NetworkModel::send: bytes must be finite and ≥ 0, got " + std::to_string(bytes));
  }
  std::vector<double> sent_;
};

}  // namespace csgd
