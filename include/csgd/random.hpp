#pragma once
// Portable random numbers: xoshiro256** seeded through splitmix64 from (seed, stream).
// Every worker owns one stream, so results never depend on thread scheduling, and the
// generators are our own code, so the bits do not depend on the standard library either.
#include <array>
#include <cstdint>

namespace csgd {

// Named stream ids keep independent consumers of one seed apart.
namespace stream {
inline constexpr std::uint64_t init = 0x1000;       // model initialisation
inline constexpr std::uint64_t partition = 0x2000;  // data partition across workers
inline constexpr std::uint64_t problem = 0x3000;    // problem construction (synthetic b_i, generated data)
inline constexpr std::uint64_t output = 0x4000;     // output iterate R (Remark 2)
inline constexpr std::uint64_t worker(int i) { return 0x10000 + static_cast<std::uint64_t>(i); }
inline constexpr std::uint64_t compute(int i) { return 0x20000000 + static_cast<std::uint64_t>(i); }  // step times
}  // namespace stream

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream_id);

  std::uint64_t next();
  double uniform();                      // [0, 1), 53 random bits
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), unbiased; n > 0
  double normal();                       // standard normal (Marsaglia polar method)
  double gamma(double shape);            // Gamma(shape, 1), shape > 0 (Marsaglia–Tsang)

 private:
  std::array<std::uint64_t, 4> s_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace csgd
