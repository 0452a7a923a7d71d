// libFuzzer target: the Fashion-MNIST IDX reader. The input is the training-image file (plain or
// gzip); the labels are a valid file whose item count is taken from the input's header, so that
// the image parser is reached; the test split is a valid 1-image set.
#include <cstdint>
#include <string>
#include <vector>

#include "csgd/dataset.hpp"
#include "fuzz_support.hpp"

namespace {
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
void write(const std::string& name, const std::vector<std::uint8_t>& bytes) {
  csgd::fuzz::scratch_file(name, bytes.data(), bytes.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::uint32_t n = 1;
  if (size >= 8) n = std::uint32_t{data[4]} << 24 | std::uint32_t{data[5]} << 16 | std::uint32_t{data[6]} << 8 | data[7];
  if (n == 0 || n > 4096) n = 1;  // labels for a plausible count; the header may still disagree
  std::vector<std::uint8_t> labels;
  put_u32(labels, 0x801);
  put_u32(labels, n);
  labels.resize(labels.size() + n, 3);
  write("train-labels-idx1-ubyte", labels);
  std::vector<std::uint8_t> test_images, test_labels;
  put_u32(test_images, 0x803);
  put_u32(test_images, 1);
  put_u32(test_images, 2);
  put_u32(test_images, 2);
  test_images.resize(test_images.size() + 4, 7);
  put_u32(test_labels, 0x801);
  put_u32(test_labels, 1);
  test_labels.push_back(3);
  write("t10k-images-idx3-ubyte", test_images);
  write("t10k-labels-idx1-ubyte", test_labels);
  csgd::fuzz::scratch_file("train-images-idx3-ubyte", data, size);
  csgd::DatasetSpec spec;
  spec.name = "fashion-mnist";
  spec.path = csgd::fuzz::scratch_dir().string();
  csgd::fuzz::expect_result_or_refusal([&] { (void)csgd::load_dataset<float>(spec, 1); });
  return 0;
}
