// A plain byte format: fixed-size values as their bytes (every rank is the same program on the
// same kind of machine), strings and lists with their length first.
#include "run/run_exchange.hpp"

#include <cstdint>
#include <cstring>
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
              "MetricsRow changed: pack and unpack its new field");

void put_row(Writer& w, const MetricsRow& r) {
  w.put(r.iteration);
  w.put(r.epoch);
  w.put(r.rounds);
  w.put(r.bytes_total);
  w.put(r.bytes_per_worker);
  w.put(r.sim_time_s);
  w.put(r.lr);
  for (const auto* v : {&r.train_loss, &r.train_accuracy, &r.test_loss, &r.test_accuracy, &r.grad_norm_sq,
                        &r.consensus_x, &r.consensus_u})
    w.put(*v);
  w.put(r.wall_s);
}

MetricsRow get_row(Reader& in) {
  MetricsRow r;
  r.iteration = in.get<std::int64_t>();
  r.epoch = in.get<double>();
  r.rounds = in.get<std::int64_t>();
  r.bytes_total = in.get<double>();
  r.bytes_per_worker = in.get<double>();
  r.sim_time_s = in.get<double>();
  r.lr = in.get<double>();
  for (auto* v : {&r.train_loss, &r.train_accuracy, &r.test_loss, &r.test_accuracy, &r.grad_norm_sq,
                  &r.consensus_x, &r.consensus_u})
    *v = in.get_optional();
  r.wall_s = in.get<double>();
  return r;
}

}  // namespace

std::string pack(std::span<const FinishedRun> runs) {
  Writer w;
  for (const FinishedRun& run : runs) {
    w.put(static_cast<std::uint64_t>(run.index));
    w.put(run.sweep_rows);
    w.put(static_cast<std::uint64_t>(run.rows.size()));
    for (const MetricsRow& row : run.rows) put_row(w, row);
    const RunResult& r = run.result;
    w.put(r.run_name);
    w.put(static_cast<std::int32_t>(r.status));
    w.put(r.dir.string());
    w.put(r.report);
    w.put(r.stop_reason);
    w.put(r.iterations);
    w.put(r.rounds);
    w.put(r.sim_time_s);
    w.put(r.train_loss);
    w.put(r.test_accuracy);
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
    for (std::uint64_t k = 0; k < rows; ++k) run.rows.push_back(get_row(in));
    RunResult& r = run.result;
    r.run_name = in.get_string();
    r.status = static_cast<RunStatus>(in.get<std::int32_t>());
    r.dir = in.get_string();
    r.report = in.get_string();
    r.stop_reason = in.get_string();
    r.iterations = in.get<long long>();
    r.rounds = in.get<long long>();
    r.sim_time_s = in.get<double>();
    r.train_loss = in.get_optional();
    r.test_accuracy = in.get_optional();
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace csgd
