#pragma once
// Spans of simulated activity per worker, for trace.json (Chrome trace-event format).
#include <string>
#include <vector>

namespace csgd {

struct TraceSpan {
  int worker = 0;
  const char* name = "";  // "compute", "all-reduce", "exchange", "wait"
  double begin_s = 0, end_s = 0;
  long long iteration = 0;
};

class TraceRecorder {
 public:
  void add(int worker, const char* name, double begin_s, double end_s, long long iteration) {
    spans_.push_back({worker, name, begin_s, end_s, iteration});
  }
  const std::vector<TraceSpan>& spans() const { return spans_; }
  // {"traceEvents": [...]} with one track (tid) per worker, microsecond timestamps.
  std::string chrome_json() const;

 private:
  std::vector<TraceSpan> spans_;
};

}  // namespace csgd
