#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "csgd/event_engine.hpp"

using csgd::EventEngine;

TEST_CASE("events run in time order whatever the order they were scheduled in") {
  EventEngine engine;
  std::vector<double> seen;
  for (double t : {3.0, 1.0, 2.0, 0.5}) engine.schedule_at(t, [&engine, &seen] { seen.push_back(engine.now()); });
  engine.run();
  CHECK(seen == std::vector<double>{0.5, 1.0, 2.0, 3.0});
  CHECK(engine.now() == 3.0);
  CHECK(engine.events_processed() == 4);
  CHECK(engine.empty());
}

TEST_CASE("equal-time events run in the order they were scheduled") {
  EventEngine engine;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) engine.schedule_at(1.0, [&order, i] { order.push_back(i); });
  engine.run();
  REQUIRE(order.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("a higher priority number runs after every lower one of the same instant") {
  EventEngine engine;
  std::vector<int> order;
  engine.schedule_at(1.0, [&order] { order.push_back(10); }, 1);
  engine.schedule_at(1.0, [&order] { order.push_back(0); });
  engine.schedule_at(1.0, [&order] { order.push_back(-1); }, -1);
  engine.schedule_at(1.0, [&order] { order.push_back(1); });
  engine.schedule_at(0.5, [&order] { order.push_back(99); }, 5);  // earlier time wins over priority
  engine.run();
  CHECK(order == std::vector<int>{99, -1, 0, 1, 10});
}

TEST_CASE("an event scheduled from inside an event at the same instant runs after the ones already queued") {
  EventEngine engine;
  std::vector<int> order;
  engine.schedule_at(1.0, [&] {
    order.push_back(1);
    engine.schedule_in(0.0, [&order] { order.push_back(3); });
    engine.schedule_in(0.25, [&order, &engine] {
      order.push_back(4);
      CHECK(engine.now() == 1.25);
    });
  });
  engine.schedule_at(1.0, [&order] { order.push_back(2); });
  engine.run();
  CHECK(order == std::vector<int>{1, 2, 3, 4});
  CHECK(engine.now() == 1.25);
}

TEST_CASE("a priority-1 event scheduled during an instant runs after the ordinary events of that instant") {
  EventEngine engine;
  std::vector<int> order;
  engine.schedule_at(2.0, [&] {
    order.push_back(0);
    engine.schedule_in(0.0, [&order] { order.push_back(2); }, 1);
  });
  engine.schedule_at(2.0, [&] {
    order.push_back(1);
    engine.schedule_in(0.0, [&order] { order.push_back(3); });  // scheduled later, lower priority
  });
  engine.run();
  CHECK(order == std::vector<int>{0, 1, 3, 2});
}

TEST_CASE("run_until stops after the last event not later than the limit and sets the clock to it") {
  EventEngine engine;
  int ran = 0;
  for (double t : {1.0, 2.0, 2.5, 4.0}) engine.schedule_at(t, [&ran] { ++ran; });
  engine.run_until(2.5);
  CHECK(ran == 3);
  CHECK(engine.now() == 2.5);
  engine.run_until(3.0);
  CHECK(ran == 3);
  CHECK(engine.now() == 3.0);
  CHECK_FALSE(engine.empty());
  engine.schedule_in(0.5, [&ran] { ran += 10; });  // relative to the clock set by run_until
  engine.run_until(3.5);
  CHECK(ran == 13);
  engine.run();
  CHECK(ran == 14);
  CHECK(engine.now() == 4.0);
}

TEST_CASE("step runs one event at a time and reports when none is left") {
  EventEngine engine;
  int ran = 0;
  engine.schedule_at(1.0, [&ran] { ++ran; });
  engine.schedule_at(2.0, [&ran] { ++ran; });
  CHECK(engine.step());
  CHECK(ran == 1);
  CHECK(engine.now() == 1.0);
  CHECK(engine.step());
  CHECK_FALSE(engine.step());
  CHECK(ran == 2);
}

TEST_CASE("run_while_not stops as soon as the condition holds") {
  EventEngine engine;
  int ran = 0;
  for (int i = 1; i <= 10; ++i) engine.schedule_at(i, [&ran] { ++ran; });
  engine.run_while_not([&ran] { return ran == 4; });
  CHECK(ran == 4);
  CHECK(engine.now() == 4.0);
}

TEST_CASE("a cancelled event neither runs nor moves the clock, and cancelling a past event does nothing") {
  EventEngine engine;
  std::vector<int> ran;
  const auto first = engine.schedule_at(1.0, [&] { ran.push_back(1); });
  const auto late = engine.schedule_at(5.0, [&] { ran.push_back(5); });
  engine.schedule_at(2.0, [&] { ran.push_back(2); });
  engine.cancel(late);
  engine.cancel(late);  // twice: still one cancellation
  CHECK_FALSE(engine.empty());
  engine.run_until(1.5);
  engine.cancel(first);  // already ran; its slot is free
  engine.schedule_at(3.0, [&] { ran.push_back(3); });  // may reuse that slot: must still run
  engine.cancel(first);
  engine.run();
  CHECK(ran == std::vector{1, 2, 3});
  CHECK(engine.now() == 3.0);  // not 5: the cancelled event left no trace
  CHECK(engine.empty());
  CHECK(engine.events_processed() == 3);
  // A cancelled event at the front does not stop run_until from running what is due after it.
  const auto front = engine.schedule_at(4.0, [&] { ran.push_back(4); });
  engine.schedule_at(4.5, [&] { ran.push_back(45); });
  engine.cancel(front);
  engine.run_until(4.6);
  CHECK(ran.back() == 45);
  CHECK(engine.empty());
}

TEST_CASE("next_time is the earliest event still to run, a cancelled one skipped") {
  EventEngine engine;
  CHECK(engine.next_time() == std::numeric_limits<double>::infinity());
  const auto early = engine.schedule_at(1.0, [] {});
  engine.schedule_at(2.0, [] {}, 1);
  CHECK(engine.next_time() == 1.0);
  engine.cancel(early);
  CHECK(engine.next_time() == 2.0);
  engine.run();
  CHECK(engine.next_time() == std::numeric_limits<double>::infinity());
  CHECK(engine.events_processed() == 1);
}

TEST_CASE("times in the past and non-finite times are refused") {
  EventEngine engine;
  engine.schedule_at(1.0, [] {});
  engine.run();
  CHECK_THROWS_AS(engine.schedule_at(0.5, [] {}), std::logic_error);
  CHECK_THROWS_AS(engine.schedule_in(-1e-9, [] {}), std::logic_error);
  CHECK_THROWS_AS(engine.schedule_at(std::numeric_limits<double>::infinity(), [] {}), std::logic_error);
  CHECK_THROWS_AS(engine.schedule_at(std::nan(""), [] {}), std::logic_error);
  CHECK_THROWS_AS(engine.run_until(0.5), std::logic_error);
  CHECK_NOTHROW(engine.schedule_at(1.0, [] {}));  // the present is allowed
  CHECK(engine.events_processed() == 1);
}

TEST_CASE("a million self-rescheduling events run (throughput printed, not asserted)") {
  EventEngine engine;
  constexpr int kChains = 64, kEvents = 1'000'000;
  int remaining = kEvents;
  struct Chain {
    EventEngine* engine;
    int* remaining;
    void operator()() const {
      if (--*remaining >= kChains) engine->schedule_in(1e-6, *this);
    }
  };
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < kChains; ++c) engine.schedule_at(c * 1e-8, Chain{&engine, &remaining});
  engine.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(engine.events_processed() == static_cast<std::uint64_t>(kEvents));
  MESSAGE("event engine: ", engine.events_processed() / wall / 1e6, " M events/s");
}
