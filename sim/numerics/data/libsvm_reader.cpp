// LIBSVM / SVMlight text: `label idx:val idx:val ...` with 1-based ascending indices.
// Parsed into a sparse staging area first (the dimension is known only at the end), then
// scattered into the dense d × n matrix the models use.
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/dataset_registry.hpp"
#include "csgd/require.hpp"
#include "numerics/data/readers.hpp"

namespace csgd::data {
namespace {

constexpr std::uint64_t kMaxIndex = std::numeric_limits<std::int32_t>::max();

struct SparseRows {
  std::vector<double> y;
  std::vector<std::size_t> start{0};  // row k's entries are [start[k], start[k+1])
  std::vector<std::uint32_t> index;   // 0-based
  std::vector<double> value;
  std::uint64_t max_index = 0;  // largest 1-based index seen
};

// The largest index a file may use, and what to tell the user when a line exceeds it.
struct IndexLimit {
  std::uint64_t max = kMaxIndex;
  std::string (*explain)(std::uint64_t index, std::uint64_t max) = nullptr;
};

std::string read_whole_file(const std::string& path, const char* key) {
  if (path.empty())
    throw InputError(std::string("problem.dataset.") + key + " is not set; the libsvm dataset needs it");
  return read_input_file(path, std::string("the LIBSVM file (problem.dataset.") + key + ")");
}

// A token quoted for a message, cut short if long (appends, which also avoids a GCC 12 -Wrestrict false alarm).
std::string shown(std::string_view token) {
  std::string s(1, '\'');
  s.append(token.substr(0, 40)).append(token.size() > 40 ? "...'" : "'");
  return s;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Next whitespace-separated token of `rest`, consuming it; empty at the end of the line.
std::string_view next_token(std::string_view& rest) {
  std::size_t b = 0;
  while (b < rest.size() && is_space(rest[b])) ++b;
  std::size_t e = b;
  while (e < rest.size() && !is_space(rest[e])) ++e;
  const std::string_view token = rest.substr(b, e - b);
  rest.remove_prefix(e);
  return token;
}

// A finite number filling the whole token (from_chars rejects a leading '+', LIBSVM files use it).
bool parse_number(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return false;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

bool parse_index(std::string_view s, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

class Parser {
 public:
  Parser(const std::string& path, const IndexLimit& limit) : path_(path), limit_(limit) {}

  SparseRows parse(std::string_view text) {
    rows_.index.reserve(text.size() / 8);  // a rough guess of "idx:val " per entry, avoids regrowth
    rows_.value.reserve(text.size() / 8);
    while (!text.empty()) {
      const std::size_t eol = text.find('\n');
      ++line_;
      parse_line(text.substr(0, eol));
      text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    }
    if (rows_.y.empty()) throw InputError(path_ + ": no samples (only blank or comment lines)");
    return std::move(rows_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_ + ":" + std::to_string(line_) + ": " + what);
  }

  void parse_line(std::string_view line) {
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const std::string_view label = next_token(line);
    if (label.empty()) return;  // blank or comment-only line
    double y = 0;
    if (label.find(':') != std::string_view::npos) fail("the line starts with " + shown(label) + ", not with a label");
    if (!parse_number(label, y)) fail("label " + shown(label) + " is not a finite number");
    std::uint64_t previous = 0;
    for (std::string_view token = next_token(line); !token.empty(); token = next_token(line)) {
      previous = parse_entry(token, previous);
    }
    rows_.y.push_back(y);
    rows_.start.push_back(rows_.index.size());
  }

  // Stores one idx:val pair; returns its index.
  std::uint64_t parse_entry(std::string_view token, std::uint64_t previous) {
    const std::size_t colon = token.find(':');
    if (colon == std::string_view::npos) fail("expected index:value, found " + shown(token));
    std::uint64_t index = 0;
    double value = 0;
    if (!parse_index(token.substr(0, colon), index) || index > kMaxIndex)
      fail("feature index in " + shown(token) + " is not an integer between 1 and " + std::to_string(kMaxIndex));
    if (index == 0) fail("feature index 0 in " + shown(token) + ": LIBSVM indices start at 1");
    if (index <= previous)
      fail("feature index " + std::to_string(index) + " follows index " + std::to_string(previous) +
           ": indices must be strictly ascending");
    if (index > limit_.max) fail(limit_.explain(index, limit_.max));
    if (!parse_number(token.substr(colon + 1), value)) fail("value in " + shown(token) + " is not a finite number");
    rows_.index.push_back(static_cast<std::uint32_t>(index - 1));
    rows_.value.push_back(value);
    if (index > rows_.max_index) rows_.max_index = index;
    return index;
  }

  const std::string& path_;
  const IndexLimit& limit_;
  std::size_t line_ = 0;
  SparseRows rows_;
};

SparseRows parse_file(const std::string& path, const char* key, const IndexLimit& limit) {
  const std::string text = read_whole_file(path, key);
  return Parser(path, limit).parse(text);
}

// `rows` by value: the sparse staging area is freed as soon as the dense copy exists.
template <class S>
Dataset<S> to_dense(SparseRows rows, std::uint64_t d, const std::string& path) {
  Dataset<S> set;
  const auto n = static_cast<Eigen::Index>(rows.y.size());
  // Estimated up front: with overcommit, a too-large Zero() is killed while filling, not refused.
  require_fits_in_memory(static_cast<double>(d) * static_cast<double>(n) * sizeof(S), path + ": a dense feature matrix",
                         std::to_string(d) + " features x " + std::to_string(n) + " rows");
  set.features = Matrix<S>::Zero(static_cast<Eigen::Index>(d), n);
  for (Eigen::Index k = 0; k < n; ++k) {
    S* col = set.features.col(k).data();
    const auto row = static_cast<std::size_t>(k);
    for (std::size_t e = rows.start[row]; e < rows.start[row + 1]; ++e)
      col[rows.index[e]] = static_cast<S>(rows.value[e]);
  }
  set.y = std::move(rows.y);
  set.source = "libsvm (" + path + ")";
  return set;
}

std::string beyond_features(std::uint64_t index, std::uint64_t max) {
  return "feature index " + std::to_string(index) + " exceeds problem.dataset.features = " + std::to_string(max);
}

std::string beyond_train(std::uint64_t index, std::uint64_t max) {
  return "feature index " + std::to_string(index) + " is beyond the training set's " + std::to_string(max) +
         " features; set problem.dataset.features to the full feature count";
}

}  // namespace

template <class S>
RawTrainTest<S> read_libsvm(const DatasetSpec& spec) {
  if (spec.features < 0) throw InputError("problem.dataset.features must be 0 (largest index seen) or positive");
  const bool fixed = spec.features > 0;
  const IndexLimit train_limit =
      fixed ? IndexLimit{static_cast<std::uint64_t>(spec.features), beyond_features} : IndexLimit{};
  SparseRows train = parse_file(spec.train_file, "train_file", train_limit);
  const std::uint64_t d = fixed ? static_cast<std::uint64_t>(spec.features) : train.max_index;
  if (d == 0) throw InputError(spec.train_file + ": no line has any feature (idx:val), so the dimension is zero");

  RawTrainTest<S> out{to_dense<S>(std::move(train), d, spec.train_file), std::nullopt};
  if (!spec.test_file.empty()) {
    const IndexLimit test_limit{d, fixed ? beyond_features : beyond_train};
    out.test = to_dense<S>(parse_file(spec.test_file, "test_file", test_limit), d, spec.test_file);
  }
  return out;
}

template RawTrainTest<float> read_libsvm<float>(const DatasetSpec&);
template RawTrainTest<double> read_libsvm<double>(const DatasetSpec&);

namespace {

const bool registered = DatasetRegistry::add({
    .name = "libsvm",
    .help = "a LIBSVM text file (\"label index:value ...\"), with an optional test file",
    .order = 2,
    .keys = {{"train_file", &DatasetSpec::train_file, "the training file (required)", KeyUnit::path},
             {"test_file", &DatasetSpec::test_file, "the test file (optional)", KeyUnit::path},
             {"features", &DatasetSpec::features, "feature count (default 0: the largest index seen)"}},
    .validate = [](const DatasetSpec& s) {
      require(!s.train_file.empty(), "train_file", "dataset libsvm needs a train_file");
      require_at_least("features", s.features, 0);
    },
    .read_float = [](const DatasetSpec& s, std::uint64_t) { return read_libsvm<float>(s); },
    .read_double = [](const DatasetSpec& s, std::uint64_t) { return read_libsvm<double>(s); },
});

}  // namespace
}  // namespace csgd::data
