#pragma once
// NumPy .npy (format 1.0) writer for a flat parameter vector: np.load("model.npy") reads it.
#include <filesystem>
#include <span>
#include <string>

namespace csgd {

template <class S> std::string npy_bytes(std::span<const S> values);  // header + little-endian data
template <class S> void write_npy(const std::filesystem::path& file, std::span<const S> values);

}  // namespace csgd
