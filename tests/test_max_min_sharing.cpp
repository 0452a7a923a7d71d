// Max-min sharing by progressive filling, and the selective re-solve the flow network relies on:
// re-solving only the component a change touched (LinkFlows) gives a full solve's rates bit for bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "network/link_flows.hpp"
#include "network/max_min_sharing.hpp"

using csgd::LinkFlows;
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

TEST_CASE("flows that share no link each get their route's smallest capacity, and the solver is ready for the next call") {
  MaxMinSharing sharing({10, 3, 7, 5, 2});
  CHECK(solved(sharing, {{0, 1}, {2}, {3, 4}}) == std::vector<double>{3, 7, 2});
  // The links those flows used start the next, shared, problem empty: flows 0 and 1 split link
  // 0's 10, flow 1 is capped by link 1 at 3, so flow 0 gets 7.
  CHECK(solved(sharing, {{0}, {0, 1}}) == std::vector<double>{7, 3});
  CHECK(solved(sharing, {{2, 3}}) == std::vector<double>{5});
}

TEST_CASE("a flow held below its weighted share by its own bound leaves the rest of the link to the others") {
  // One link of capacity 1. Weights 4 : 1 would give 0.8 and 0.2, but flow 0 is bounded at 0.6:
  // it is fixed there first and flow 1 takes the 0.4 left (not its share 0.2 of the whole link).
  MaxMinSharing sharing({1});
  const std::vector<std::vector<int>> routes{{0}, {0}};
  const std::vector<double> weights{4, 1}, capped{0.6, std::numeric_limits<double>::infinity()};
  std::vector<double> rates(2, -1);
  sharing.solve(spans(routes), rates, {weights, capped});
  CHECK(rates[0] == 0.6);
  CHECK(rates[1] == doctest::Approx(0.4).epsilon(1e-15));
  // A bound at or above the capacity never binds: 0.8 and 0.2.
  for (const double b : {1.0, 1.5, 1.99, 2.0, 10.0}) {
    const std::vector<double> bounds{b, b / 4};
    sharing.solve(spans(routes), rates, {weights, bounds});
    CHECK(rates[0] == doctest::Approx(0.8).epsilon(1e-15));
    CHECK(rates[1] == doctest::Approx(0.2).epsilon(1e-15));
  }
}

TEST_CASE("a flow alone on its links gets from the shortcut exactly what the solve gives it") {
  // The flow model skips the solve for flows alone on every link (max_min_sharing.hpp): the
  // shortcut must be the solve's own result, bit for bit, whatever the weight and bound — bounds
  // drawn around the route's capacities and exactly at its level (the tie the solve breaks
  // towards the bound).
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.1, 10.0);
  std::vector<double> capacity(6);
  for (double& c : capacity) c = unit(rng);
  capacity[5] = capacity[4];  // two equally narrow links
  MaxMinSharing sharing(capacity);
  int bound_won = 0, link_won = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const std::vector<std::vector<int>> route = random_routes(rng, 1, 6);
    const double weight = trial % 5 == 0 ? 1.0 : unit(rng);
    double smallest = capacity[static_cast<std::size_t>(route[0][0])];
    for (int l : route[0]) smallest = std::min(smallest, capacity[static_cast<std::size_t>(l)]);
    const double draws[] = {std::numeric_limits<double>::infinity(), smallest * unit(rng) / 4, smallest,
                            smallest / weight * weight, 1.999 * smallest, 2 * smallest};
    const double bound = draws[trial % 6];
    std::vector<double> rate(1, -1);
    const std::vector<double> w{weight}, b{bound};
    sharing.solve(spans(route), rate, {w, b});
    CAPTURE(trial);
    CHECK(sharing.alone_rate(route[0], weight, bound) == rate[0]);
    (rate[0] == bound ? bound_won : link_won) += 1;
    if (weight == 1.0 && !std::isfinite(bound)) CHECK(sharing.smallest_capacity(route[0]) == solved(sharing, route)[0]);
  }
  CHECK(bound_won > 100);  // both outcomes were exercised
  CHECK(link_won > 100);
}

TEST_CASE("re-solving only the component around the changed links gives a full solve's rates bit for bit") {
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

    // The flow network's way: the component around the changed links, in flow order, alone.
    LinkFlows on_links(kLinks);
    for (std::size_t f = 0; f < next.size(); ++f) on_links.add(static_cast<int>(f), next[f]);
    const auto found = on_links.component(changed, [&](int f) { return std::span<const int>(next[static_cast<std::size_t>(f)]); });
    std::vector<int> picked(found.begin(), found.end());
    std::sort(picked.begin(), picked.end());
    std::vector<std::span<const int>> picked_routes;
    for (int f : picked) picked_routes.emplace_back(next[static_cast<std::size_t>(f)]);
    std::vector<double> picked_rates(picked.size());
    selective.solve(picked_routes, picked_rates);
    for (std::size_t k = 0; k < picked.size(); ++k) next_rates[static_cast<std::size_t>(picked[k])] = picked_rates[k];

    const auto expected = solved(full, next);
    for (std::size_t f = 0; f < next.size(); ++f) CHECK(next_rates[f] == expected[f]);  // exact, not approximate
    partial += picked.size() < next.size();
  }
  CHECK(partial > 50);  // most trials leave some flows alone, or this would not test the selection
}

