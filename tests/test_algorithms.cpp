// Hand-computed trajectories: two workers, m = 1, f_i(x) = ½(x − c_i)² with c = (1, 3),
// x̂ = 0, β = 0.5, γ = 0.1, I = 2. The expected numbers are worked out by hand in the comments.
#include <doctest/doctest.h>

#include "csgd/errors.hpp"
#include "support/quadratic_problem.hpp"

using namespace csgd;
using csgd::testing::vec;

namespace {

struct Trajectory {
  std::vector<double> x0, x1, u0, u1;  // per iteration 1..3
};

Trajectory run(const std::string& name, bool nesterov, int T = 3) {
  AlgorithmSpec spec;
  spec.name = name;
  spec.beta = 0.5;
  spec.nesterov = nesterov;
  spec.I = 2;
  testing::QuadraticProblem p({vec({1.0}), vec({3.0})}, vec({0.0}));
  auto a = make_algorithm<double>(spec, 2);
  auto ws = testing::start_workers<double>(p, *a, 2);
  Trajectory tr;
  for (int t = 1; t <= T; ++t) {
    testing::iterate<double>(p, *a, ws, 0.1, t);
    tr.x0.push_back(ws[0].x[0]);
    tr.x1.push_back(ws[1].x[0]);
    tr.u0.push_back(ws[0].u[0]);
    tr.u1.push_back(ws[1].u[0]);
  }
  return tr;
}

}  // namespace

TEST_CASE("PR-SGD-Momentum option I averages x and u every I steps (eqs. 4 and 6)") {
  const Trajectory tr = run("pr-sgd-momentum", false);
  // t=1: u = (−1, −3), x = (0.1, 0.3)
  CHECK(tr.x0[0] == doctest::Approx(0.1));
  CHECK(tr.x1[0] == doctest::Approx(0.3));
  // t=2: u = (−1.4, −4.2), x = (0.24, 0.72); then both replaced by averages: x = 0.48, u = −2.8
  CHECK(tr.x0[1] == doctest::Approx(0.48));
  CHECK(tr.x1[1] == doctest::Approx(0.48));
  CHECK(tr.u0[1] == doctest::Approx(-2.8));
  CHECK(tr.u1[1] == doctest::Approx(-2.8));
  // t=3: g = (−0.52, −2.52); u = (−1.92, −3.92); x = (0.672, 0.872)
  CHECK(tr.u0[2] == doctest::Approx(-1.92));
  CHECK(tr.u1[2] == doctest::Approx(-3.92));
  CHECK(tr.x0[2] == doctest::Approx(0.672));
  CHECK(tr.x1[2] == doctest::Approx(0.872));
}

TEST_CASE("PR-SGD-Momentum option II follows Nesterov's eq. (5) and then averages") {
  const Trajectory tr = run("pr-sgd-momentum", true, 2);
  // t=1: u = (−1, −3), v = (−1.5, −4.5), x = (0.15, 0.45)
  CHECK(tr.x0[0] == doctest::Approx(0.15));
  CHECK(tr.x1[0] == doctest::Approx(0.45));
  // t=2: g = (−0.85, −2.55); u = (−1.35, −4.05); v = (−1.525, −4.575); x = (0.3025, 0.9075)
  // averaged: x = 0.605, u = −2.7
  CHECK(tr.x0[1] == doctest::Approx(0.605));
  CHECK(tr.u1[1] == doctest::Approx(-2.7));
}

TEST_CASE("the reset-momentum baseline averages x and zeroes u (Remark 1)") {
  const Trajectory tr = run("local-sgd-reset-momentum", false);
  CHECK(tr.x0[1] == doctest::Approx(0.48));
  CHECK(tr.u0[1] == 0.0);
  CHECK(tr.u1[1] == 0.0);
  // t=3 from u = 0: u = (−0.52, −2.52); x = (0.532, 0.732)
  CHECK(tr.x0[2] == doctest::Approx(0.532));
  CHECK(tr.x1[2] == doctest::Approx(0.732));
}

TEST_CASE("the local-momentum baseline averages x and keeps each worker's u") {
  const Trajectory tr = run("local-sgd-local-momentum", false);
  CHECK(tr.x0[1] == doctest::Approx(0.48));
  CHECK(tr.u0[1] == doctest::Approx(-1.4));
  CHECK(tr.u1[1] == doctest::Approx(-4.2));
  // t=3: u = (−0.7 − 0.52, −2.1 − 2.52) = (−1.22, −4.62); x = (0.602, 0.942)
  CHECK(tr.x0[2] == doctest::Approx(0.602));
  CHECK(tr.x1[2] == doctest::Approx(0.942));
}

