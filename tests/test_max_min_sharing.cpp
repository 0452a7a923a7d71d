// Max-min sharing by progressive filling, and the selective re-solve the flow network relies on:
// re-solving only the components a change touched gives a full solve's rates bit for bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "network/max_min_sharing.hpp"

using csgd::MaxMinSharing;

namespace {

std::vector<std::span<const int>> spans(const std::vector<std::vector<int>>& routes) {
  return {routes.begin(), routes.end()};
}

std::vector<double> solved(MaxMinSharing& sharing, const std::vector<std::vector<int>>& routes) {
  std::vector<double> rates(routes.size(), -1);
  const auto r = spans(routes);
  sharing.solve(r, rates);
  return rates;
}

// Routes of 1–4 distinct links drawn from `links`, so that flows form several components.
std::vector<std::vector<int>> random_routes(std::mt19937_64& rng, int flows, int links) {
  std::vector<std::vector<int>> routes;
  for (int f = 0; f < flows; ++f) {
    std::vector<int> route;
    const int length = 1 + static_cast<int>(rng() % 4);
    const int start = static_cast<int>(rng() % static_cast<std::uint64_t>(links));
    const int stride = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < length; ++k) route.push_back((start + k * stride) % links);
    std::sort(route.begin(), route.end());
    route.erase(std::unique(route.begin(), route.end()), route.end());
    routes.push_back(route);
  }
  return routes;
}

}  // namespace

TEST_CASE("progressive filling gives a bottlenecked flow's unused share to the others") {
  // Links 0 (capacity 10) and 1 (capacity 3): flow 0 crosses both, flows 1 and 2 only link 0.
  MaxMinSharing sharing({10, 3});
  const auto rates = solved(sharing, {{0, 1}, {0}, {0}});
  CHECK(rates[0] == 3);
  CHECK(rates[1] == 3.5);
  CHECK(rates[2] == 3.5);
}

TEST_CASE("re-solving only the changed components gives a full solve's rates bit for bit") {
  std::mt19937_64 rng(7);
  constexpr int kLinks = 60;
  std::vector<double> capacity(kLinks);
  for (double& c : capacity) c = 1e9 * (0.5 + static_cast<double>(rng() % 1000) / 500.0);
  MaxMinSharing full(capacity), selective(capacity);
  int partial = 0;
  for (int trial = 0; trial < 200; ++trial) {
    auto routes = random_routes(rng, 5 + static_cast<int>(rng() % 30), kLinks);
    std::vector<double> rates = solved(selective, routes);  // the state before the change
    // The change: some flows end, one starts. Survivors keep their rates, the newcomer has none.
    std::vector<int> changed;
    std::vector<std::vector<int>> next;
    std::vector<double> next_rates;
    for (std::size_t f = 0; f < routes.size(); ++f) {
      if (rng() % 5 == 0) {
        changed.insert(changed.end(), routes[f].begin(), routes[f].end());
      } else {
        next.push_back(routes[f]);
        next_rates.push_back(rates[f]);
      }
    }
    const auto added = random_routes(rng, 1, kLinks).front();
    changed.insert(changed.end(), added.begin(), added.end());
    next.push_back(added);
    next_rates.push_back(0);

    const auto r = spans(next);
    const std::size_t resolved = selective.solve_changed(r, changed, next_rates);
    const auto expected = solved(full, next);
    for (std::size_t f = 0; f < next.size(); ++f) CHECK(next_rates[f] == expected[f]);  // exact, not approximate
    partial += resolved < next.size();
  }
  CHECK(partial > 50);  // most trials leave some flows alone, or this would not test the selection
}
