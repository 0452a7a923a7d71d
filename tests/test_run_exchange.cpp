// What a rank sends rank 0 about its finished runs comes back bit for bit: NaN, infinity,
// subnormals, absent metrics, and text with commas and newlines.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "run/run_exchange.hpp"

using csgd::FinishedRun;
using csgd::MetricsRow;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same_bits(*a, *b));
}

}  // namespace

TEST_CASE("finished runs survive packing for rank 0 bit for bit") {
  MetricsRow row;
  row.iteration = 120;
  row.epoch = 1.024;
  row.rounds = 15;
  row.bytes_total = 7.3728e11;
  row.sim_time_s = 372.2471999999881;
  row.lr = 0.05;
  row.train_loss = std::numeric_limits<double>::denorm_min();
  row.test_loss = std::numeric_limits<double>::quiet_NaN();
  row.grad_norm_sq = std::numeric_limits<double>::infinity();
  row.wall_s = 1.5;  // train_accuracy, test_accuracy, consensus: absent

  FinishedRun a{7, "\"run,a\",1,2\n\"run,a\",3,4\n", {row, MetricsRow{}}, {}};
  a.result.run_name = "topology=ring,bandwidth=1Gbps";
  a.result.status = csgd::RunStatus::diverged;
  a.result.dir = "/results/x/topology=ring,bandwidth=1Gbps";
  a.result.report = "line one\nline two\n";
  a.result.stop_reason = "diverged";
  a.result.iterations = 120;
  a.result.rounds = 15;
  a.result.sim_time_s = 372.25;
  a.result.test_accuracy = 0.8173;
  FinishedRun b{0, "", {}, {}};
  b.result.run_name = "second";

  const std::vector<FinishedRun> back = csgd::unpack(csgd::pack(std::vector<FinishedRun>{a, b}));
  REQUIRE(back.size() == 2);
  CHECK(back[0].index == 7);
  CHECK(back[0].sweep_rows == a.sweep_rows);
  REQUIRE(back[0].rows.size() == 2);
  const MetricsRow& r = back[0].rows[0];
  CHECK(r.iteration == 120);
  CHECK(r.rounds == 15);
  for (const auto& [x, y] : {std::pair{r.epoch, row.epoch}, {r.bytes_total, row.bytes_total},
                             {r.sim_time_s, row.sim_time_s}, {r.lr, row.lr}, {r.wall_s, row.wall_s}})
    CHECK(same_bits(x, y));
  CHECK(same_bits(r.train_loss, row.train_loss));
  CHECK(same_bits(r.test_loss, row.test_loss));
  CHECK(same_bits(r.grad_norm_sq, row.grad_norm_sq));
  CHECK(!r.train_accuracy);
  CHECK(!r.consensus_u);
  const csgd::RunResult& res = back[0].result;
  CHECK(res.run_name == a.result.run_name);
  CHECK(res.status == csgd::RunStatus::diverged);
  CHECK(res.dir == a.result.dir);
  CHECK(res.report == a.result.report);
  CHECK(res.stop_reason == "diverged");
  CHECK(res.iterations == 120);
  CHECK(!res.train_loss);
  CHECK(same_bits(res.test_accuracy, a.result.test_accuracy));
  CHECK(back[1].index == 0);
  CHECK(back[1].result.run_name == "second");
}

TEST_CASE("a truncated message from a rank is an error, not garbage") {
  FinishedRun a{3, "rows\n", {MetricsRow{}}, {}};
  const std::string bytes = csgd::pack(std::vector<FinishedRun>{a});
  CHECK_THROWS_AS(csgd::unpack(std::string_view(bytes).substr(0, bytes.size() - 3)), std::runtime_error);
}
