// A plain byte format: fixed-size values as their bytes (every rank is the same program on the
// same kind of machine), strings and lists with their length first.
#include "run/run_exchange.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace csgd {
namespace {

class Writer {
 public:
  template <class T> requires std::is_trivially_copyable_v<T> void put(const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    out += s;
  }
  void put(const std::optional<double>& v) {
    put(static_cast<std::uint8_t>(v.has_value()));
    put(v.value_or(0.0));
  }
  void put(const std::filesystem::path& p) { put(p.string()); }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T> requires std::is_trivially_copyable_v<T> T get() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    return std::string(take(n), n);
  }
  std::optional<double> get_optional() {
    const bool has = get<std::uint8_t>() != 0;
    const double v = get<double>();
    return has ? std::optional<double>(v) : std::nullopt;
  }
  // Reads into `v` what Writer::put wrote from a value of its type.
  template <class T> requires std::is_trivially_copyable_v<T> void read(T& v) { v = get<T>(); }
  void read(std::string& v) { v = get_string(); }
  void read(std::optional<double>& v) { v = get_optional(); }
  void read(std::filesystem::path& v) { v = get_string(); }
  bool done() const { return in_.empty(); }

 private:
  const char* take(std::size_t n) {
    if (n > in_.size()) throw std::runtime_error("run exchange: truncated message from another rank");
    const char* p = in_.data();
    in_.remove_prefix(n);
    return p;
  }
  std::string_view in_;
};

// Catches a field added to MetricsRow without being added here.
static_assert(sizeof(MetricsRow) == 7 * sizeof(double) + 7 * sizeof(std::optional<double>) + sizeof(double),
              "MetricsRow changed: add its new field to row_fields");

// The fields of each record in message order: one list serves the writer and the reader, so no
// field can be packed without being unpacked in its place.
template <class Row, class Visit> void row_fields(Row& r, Visit&& field) {
  field(r.iteration);
  field(r.epoch);
  field(r.rounds);
  field(r.bytes_total);
  field(r.bytes_per_worker);
  field(r.sim_time_s);
  field(r.lr);
  field(r.train_loss);
  field(r.train_accuracy);
  field(r.test_loss);
  field(r.test_accuracy);
  field(r.grad_norm_sq);
  field(r.consensus_x);
  field(r.consensus_u);
  field(r.wall_s);
}

template <class Result, class Visit> void result_fields(Result& r, Visit&& field) {
  field(r.run_name);
  field(r.status);
  field(r.dir);
  field(r.report);
  field(r.stop_reason);
  field(r.iterations);
  field(r.rounds);
  field(r.sim_time_s);
  field(r.train_loss);
  field(r.test_accuracy);
}

}  // namespace

std::string pack(std::span<const FinishedRun> runs) {
  Writer w;
  for (const FinishedRun& run : runs) {
    w.put(static_cast<std::uint64_t>(run.index));
    w.put(run.sweep_rows);
    w.put(static_cast<std::uint64_t>(run.rows.size()));
    const auto put = [&w](const auto& v) { w.put(v); };
    for (const MetricsRow& row : run.rows) row_fields(row, put);
    result_fields(run.result, put);
  }
  return std::move(w.out);
}

std::vector<FinishedRun> unpack(std::string_view bytes) {
  Reader in(bytes);
  std::vector<FinishedRun> runs;
  while (!in.done()) {
    FinishedRun run;
    run.index = static_cast<std::size_t>(in.get<std::uint64_t>());
    run.sweep_rows = in.get_string();
    const auto rows = in.get<std::uint64_t>();
    const auto read = [&in](auto& v) { in.read(v); };
    for (std::uint64_t k = 0; k < rows; ++k) row_fields(run.rows.emplace_back(), read);
    result_fields(run.result, read);
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace csgd
