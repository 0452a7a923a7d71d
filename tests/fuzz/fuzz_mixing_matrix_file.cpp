// libFuzzer target: a W file through the reader and every check of a mixing matrix (square,
// finite, symmetric, doubly stochastic, non-negative, connected) and its spectrum.
#include <cstdint>

#include "csgd/mixing_matrix.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = csgd::fuzz::scratch_file("W.txt", data, size);
  csgd::fuzz::expect_result_or_refusal([&] {
    csgd::MixingSpec spec;
    spec.topology = "file";
    spec.file = path;
    for (int N : {2, 4}) (void)csgd::build_mixing_matrix(spec, N, nullptr);
  });
  return 0;
}