TEST_CASE("the Algorithm 1 family communicates every I-th iteration with the payload it really sends") {
  for (const char* name : {"pr-sgd-momentum", "local-sgd-reset-momentum", "local-sgd-local-momentum"}) {
    AlgorithmSpec spec;
    spec.name = name;
    spec.I = 4;
    auto a = make_algorithm<float>(spec, 8);
    CHECK_FALSE(a->round_after(3, 100.0));
    const auto round = a->round_after(8, 100.0);
    REQUIRE(round);
    CHECK(round->kind == RoundKind::all_reduce);
    CHECK(round->payload_bytes == (std::string(name) == "pr-sgd-momentum" ? 200.0 : 100.0));
  }
}

TEST_CASE("decentralized momentum mixes x and u with W after every local step (eqs. 16 and 18)") {
  // Line of 3 workers, Metropolis–Hastings: W = [[2/3,1/3,0],[1/3,1/3,1/3],[0,1/3,2/3]].
  AlgorithmSpec spec;
  spec.name = "decentralized-momentum";
  spec.beta = 0.5;
  spec.mixing.topology = "line";
  testing::QuadraticProblem p({vec({1.0}), vec({2.0}), vec({6.0})}, vec({0.0}));
  auto a = make_algorithm<double>(spec, 3);
  auto ws = testing::start_workers<double>(p, *a, 3);
  const auto round = a->round_after(1, 10.0);
  REQUIRE(round);
  CHECK(round->kind == RoundKind::neighbour_exchange);
  CHECK(round->payload_bytes == 20.0);

  testing::iterate<double>(p, *a, ws, 0.1, 1);
  // x̃ = (0.1, 0.2, 0.6), ũ = (−1, −2, −6); mixed:
  CHECK(ws[0].x[0] == doctest::Approx(0.4 / 3));
  CHECK(ws[1].x[0] == doctest::Approx(0.3));
  CHECK(ws[2].x[0] == doctest::Approx(1.4 / 3));
  CHECK(ws[0].u[0] == doctest::Approx(-4.0 / 3));
  CHECK(ws[1].u[0] == doctest::Approx(-3.0));
  CHECK(ws[2].u[0] == doctest::Approx(-14.0 / 3));

  // Iteration 2 against an independent dense computation of (16) and (18).
  Eigen::Matrix3d W;
  W << 2.0 / 3, 1.0 / 3, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 1.0 / 3, 2.0 / 3;
  Eigen::Vector3d x(ws[0].x[0], ws[1].x[0], ws[2].x[0]), u(ws[0].u[0], ws[1].u[0], ws[2].u[0]);
  const Eigen::Vector3d c(1, 2, 6);
  const Eigen::Vector3d u_tilde = 0.5 * u + (x - c);
  const Eigen::Vector3d x_tilde = x - 0.1 * u_tilde;
  const Eigen::Vector3d x_next = W.transpose() * x_tilde, u_next = W.transpose() * u_tilde;
  testing::iterate<double>(p, *a, ws, 0.1, 2);
  for (int i = 0; i < 3; ++i) {
    CHECK(ws[static_cast<std::size_t>(i)].x[0] == doctest::Approx(x_next[i]).epsilon(1e-14));
    CHECK(ws[static_cast<std::size_t>(i)].u[0] == doctest::Approx(u_next[i]).epsilon(1e-14));
  }
}

TEST_CASE("an unknown algorithm name is refused with the valid names") {
  AlgorithmSpec spec;
  spec.name = "pr-sgd";
  CHECK_THROWS_WITH_AS(make_algorithm<double>(spec, 2), doctest::Contains("pr-sgd-momentum"), ValidationError);
}

TEST_CASE("momentum outside [0, 1) and I < 1 are refused with the field named") {
  AlgorithmSpec spec;
  spec.beta = 1.0;
  try {
    spec.validate();
    FAIL("beta = 1 was accepted");
  } catch (const ValidationError& e) {
    CHECK(e.field() == "momentum");
  }
  spec.beta = 0.9;
  spec.I = 0;
  try {
    spec.validate();
    FAIL("I = 0 was accepted");
  } catch (const ValidationError& e) {
    CHECK(e.field() == "sync_interval");
  }
}
