#include <doctest/doctest.h>
#include <zlib.h>

#include <Eigen/QR>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "csgd/dataset.hpp"
#include "csgd/errors.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using csgd::DatasetSpec;
using csgd::InputError;
using csgd::testing::TempDir;

namespace {

const std::string kFashionMnist = "/usr/share/datasets/fashion-mnist";

using Bytes = std::vector<unsigned char>;

void put_u32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

Bytes idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols, const Bytes& pixels) {
  Bytes b;
  put_u32(b, 0x803);
  put_u32(b, n);
  put_u32(b, rows);
  put_u32(b, cols);
  b.insert(b.end(), pixels.begin(), pixels.end());
  return b;
}

Bytes idx_labels(const Bytes& labels) {
  Bytes b;
  put_u32(b, 0x801);
  put_u32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

void write_gz(const fs::path& path, const Bytes& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

// A tiny valid Fashion-MNIST folder: 3 train images of 2x2 pixels, 2 test images.
void write_tiny_idx(const fs::path& dir) {
  write_gz(dir / "train-images-idx3-ubyte.gz", idx_images(3, 2, 2, {0, 51, 102, 255, 1, 2, 3, 4, 10, 20, 30, 40}));
  write_gz(dir / "train-labels-idx1-ubyte.gz", idx_labels({7, 2, 7}));
  write_gz(dir / "t10k-images-idx3-ubyte.gz", idx_images(2, 2, 2, {255, 0, 0, 0, 0, 0, 0, 255}));
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", idx_labels({2, 7}));
}

DatasetSpec fashion_at(const fs::path& dir) {
  DatasetSpec spec;
  spec.name = "fashion-mnist";
  spec.path = dir.string();
  return spec;
}

DatasetSpec libsvm(const fs::path& train, const fs::path& test = {}, int features = 0) {
  DatasetSpec spec;
  spec.name = "libsvm";
  spec.train_file = train.string();
  spec.test_file = test.string();
  spec.features = features;
  return spec;
}

// The InputError message of loading `spec`, or "" when it loads.
template <class S = double>
std::string load_error(const DatasetSpec& spec) {
  try {
    csgd::load_dataset<S>(spec, 1);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

DatasetSpec generated(bool regression = false) {
  DatasetSpec spec;
  spec.name = "generated";
  spec.samples = 600;
  spec.test_samples = 300;
  spec.generated_features = 8;
  spec.classes = 3;
  spec.noise = 0.5;
  spec.regression = regression;
  return spec;
}

}  // namespace

TEST_CASE("the real Fashion-MNIST loads as 60000 train and 10000 test images of 784 pixels in [0,1]") {
  const auto start = std::chrono::steady_clock::now();
  const auto data = csgd::load_dataset<float>(fashion_at(kFashionMnist), 1);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // A figure, not a check: a time bound flakes on a shared machine (and takes 6 s under ASan at -O0).
  MESSAGE("Fashion-MNIST (float, train + test) loaded in " << seconds << " s");

  const auto& train = *data.train;
  REQUIRE(data.test != nullptr);
  const auto& test = *data.test;
  CHECK(train.dim() == 784);
  CHECK(train.size() == 60000);
  CHECK(test.dim() == 784);
  CHECK(test.size() == 10000);
  CHECK(train.features.minCoeff() == 0.0f);
  CHECK(train.features.maxCoeff() == 1.0f);
  CHECK(test.features.minCoeff() >= 0.0f);
  CHECK(test.features.maxCoeff() <= 1.0f);
  CHECK(contains(train.source, kFashionMnist));

  REQUIRE(train.num_classes() == 10);
  CHECK(test.label_values == train.label_values);
  for (int c = 0; c < 10; ++c) CHECK(train.label_values[static_cast<std::size_t>(c)] == c);
  std::vector<int> train_counts(10, 0), test_counts(10, 0);
  for (const auto c : train.classes) ++train_counts.at(static_cast<std::size_t>(c));
  for (const auto c : test.classes) ++test_counts.at(static_cast<std::size_t>(c));
  for (int c = 0; c < 10; ++c) {
    CHECK(train_counts[static_cast<std::size_t>(c)] == 6000);
    CHECK(test_counts[static_cast<std::size_t>(c)] == 1000);
  }
  // Known first items: train labels start 9, 0, 0, 3 and image 0's bytes sum to 76247,
  // which pins byte order and the sample-per-column layout.
  CHECK(train.y[0] == 9);
  CHECK(train.y[3] == 3);
  CHECK(test.y[0] == 9);
  CHECK(train.features.col(0).cast<double>().sum() * 255.0 == doctest::Approx(76247).epsilon(1e-6));
}

TEST_CASE("IDX pixels become x/255, one image per column, with classes from the sorted labels") {
  TempDir dir;
  write_tiny_idx(dir.path());
  const auto data = csgd::load_dataset<double>(fashion_at(dir.path()), 1);
  const auto& f = data.train->features;
  REQUIRE(f.rows() == 4);
  REQUIRE(f.cols() == 3);
  CHECK(f(0, 0) == 0.0);
  CHECK(f(1, 0) == 51.0 / 255.0);
  CHECK(f(3, 0) == 1.0);
  CHECK(f(0, 1) == 1.0 / 255.0);
  CHECK(f(3, 2) == 40.0 / 255.0);
  CHECK(data.train->label_values == std::vector<double>{2, 7});
  CHECK(data.train->classes == std::vector<std::int32_t>{1, 0, 1});
  CHECK(data.test->classes == std::vector<std::int32_t>{0, 1});
  CHECK(data.test->features(3, 1) == 1.0);
}

TEST_CASE("a missing Fashion-MNIST folder is an InputError naming the file path and the Debian package") {
  const fs::path dir = fs::temp_directory_path() / "csgd_no_such_folder_for_tests";
  fs::remove_all(dir);
  const std::string msg = load_error(fashion_at(dir));
  CHECK(contains(msg, (dir / "train-images-idx3-ubyte.gz").string()));
  CHECK(contains(msg, "apt-get install dataset-fashion-mnist"));
  CHECK(contains(msg, "problem.dataset.path"));
}

TEST_CASE("one missing Fashion-MNIST file is named in the error") {
  TempDir dir;
  write_tiny_idx(dir.path());
  fs::remove(dir.path() / "t10k-labels-idx1-ubyte.gz");
  const std::string msg = load_error(fashion_at(dir.path()));
  CHECK(contains(msg, (dir.path() / "t10k-labels-idx1-ubyte.gz").string()));
  CHECK(contains(msg, "dataset-fashion-mnist"));
}

TEST_CASE("a truncated gzip file is an InputError naming the file and saying it is truncated") {
  TempDir dir;
  write_tiny_idx(dir.path());
  // Big enough that cutting the compressed stream in half loses pixel data.
  Bytes pixels(500 * 4);
  for (std::size_t k = 0; k < pixels.size(); ++k) pixels[k] = static_cast<unsigned char>((k * 7919) % 251);
  const fs::path images = dir.path() / "train-images-idx3-ubyte.gz";
  write_gz(images, idx_images(500, 2, 2, pixels));
  write_gz(dir.path() / "train-labels-idx1-ubyte.gz", idx_labels(Bytes(500, 1)));
  fs::resize_file(images, fs::file_size(images) / 2);
  const std::string msg = load_error(fashion_at(dir.path()));
  CHECK(contains(msg, images.string()));
  CHECK(contains(msg, "truncated"));
}

TEST_CASE("corrupt IDX contents are refused with the file and the problem named") {
  TempDir dir;
  write_tiny_idx(dir.path());
  const fs::path images = dir.path() / "train-images-idx3-ubyte.gz", labels = dir.path() / "train-labels-idx1-ubyte.gz";

  SUBCASE("a labels file where images belong has the wrong magic number") {
    write_gz(images, idx_labels({1, 2, 3}));
    const std::string msg = load_error(fashion_at(dir.path()));
    CHECK(contains(msg, images.string()));
    CHECK(contains(msg, "magic number 0x00000801"));
  }
  SUBCASE("images and labels disagree on the count") {
    write_gz(labels, idx_labels({1, 2}));
    const std::string msg = load_error(fashion_at(dir.path()));
    CHECK(contains(msg, labels.string()));
    CHECK(contains(msg, "3 images"));
    CHECK(contains(msg, "2 labels"));
  }
  SUBCASE("a header announcing fewer images than the file holds") {
    write_gz(images, idx_images(2, 2, 2, Bytes(12, 0)));
    write_gz(labels, idx_labels({7, 2}));
    CHECK(contains(load_error(fashion_at(dir.path())), "data after the last item"));
  }
  SUBCASE("a damaged gzip checksum") {
    Bytes raw(fs::file_size(labels));
    std::ifstream(labels, std::ios::binary)
        .read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
    raw[raw.size() - 8] ^= 0xff;  // the CRC-32 trailer
    std::ofstream(labels, std::ios::binary)
        .write(reinterpret_cast<const char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
    const std::string msg = load_error(fashion_at(dir.path()));
    CHECK(contains(msg, labels.string()));
    CHECK(contains(msg, "corrupt gzip data"));
  }
  SUBCASE("a zero image size") {
    write_gz(images, idx_images(3, 0, 2, {}));
    CHECK(contains(load_error(fashion_at(dir.path())), "image size 0x2"));
  }
  SUBCASE("bytes that are not gzip or IDX at all") {
    csgd::testing::write_file(images, "hello, this is not a dataset");
    const std::string msg = load_error(fashion_at(dir.path()));
    CHECK(contains(msg, images.string()));
    CHECK(contains(msg, "magic number"));
  }
  SUBCASE("test images of another size than the training images") {
    write_gz(dir.path() / "t10k-images-idx3-ubyte.gz", idx_images(2, 1, 2, {1, 2, 3, 4}));
    CHECK(contains(load_error(fashion_at(dir.path())), "test images have 2 pixels but training images have 4"));
  }
}

TEST_CASE("LIBSVM files with comments, blank lines and signed labels load as dense columns") {
  TempDir dir;
  csgd::testing::write_file(dir.path() / "train.svm",
             "# a header comment\n"
             "+1 1:0.5 3:-2 # trailing comment\n"
             "\n"
             "   \t\n"
             "-1 2:1e-3\r\n"
             "+1\n"           // a sample with no nonzero features
             "-1 1:+4 4:7");  // no final newline
  const auto data = csgd::load_dataset<double>(libsvm(dir.path() / "train.svm"), 1);
  const auto& f = data.train->features;
  REQUIRE(f.rows() == 4);
  REQUIRE(f.cols() == 4);
  CHECK(data.train->y == std::vector<double>{1, -1, 1, -1});
  CHECK(f(0, 0) == 0.5);
  CHECK(f(1, 0) == 0.0);
  CHECK(f(2, 0) == -2.0);
  CHECK(f(1, 1) == 1e-3);
  CHECK(f.col(2).isZero());
  CHECK(f(0, 3) == 4.0);
  CHECK(f(3, 3) == 7.0);
  CHECK(data.test == nullptr);
  CHECK(data.train->label_values == std::vector<double>{-1, 1});
  CHECK(data.train->classes == std::vector<std::int32_t>{1, 0, 1, 0});
  CHECK(contains(data.train->source, "train.svm"));
}

TEST_CASE("the LIBSVM dimension is the largest training index and the test set is padded to it") {
  TempDir dir;
  csgd::testing::write_file(dir.path() / "train.svm", "0 2:1 5:1\n1 1:3\n");
  csgd::testing::write_file(dir.path() / "test.svm", "1 1:2\n0 3:4\n");
  const auto data = csgd::load_dataset<float>(libsvm(dir.path() / "train.svm", dir.path() / "test.svm"), 1);
  CHECK(data.train->dim() == 5);
  REQUIRE(data.test != nullptr);
  CHECK(data.test->dim() == 5);
  CHECK(data.test->features(2, 1) == 4.0f);
  CHECK(data.test->features(4, 1) == 0.0f);
  CHECK(data.test->classes == std::vector<std::int32_t>{1, 0});
}

TEST_CASE("a LIBSVM test index beyond the training dimension is refused unless features is set") {
  TempDir dir;
  csgd::testing::write_file(dir.path() / "train.svm", "0 1:1 2:1\n1 2:1\n");
  csgd::testing::write_file(dir.path() / "test.svm", "0 1:1\n1 3:1\n");
  const std::string msg = load_error(libsvm(dir.path() / "train.svm", dir.path() / "test.svm"));
  CHECK(contains(msg, (dir.path() / "test.svm").string() + ":2:"));
  CHECK(contains(msg, "problem.dataset.features"));

  const auto data = csgd::load_dataset<double>(libsvm(dir.path() / "train.svm", dir.path() / "test.svm", 3), 1);
  CHECK(data.train->dim() == 3);
  CHECK(data.test->features(2, 1) == 1.0);
}

TEST_CASE("problem.dataset.features fixes the LIBSVM dimension and an index above it is refused") {
  TempDir dir;
  csgd::testing::write_file(dir.path() / "train.svm", "0 1:1\n1 2:1\n");
  CHECK(csgd::load_dataset<double>(libsvm(dir.path() / "train.svm", {}, 10), 1).train->dim() == 10);
  const std::string msg = load_error(libsvm(dir.path() / "train.svm", {}, 1));
  CHECK(contains(msg, (dir.path() / "train.svm").string() + ":2:"));
  CHECK(contains(msg, "exceeds problem.dataset.features = 1"));
}

TEST_CASE("malformed LIBSVM lines are refused as file:line: what is wrong") {
  TempDir dir;
  const fs::path file = dir.path() / "bad.svm";
  const std::string at_line_3 = file.string() + ":3: ";
  struct Case {
    const char* line;
    const char* expected;
  };
  const Case cases[] = {
      {"1 2:0.5 garbage", "expected index:value"},
      {"1 0:1", "indices start at 1"},
      {"1 3:1 2:1", "strictly ascending"},
      {"1 2:1 2:1", "strictly ascending"},
      {"1 x:1", "not an integer"},
      {"1 2:abc", "not a finite number"},
      {"1 2:nan", "not a finite number"},
      {"abc 1:1", "label 'abc'"},
      {"1:1 2:1", "not with a label"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.line);
    csgd::testing::write_file(file, "1 1:1\n# comment\n" + std::string(c.line) + "\n0 1:2\n");
    const std::string msg = load_error(libsvm(file));
    CHECK(contains(msg, at_line_3));
    CHECK(contains(msg, c.expected));
  }
}

TEST_CASE("a missing or empty LIBSVM file is refused naming it") {
  TempDir dir;
  CHECK(contains(load_error(libsvm(dir.path() / "absent.svm")), (dir.path() / "absent.svm").string()));
  csgd::testing::write_file(dir.path() / "empty.svm", "# nothing here\n\n");
  CHECK(contains(load_error(libsvm(dir.path() / "empty.svm")), "no samples"));
  CHECK(contains(load_error(libsvm("")), "problem.dataset.train_file"));
}

TEST_CASE("non-integer targets leave label_values and classes empty") {
  TempDir dir;
  csgd::testing::write_file(dir.path() / "train.svm", "0.5 1:1\n2 1:2\n-1.25 2:1\n");
  const auto data = csgd::load_dataset<double>(libsvm(dir.path() / "train.svm"), 1);
  CHECK(data.train->num_classes() == 0);
  CHECK(data.train->classes.empty());
  CHECK(data.train->y == std::vector<double>{0.5, 2, -1.25});
}

TEST_CASE("more than 1000 distinct integer targets are not treated as classes, 1000 are") {
  TempDir dir;
  std::string text;
  for (int k = 0; k < 1000; ++k) text += std::to_string(k) + " 1:1\n";
  csgd::testing::write_file(dir.path() / "thousand.svm", text);
  csgd::testing::write_file(dir.path() / "more.svm", text + "1000 1:1\n");
  CHECK(csgd::load_dataset<double>(libsvm(dir.path() / "thousand.svm"), 1).train->num_classes() == 1000);
  CHECK(csgd::load_dataset<double>(libsvm(dir.path() / "more.svm"), 1).train->num_classes() == 0);
}

TEST_CASE("a test label that no training sample has is refused") {
  TempDir dir;
  csgd::testing::write_file(dir.path() / "train.svm", "0 1:1\n1 1:2\n");
  csgd::testing::write_file(dir.path() / "test.svm", "1 1:1\n2 1:2\n");
  const std::string msg = load_error(libsvm(dir.path() / "train.svm", dir.path() / "test.svm"));
  CHECK(contains(msg, "test sample 2 has label 2"));
  CHECK(contains(msg, "test.svm"));
}

TEST_CASE("an unknown dataset name is refused listing the valid ones") {
  DatasetSpec spec;
  spec.name = "cifar";
  const std::string msg = load_error(spec);
  CHECK(contains(msg, "'cifar'"));
  CHECK(contains(msg, "fashion-mnist, libsvm, generated"));
}

TEST_CASE("generated data is reproducible from the seed and differs for another seed") {
  for (const bool regression : {false, true}) {
    CAPTURE(regression);
    const auto a = csgd::load_dataset<double>(generated(regression), 5);
    const auto b = csgd::load_dataset<double>(generated(regression), 5);
    const auto c = csgd::load_dataset<double>(generated(regression), 6);
    CHECK(a.train->features == b.train->features);
    CHECK(a.train->y == b.train->y);
    CHECK(a.test->features == b.test->features);
    CHECK(a.train->features != c.train->features);
    CHECK(a.test->y != c.test->y);
  }
}

TEST_CASE("generated training data does not change when only test_samples changes") {
  DatasetSpec more = generated();
  more.test_samples = 50;
  const auto a = csgd::load_dataset<double>(generated(), 3), b = csgd::load_dataset<double>(more, 3);
  CHECK(a.train->features == b.train->features);
  CHECK(b.test->size() == 50);
}

TEST_CASE("generated float and double data agree up to float rounding") {
  const auto f = csgd::load_dataset<float>(generated(), 9);
  const auto d = csgd::load_dataset<double>(generated(), 9);
  CHECK(f.train->y == d.train->y);
  CHECK(f.train->features.cast<double>().isApprox(d.train->features, 1e-6));
}

TEST_CASE("generated classes are balanced and separable well above chance by nearest class mean") {
  const auto data = csgd::load_dataset<double>(generated(), 11);
  const auto& train = *data.train;
  REQUIRE(train.num_classes() == 3);
  CHECK(train.size() == 600);
  CHECK(train.dim() == 8);
  csgd::Matrix<double> means = csgd::Matrix<double>::Zero(train.dim(), 3);
  std::vector<int> counts(3, 0);
  for (Eigen::Index k = 0; k < train.size(); ++k) {
    const auto c = train.classes[static_cast<std::size_t>(k)];
    means.col(c) += train.features.col(k);
    ++counts[static_cast<std::size_t>(c)];
  }
  CHECK(counts == std::vector<int>{200, 200, 200});
  for (int c = 0; c < 3; ++c) means.col(c) /= counts[static_cast<std::size_t>(c)];

  const auto& test = *data.test;
  int correct = 0;
  for (Eigen::Index k = 0; k < test.size(); ++k) {
    Eigen::Index best = 0;
    (means.colwise() - test.features.col(k)).colwise().squaredNorm().minCoeff(&best);
    correct += best == test.classes[static_cast<std::size_t>(k)];
  }
  CHECK(correct > 0.9 * static_cast<double>(test.size()));  // chance is 1/3
}

TEST_CASE("generated regression targets are linear in the features up to the noise") {
  const auto data = csgd::load_dataset<double>(generated(true), 4);
  const auto& train = *data.train;
  CHECK(train.num_classes() == 0);
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(train.y.data(), train.size());
  const Eigen::MatrixXd a = train.features.transpose();
  const Eigen::VectorXd w = a.colPivHouseholderQr().solve(y);
  const double residual_rms = std::sqrt((a * w - y).squaredNorm() / static_cast<double>(train.size()));
  CHECK(residual_rms == doctest::Approx(0.5).epsilon(0.1));  // the noise level
  CHECK(w.norm() == doctest::Approx(1.0).epsilon(0.5));      // w* ~ N(0, I/d): norm about 1
}

TEST_CASE("invalid generated sizes are refused naming the setting") {
  DatasetSpec spec = generated();
  spec.classes = 1;
  CHECK(contains(load_error(spec), "problem.dataset.classes"));
  spec = generated();
  spec.samples = 2;
  CHECK(contains(load_error(spec), "problem.dataset.samples"));
  spec = generated();
  spec.noise = -1;
  CHECK(contains(load_error(spec), "problem.dataset.noise"));
}
