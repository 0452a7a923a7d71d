// libFuzzer target: the LIBSVM reader (and load_dataset's label handling) on arbitrary bytes.
#include <cstdint>

#include "csgd/dataset.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  csgd::DatasetSpec spec;
  spec.name = "libsvm";
  spec.train_file = csgd::fuzz::scratch_file("train.libsvm", data, size);
  csgd::fuzz::expect_result_or_refusal([&] { (void)csgd::load_dataset<float>(spec, 1); });
  return 0;
}
