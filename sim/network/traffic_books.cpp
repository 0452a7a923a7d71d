// A round's books: bytes per sender, messages in flight per host, watching hosts' busy/idle time.
#include "csgd/traffic_books.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace csgd {

TrafficBooks::TrafficBooks(const EventEngine& engine, int hosts)
    : engine_(engine), hosts_(static_cast<std::size_t>(std::max(hosts, 0))) {}

void TrafficBooks::watch(int host_id) {
  Host& x = host(host_id);
  if (x.watching) throw std::logic_error(fmt::format("traffic books: host {} watches twice", host_id));
  x.watching = true;
  x.since = engine_.now();
  x.split = {};
}

TrafficBooks::Split TrafficBooks::unwatch(int host_id) {
  Host& x = host(host_id);
  if (!x.watching) throw std::logic_error(fmt::format("traffic books: host {} is not watching", host_id));
  settle(x);
  x.watching = false;
  return x.split;
}

TrafficBooks::Split TrafficBooks::split(int host_id) const {
  Host x = hosts_[at(host_id)];
  if (x.watching) settle(x);  // a copy settled: the open stretch up to now, the books untouched
  return x.split;
}

double TrafficBooks::bytes_total() const {
  return std::accumulate(hosts_.begin(), hosts_.end(), 0.0, [](double s, const Host& x) { return s + x.bytes_sent; });
}

double TrafficBooks::bytes_max_sender() const {
  double most = 0;
  for (const Host& x : hosts_) most = std::max(most, x.bytes_sent);
  return most;
}

}  // namespace csgd
