#include <doctest/doctest.h>

#include <stdexcept>

#include "csgd/event_engine.hpp"
#include "csgd/traffic_books.hpp"

using csgd::EventEngine;
using csgd::TrafficBooks;

TEST_CASE("a watching host's time is busy while a message of its is in flight and idle otherwise") {
  EventEngine engine;
  TrafficBooks books(engine, 3);
  engine.schedule_at(1.0, [&] { books.watch(1); });             // idle from 1
  engine.schedule_at(2.0, [&] { books.will_send(1, 2, 10); });  // busy from 2
  engine.schedule_at(3.0, [&] { books.will_send(0, 1, 5); });   // still busy: 2 in flight
  engine.schedule_at(4.0, [&] { books.landed(1, 2); });
  engine.schedule_at(6.0, [&] {
    books.landed(0, 1);           // idle from 6 …
    books.will_send(1, 0, 1);     // … but busy again at the same instant: nothing idle
  });
  engine.schedule_at(7.0, [&] { books.landed(1, 0); });  // idle from 7
  engine.run();
  CHECK(books.split(1).busy_s == 5.0);  // a watching host's split so far, at 7
  CHECK(books.split(1).idle_s == 1.0);
  engine.schedule_at(8.5, [&] {  // the open stretch (idle since 7) counts up to now
    CHECK(books.split(1).busy_s == 5.0);
    CHECK(books.split(1).idle_s == 2.5);
  });
  engine.schedule_at(9.0, [&] {  // and a busy one likewise, though nothing settled since 7
    books.will_send(0, 1, 0);
    books.will_send(0, 1, 0);  // 1 → 2: no settling
  });
  engine.schedule_at(9.25, [&] {
    CHECK(books.split(1).busy_s == 5.25);
    CHECK(books.split(1).idle_s == 3.0);
    books.landed(0, 1);
    books.landed(0, 1);
  });
  engine.schedule_at(9.5, [&] {
    const TrafficBooks::Split s = books.unwatch(1);
    CHECK(s.busy_s == 5.25);  // 2 → 7 and 9 → 9.25
    CHECK(s.idle_s == 3.25);  // 1 → 2, 7 → 9 and 9.25 → 9.5
  });
  engine.run();
  CHECK(books.in_flight(1) == 0);
  CHECK(books.messages_in_flight() == 0);
  CHECK(books.bytes_total() == 16.0);
  CHECK(books.bytes_max_sender() == 11.0);
  CHECK(books.split(1).busy_s == 5.25);  // no longer watching: no open stretch
}

TEST_CASE("hosts that do not watch keep counts and bytes but no time, and watching twice is refused") {
  EventEngine engine;
  TrafficBooks books(engine, 2);
  books.will_send(0, 1, 3);
  CHECK(books.in_flight(0) == 1);
  CHECK(books.in_flight(1) == 1);
  CHECK(books.messages_in_flight() == 1);
  engine.schedule_at(2.0, [&] { books.watch(1); });  // a message to it is in flight already: busy
  engine.schedule_at(5.0, [&] { books.landed(0, 1); });
  engine.schedule_at(6.0, [&] {
    const TrafficBooks::Split s = books.unwatch(1);
    CHECK(s.busy_s == 3.0);
    CHECK(s.idle_s == 1.0);
  });
  engine.run();
  CHECK(books.split(0).busy_s == 0.0);
  books.watch(0);
  CHECK_THROWS_AS(books.watch(0), std::logic_error);
  CHECK_THROWS_AS(books.unwatch(1), std::logic_error);
}