TEST_CASE("the component around a link holds exactly the flows connected to it through shared links") {
  // Flows 0–1 share link 1, flows 1–2 share link 3; flow 3 is alone on links 7–8; link 5 is empty.
  const std::vector<std::vector<int>> routes{{0, 1}, {1, 3}, {3, 4}, {7, 8}};
  LinkFlows on_links(10);
  for (std::size_t f = 0; f < routes.size(); ++f) on_links.add(static_cast<int>(f), routes[f]);
  const auto route_of = [&](int f) { return std::span<const int>(routes[static_cast<std::size_t>(f)]); };
  const auto sorted = [](std::span<const int> s) {
    std::vector<int> v(s.begin(), s.end());
    std::sort(v.begin(), v.end());
    return v;
  };
  CHECK(sorted(on_links.component(std::vector{0}, route_of)) == std::vector{0, 1, 2});
  CHECK(sorted(on_links.component(std::vector{8, 8}, route_of)) == std::vector{3});
  CHECK(on_links.component(std::vector{5}, route_of).empty());
  on_links.remove(1, routes[1]);  // flow 1 ends: 0 and 2 are no longer connected
  CHECK(sorted(on_links.component(std::vector{0}, route_of)) == std::vector{0});
  CHECK(sorted(on_links.component(std::vector{1, 4}, route_of)) == std::vector{0, 2});
  CHECK(on_links.flows_on(1) == 1);
  CHECK_THROWS_AS(on_links.remove(1, routes[1]), std::logic_error);
}

TEST_CASE("after many starts and ends with reused flow ids, the component and the per-link counts are those of the live flows") {
  // Removal is lazy (dead entries stay in the link lists until a search or a growing list drops
  // them); a brute-force search over the live flows is the reference.
  constexpr int kLinks = 40, kIds = 30;
  std::mt19937_64 rng(7);
  std::vector<std::vector<int>> route(kIds);  // empty: id not in use
  LinkFlows on_links(kLinks);
  const auto route_of = [&](int f) { return std::span<const int>(route[static_cast<std::size_t>(f)]); };
  const auto brute_force = [&](const std::vector<int>& changed) {
    std::vector<char> link(kLinks, 0), flow(kIds, 0);
    for (int l : changed) link[static_cast<std::size_t>(l)] = 1;
    for (bool grew = true; grew;) {
      grew = false;
      for (int f = 0; f < kIds; ++f) {
        const auto& r = route[static_cast<std::size_t>(f)];
        if (flow[static_cast<std::size_t>(f)] || std::none_of(r.begin(), r.end(), [&](int l) { return link[static_cast<std::size_t>(l)] != 0; })) continue;
        flow[static_cast<std::size_t>(f)] = grew = true;
        for (int l : r) link[static_cast<std::size_t>(l)] = 1;
      }
    }
    std::vector<int> found;
    for (int f = 0; f < kIds; ++f)
      if (flow[static_cast<std::size_t>(f)]) found.push_back(f);
    return found;
  };
  for (int op = 0; op < 20000; ++op) {
    const int f = static_cast<int>(rng() % kIds);
    auto& r = route[static_cast<std::size_t>(f)];
    if (r.empty()) {
      // Mostly short routes over a few busy links, so lists grow long between searches.
      const int length = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < length; ++k) r.push_back(static_cast<int>(rng() % (rng() % 4 == 0 ? kLinks : 6)));
      std::sort(r.begin(), r.end());
      r.erase(std::unique(r.begin(), r.end()), r.end());
      on_links.add(f, r);
    } else {
      on_links.remove(f, r);
      r.clear();
    }
    if (op % 7 != 0) continue;  // searches are rarer than changes
    const std::vector<int> changed{static_cast<int>(rng() % kLinks), static_cast<int>(rng() % kLinks)};
    const auto found = on_links.component(changed, route_of);
    std::vector<int> got(found.begin(), found.end());
    std::sort(got.begin(), got.end());
    REQUIRE(got == brute_force(changed));
    for (int l = 0; l < kLinks; ++l) {
      const auto on = std::count_if(route.begin(), route.end(), [&](const std::vector<int>& x) { return std::find(x.begin(), x.end(), l) != x.end(); });
      REQUIRE(on_links.flows_on(l) == static_cast<std::size_t>(on));
    }
  }
}
