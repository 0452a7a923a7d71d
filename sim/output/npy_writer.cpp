#include "output/npy_writer.hpp"

#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "output/run_folder.hpp"

namespace csgd {

template <class S> std::string npy_bytes(std::span<const S> values) {
  static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian host");
  std::string header = fmt::format("{{'descr': '<f{}', 'fortran_order': False, 'shape': ({},), }}", sizeof(S),
                                   values.size());
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of
  // 64 bytes and ended by '\n', as the format specifies.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  const std::size_t offset = out.size();
  out.resize(offset + values.size_bytes());
  std::memcpy(out.data() + offset, values.data(), values.size_bytes());
  return out;
}

template <class S> void write_npy(const std::filesystem::path& file, std::span<const S> values) {
  write_file_atomically(file, npy_bytes(values));
}

template std::string npy_bytes<float>(std::span<const float>);
template std::string npy_bytes<double>(std::span<const double>);
template void write_npy<float>(const std::filesystem::path&, std::span<const float>);
template void write_npy<double>(const std::filesystem::path&, std::span<const double>);

}  // namespace csgd
