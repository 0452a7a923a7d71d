// The ranks of a team (rank_team.hpp): how items are dealt in blocks, and a team of one, which is
// what every process outside mpirun trains with (test_mpi.sh runs the real several-rank teams).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "csgd/algorithm.hpp"
#include "csgd/rank_team.hpp"

using csgd::RankTeam;

TEST_CASE("blocks deal every item once, contiguously, in rank order, sizes differing by at most one") {
  for (int size = 1; size <= 9; ++size)
    for (std::int64_t count = size; count <= 40; ++count) {
      const RankTeam team(0, size, 0, 1, nullptr);
      std::int64_t next = 0;
      for (int r = 0; r < size; ++r) {
        const RankTeam::Block b = team.block(count, r);
        CHECK(b.first == next);
        CHECK(b.count == count / size + (r < count % size ? 1 : 0));  // the first count mod size one more
        CHECK(b.holds(b.first));
        CHECK(!b.holds(b.end()));
        next = b.end();
      }
      CHECK(next == count);
    }
  CHECK(RankTeam(0, 4, 0, 1, nullptr).block(6, 2).first == 4);  // N = 6 on 4 ranks: 2, 2, 1, 1
}

TEST_CASE("a team of one is this process: its collectives return what they are given") {
  const RankTeam alone;
  CHECK(alone.size() == 1);
  CHECK(alone.leads());
  CHECK(alone.flags_or(5u) == 5u);
  CHECK(alone.broadcast_value(2.5, 0) == 2.5);
  const std::vector<double> mine{1.0, -0.0, 3.0};
  const std::vector<double> all = alone.gather_values(std::span<const double>(mine));
  REQUIRE(all.size() == 3);
  CHECK(std::signbit(all[1]));
  CHECK(alone.block(7).first == 0);
  CHECK(alone.block(7).count == 7);
}

TEST_CASE("groups of sweep runs are dealt round robin over the teams") {
  const RankTeam second(0, 2, 1, 3, nullptr);  // team 1 of 3
  std::vector<std::size_t> mine;
  for (std::size_t k = 0; k < 9; ++k)
    if (second.deals_here(k)) mine.push_back(k);
  CHECK(mine == std::vector<std::size_t>{1, 4, 7});
}

TEST_CASE("a node average over a team of one is the plain node average, bit for bit") {
  std::vector<csgd::WorkerState<float>> workers;
  for (int i = 0; i < 3; ++i) {
    csgd::Vector<float> x(5);
    for (int k = 0; k < 5; ++k) x[k] = 0.1f * static_cast<float>(i + 1) * static_cast<float>(k) - 0.2f;
    workers.push_back({x, x, {}, {}, csgd::Rng(1, static_cast<std::uint64_t>(i))});
  }
  csgd::Vector<float> plain, teamed;
  csgd::node_average(std::span<const csgd::WorkerState<float>>(workers), &csgd::WorkerState<float>::x, plain);
  csgd::node_average(csgd::WorkerBlock<float>::all(workers), &csgd::WorkerState<float>::x, teamed);
  CHECK((plain.array() == teamed.array()).all());
  CHECK(plain[1] == ((workers[0].x[1] + workers[1].x[1]) + workers[2].x[1]) * (1.0f / 3.0f));
}
