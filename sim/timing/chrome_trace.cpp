// TraceRecorder::chrome_json: the Chrome trace-event format (opens in Perfetto and
// chrome://tracing): one complete ("X") event per span, timestamps in microseconds, one thread
// per worker named by a metadata ("M") event. Written with fmt, not a JSON DOM: traces of long
// runs hold millions of spans.
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "csgd/trace.hpp"

namespace csgd {
namespace {

// A JSON string literal (span names are fixed words, but a stray quote must not break the file).
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string TraceRecorder::chrome_json() const {
  std::string out = R"({"displayTimeUnit":"ms","traceEvents":[)";
  out.reserve(out.size() + spans_.size() * 96);
  auto out_it = std::back_inserter(out);
  int workers = 0;
  for (const TraceSpan& s : spans_) workers = std::max(workers, s.worker + 1);
  bool first = true;
  const auto separator = [&] {
    if (!first) out += ',';
    first = false;
  };
  separator();
  out += R"({"name":"process_name","ph":"M","pid":0,"tid":0,"args":{"name":"simulated cluster"}})";
  for (int w = 0; w < workers; ++w) {
    separator();
    fmt::format_to(out_it, R"({{"name":"thread_name","ph":"M","pid":0,"tid":{0},"args":{{"name":"worker {0}"}}}})", w);
    separator();
    fmt::format_to(out_it, R"({{"name":"thread_sort_index","ph":"M","pid":0,"tid":{0},"args":{{"sort_index":{0}}}}})", w);
  }
  for (const TraceSpan& s : spans_) {
    separator();
    out += R"({"name":)";
    append_json_string(out, s.name);
    // Microseconds, in the shortest form that reads back to the same double.
    fmt::format_to(out_it, R"(,"ph":"X","pid":0,"tid":{},"ts":{},"dur":{},"args":{{"iteration":{}}}}})", s.worker,
                   s.begin_s * 1e6, (s.end_s - s.begin_s) * 1e6, s.iteration);
  }
  out += "]}";
  return out;
}

}  // namespace csgd
