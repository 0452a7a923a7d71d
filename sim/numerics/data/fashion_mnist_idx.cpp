// Fashion-MNIST in the IDX format (big-endian header, then raw bytes), read through zlib.
// gzopen also reads uncompressed files transparently, so unpacked copies work too.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>
#include <system_error>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/dataset_registry.hpp"
#include "csgd/require.hpp"
#include "numerics/data/readers.hpp"

namespace csgd::data {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned byte, 1 dimension
// Plausibility limits, so a corrupt header is reported instead of attempting a huge allocation.
constexpr std::uint32_t kMaxItems = 100'000'000, kMaxSide = 4096;
constexpr std::size_t kChunk = std::size_t{1} << 20;

std::string hex32(std::uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// The .gz name, or the unpacked name when only that one exists.
fs::path locate(const fs::path& dir, const std::string& name) {
  const fs::path gz = dir / (name + ".gz"), plain = dir / name;
  std::error_code ec;
  if (fs::exists(gz, ec)) return gz;
  if (fs::exists(plain, ec)) return plain;
  std::string why =
      fs::is_directory(dir, ec) ? "not found" : "not found (folder '" + dir.string() + "' does not exist)";
  throw InputError("Fashion-MNIST file '" + gz.string() + "' " + why +
                   ": install the Debian package `dataset-fashion-mnist` (apt-get install dataset-fashion-mnist) "
                   "or set problem.dataset.path to the folder holding the IDX files");
}

// One open IDX file; every failure names the file and what is wrong with it.
class GzReader {
 public:
  explicit GzReader(fs::path path) : path_(std::move(path)), file_(open(path_)) {
    if (!file_) fail(std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
    gzbuffer(file_, 1u << 18);  // larger than the 8 KiB default: fewer read() calls
  }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;
  ~GzReader() { gzclose(file_); }

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("Fashion-MNIST file '" + path_.string() + "' is unusable: " + what);
  }

  // Reads exactly n bytes of `what`; a short read means truncated or corrupt data.
  void read_exact(unsigned char* dst, std::size_t n, const char* what) {
    for (std::size_t done = 0; done < n;) {
      const auto want = static_cast<unsigned>(std::min<std::size_t>(n - done, INT_MAX / 2));
      const int got = gzread(file_, dst + done, want);
      if (got <= 0) {
        // zlib decompresses ahead of us, so a gzip error need not concern `what` itself.
        int code = Z_OK;
        const std::string why = zlib_error(code);
        if (code == Z_OK) fail(std::string("truncated: the file ends inside the ") + what);
        fail((code == Z_BUF_ERROR ? "truncated gzip data (" : "corrupt gzip data (") + why + ")");
      }
      done += static_cast<std::size_t>(got);
    }
  }

  std::uint32_t read_u32(const char* what) {
    std::array<unsigned char, 4> b{};
    read_exact(b.data(), b.size(), what);
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
  }

  // Reading past the end also makes zlib verify the gzip checksum.
  void expect_end() {
    unsigned char extra[64];
    const int got = gzread(file_, extra, sizeof extra);
    if (int code = Z_OK; got < 0) fail("corrupt gzip data (" + zlib_error(code) + ")");
    if (got > 0) fail("has data after the last item (the header's item count is wrong)");
  }

 private:
  static gzFile open(const fs::path& path) {
    require_regular_file(path, "a Fashion-MNIST IDX file");  // not a directory or an endless device
    errno = 0;  // gzopen leaves errno set on a system error, untouched when out of memory
    return gzopen(path.c_str(), "rb");
  }

  // zlib's message without the "path: " prefix it adds (our messages name the file already).
  std::string zlib_error(int& code) {
    std::string msg = gzerror(file_, &code);
    if (code == Z_ERRNO) return std::strerror(errno);
    const std::string prefix = path_.string() + ": ";
    return msg.starts_with(prefix) ? msg.substr(prefix.size()) : msg;
  }

  fs::path path_;
  gzFile file_;
};

std::uint32_t read_header(GzReader& in, std::uint32_t magic, const char* kind) {
  const std::uint32_t got = in.read_u32("header");
  if (got != magic)
    in.fail(std::string("not an IDX ") + kind + " file (magic number " + hex32(got) + ", expected " + hex32(magic) +
            ")");
  const std::uint32_t n = in.read_u32("header");
  if (n == 0 || n > kMaxItems) in.fail("implausible item count " + std::to_string(n) + " in the header");
  return n;
}

struct ImageHeader {
  std::uint32_t n = 0, rows = 0, cols = 0;
};

ImageHeader read_image_header(GzReader& in) {
  ImageHeader h;
  h.n = read_header(in, kImagesMagic, "image");
  h.rows = in.read_u32("header");
  h.cols = in.read_u32("header");
  if (h.rows == 0 || h.cols == 0 || h.rows > kMaxSide || h.cols > kMaxSide)
    in.fail("implausible image size " + std::to_string(h.rows) + "x" + std::to_string(h.cols) + " in the header");
  return h;
}

// Converts straight from a chunk buffer into the matrix: one pass, no full-size byte copy.
template <class S>
Matrix<S> read_pixels(GzReader& in, const ImageHeader& h) {
  std::array<S, 256> scale{};  // exact x/255 for every byte value
  for (int v = 0; v < 256; ++v) scale[static_cast<std::size_t>(v)] = static_cast<S>(v / 255.0);

  require_fits_in_memory(static_cast<double>(h.n) * h.rows * h.cols * sizeof(S), "the IDX header's images",
                         std::to_string(h.n) + " images of " + std::to_string(h.rows) + "x" + std::to_string(h.cols) + " pixels");
  Matrix<S> features(Eigen::Index{h.rows} * h.cols, Eigen::Index{h.n});  // IDX image k = column k
  const std::size_t total = static_cast<std::size_t>(features.size());
  // Inflating a chunk and converting one (which also first-touches the matrix's pages) take
  // about as long as each other, so a second thread inflates chunk k+1 while this one converts
  // chunk k. The future's get() passes a read error on; its destructor waits for the reader.
  std::array<std::vector<unsigned char>, 2> buf;
  buf[0].resize(std::min(total, kChunk));
  buf[1].resize(buf[0].size());
  S* out = features.data();
  std::size_t len = std::min(kChunk, total);
  in.read_exact(buf[0].data(), len, "pixel data");
  for (std::size_t done = 0, k = 0; done < total; k ^= 1) {
    const std::size_t next_len = std::min(kChunk, total - done - len);
    std::future<void> next;
    const auto read_next = [&in, &b = buf[k ^ 1], next_len] { in.read_exact(b.data(), next_len, "pixel data"); };
    if (next_len > 0) {
      try {
        next = std::async(std::launch::async, read_next);
      } catch (const std::system_error&) {  // no thread to be had: read it here, after converting
        next = std::async(std::launch::deferred, read_next);
      }
    }
    const unsigned char* bytes = buf[k].data();
    for (std::size_t j = 0; j < len; ++j) out[done + j] = scale[bytes[j]];
    if (next.valid()) next.get();
    done += len;
    len = next_len;
  }
  in.expect_end();
  return features;
}

std::vector<double> read_labels(const fs::path& path) {
  GzReader in(path);
  const std::uint32_t n = read_header(in, kLabelsMagic, "label");
  std::vector<unsigned char> bytes(n);
  in.read_exact(bytes.data(), bytes.size(), "labels");
  in.expect_end();
  return {bytes.begin(), bytes.end()};
}

// Labels first: they are small, and their count is checked before the pixels are allocated.
template <class S>
Dataset<S> read_split(const fs::path& dir, const std::string& prefix, const std::string& source) {
  const fs::path images = locate(dir, prefix + "-images-idx3-ubyte"),
                 labels = locate(dir, prefix + "-labels-idx1-ubyte");
  Dataset<S> set;
  set.y = read_labels(labels);
  GzReader in(images);
  const ImageHeader header = read_image_header(in);
  if (header.n != set.y.size())
    throw InputError("Fashion-MNIST files disagree: '" + images.string() + "' holds " + std::to_string(header.n) +
                     " images but '" + labels.string() + "' holds " + std::to_string(set.y.size()) + " labels");
  set.features = read_pixels<S>(in, header);
  set.source = source;
  set.channels = 1;  // grey images, rows × cols
  set.height = static_cast<int>(header.rows), set.width = static_cast<int>(header.cols);
  return set;
}

}  // namespace

template <class S>
RawTrainTest<S> read_fashion_mnist(const DatasetSpec& spec) {
  const fs::path dir(spec.path);
  const std::string source = "fashion-mnist (" + spec.path + ")";
  RawTrainTest<S> out{read_split<S>(dir, "train", source), read_split<S>(dir, "t10k", source)};
  if (out.test->dim() != out.train.dim())
    throw InputError("Fashion-MNIST in '" + spec.path + "': test images have " + std::to_string(out.test->dim()) +
                     " pixels but training images have " + std::to_string(out.train.dim()));
  return out;
}

template RawTrainTest<float> read_fashion_mnist<float>(const DatasetSpec&);
template RawTrainTest<double> read_fashion_mnist<double>(const DatasetSpec&);

namespace {

const bool registered = DatasetRegistry::add({
    .name = "fashion-mnist",
    .help = "Fashion-MNIST, 60,000 + 10,000 28×28 images in 10 classes (Debian package dataset-fashion-mnist)",
    .order = 1,
    .keys = {{"path", &DatasetSpec::path, "folder of the IDX files (default /usr/share/datasets/fashion-mnist)",
              KeyUnit::path}},
    .read_float = [](const DatasetSpec& s, std::uint64_t) { return read_fashion_mnist<float>(s); },
    .read_double = [](const DatasetSpec& s, std::uint64_t) { return read_fashion_mnist<double>(s); },
});

}  // namespace
}  // namespace csgd::data
