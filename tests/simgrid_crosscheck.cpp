// csgd's flow model against SimGrid 3.32 itself (test-only: tests/meson.build builds this only when
// libsimgrid-dev is installed). One process per topology and sharing model (SimGrid's engine is
// one per process): it builds the same platform from csgd's own topology and routes (one SimGrid
// link per physical link, split-duplex or shared; explicit host-to-host routes from csgd's
// Router, so switches are routers in all but name), replays csgd's message schedule for one round
// of each collective and of Algorithm 2's exchange with one SimGrid actor per host, and compares
// the simulated times with csgd's: every host's release from each collective, each round's end,
// and every exchanged message's arrival.
//
// Model mapping (see flow_network.cpp):
//   rtt-weighted: SimGrid's CM02 (network/model:CM02);
//   lv08:         SimGrid's LV08 (network/model:LV08, its default factors);
//   max-min:      CM02 over the same links with zero latency (SimGrid then shares equally, with no
//                 window bound), the actors adding each message's path latency after its last
//                 byte, as csgd's max-min model does.
// All with network/crosstraffic:0 (csgd does not model ACK traffic) and network/optim:Full
// (SimGrid's exact update; see main()). Message sizes are whole
// bytes (SimGrid counts bytes in integers); the program refuses a schedule that is not.
//
// Usage: simgrid_crosscheck TOPOLOGY MODEL      TOPOLOGY: star | fat-tree | torus | leaf-spine | custom
//                                               MODEL: max-min | rtt-weighted | lv08
// Exit 0 when every time agrees within 1e-6 relative, 1 otherwise, 2 on bad arguments.
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "csgd/event_engine.hpp"
#include "csgd/network.hpp"
#include "network/collective_program.hpp"

namespace sg4 = simgrid::s4u;

namespace {

constexpr double kTolerance = 1e-6;
constexpr double kM = 8388608;  // 8 MiB: every collective's pieces are whole bytes for N = 8, 16
constexpr double kRoundGap = 100.0;  // rounds start 100 s apart in one SimGrid run (each takes < 10 s)

struct Round {
  std::string name;
  std::unique_ptr<csgd::CollectiveProgram> program;  // null: Algorithm 2's exchange on a ring W
};

csgd::PhysicalTopology make_topology(const std::string& name, const std::filesystem::path& dir) {
  csgd::TopologySpec spec;
  const double latency = 5e-6, bandwidth = 1.25e9;  // 5 µs, 10 Gbps
  int N = 16;
  if (name == "star") {
    spec.name = "star";
    N = 8;
  } else if (name == "fat-tree" || name == "fat-tree-ecmp") {  // the same fabric, two ways of routing it
    spec.name = "fat-tree";
    spec.k = 4;
    spec.oversubscription = 2;
  } else if (name == "torus") {
    spec.name = "torus";
    spec.dims = {4, 4};
  } else if (name == "torus-16x16") {  // --speed: the contended flat ring of bench_network
    spec.name = "torus";
    spec.dims = {16, 16};
    N = 256;
  } else if (name == "leaf-spine") {
    spec.name = "leaf-spine";
  } else if (name == "custom") {
    // 8 hosts on two switches joined by a 20 ms long-haul link (where rtt-weighted's and lv08's
    // TCP window binds: 4 MiB / 40 ms = 105 MB/s < 1.25 GB/s), host 0 on a slow 1 Gbps link, and
    // a direct half-duplex link between hosts 0 and 1.
    spec.name = "custom";
    spec.file = (dir / "custom.txt").string();
    std::ofstream f(spec.file);
    f << "# hosts 0-7, switches 8 and 9\n";
    f << "0 8 - 1Gbps\n";
    for (int h = 1; h < 4; ++h) f << h << " 8\n";
    for (int h = 4; h < 8; ++h) f << h << " 9\n";
    f << "8 9 20ms\n";
    f << "0 1\n";
    N = 8;
    spec.links.push_back({0, 1, -1, -1, csgd::Duplex::half});
  } else {
    throw std::invalid_argument(fmt::format("unknown topology {}", name));
  }
  csgd::PhysicalTopology t = csgd::build_topology(spec, N, latency, bandwidth);
  if (name == "fat-tree-ecmp") t.routing = csgd::Routing::ecmp;
  return t;
}

std::vector<Round> rounds(int N) {
  std::vector<Round> r;
  r.push_back({"ring all-reduce", csgd::ring_allreduce_program(N, kM)});
  r.push_back({"halving-doubling", csgd::halving_doubling_program(N, kM)});
  r.push_back({"binomial tree", csgd::binomial_tree_program(N, kM)});
  r.push_back({"parameter server (1)", csgd::parameter_server_program(N, kM, 1)});
  r.push_back({"parameter server (4)", csgd::parameter_server_program(N, kM, 4)});
  r.push_back({"hierarchical ring", csgd::hierarchical_ring_program({N / 4, 4}, kM)});
  r.push_back({"neighbour exchange", nullptr});
  return r;
}

// Times of one round as csgd's flow model gives them: each host's release (the collective's
// done), the round's end (its last delivery), and for the exchange each message's arrival.
struct RoundTimes {
  std::vector<double> released;  // per host
  double end = 0;
  std::vector<double> arrivals;  // exchange: message k = (host i, neighbour k % 2)
  std::vector<std::tuple<double, int, int>> messages;  // (arrival, src, dst) of a collective's messages
};

// csgd's network as the collective sees it, logging each message's arrival.
class LoggingNetwork final : public csgd::NetworkModel, private csgd::Receiver {
 public:
  LoggingNetwork(csgd::NetworkModel& inner, const csgd::EventEngine& engine, RoundTimes& out)
      : inner_(inner), engine_(engine), out_(out) {}
  using csgd::NetworkModel::send;
  void send(int src, int dst, double bytes, csgd::Receiver& to, std::uint64_t tag) override {
    sent_.push_back({src, dst, &to, tag});
    inner_.send(src, dst, bytes, *this, sent_.size() - 1);
  }
  std::uint64_t flows_completed() const override { return inner_.flows_completed(); }
  double bytes_sent(int host) const override { return inner_.bytes_sent(host); }

 private:
  struct Sent {
    int src, dst;
    csgd::Receiver* to;
    std::uint64_t tag;
  };
  void delivered(std::uint64_t k) override {
    const Sent s = sent_[k];
    out_.messages.emplace_back(engine_.now(), s.src, s.dst);
    s.to->delivered(s.tag);
  }

  std::vector<Sent> sent_;
  csgd::NetworkModel& inner_;
  const csgd::EventEngine& engine_;
  RoundTimes& out_;
};

std::vector<std::pair<int, int>> exchange_messages(int N) {  // ring W: i → i ± 1
  std::vector<std::pair<int, int>> m;
  for (int i = 0; i < N; ++i) {
    m.emplace_back(i, (i + 1) % N);
    m.emplace_back(i, (i + N - 1) % N);
  }
  return m;
}

RoundTimes csgd_times(const csgd::PhysicalTopology& topology, csgd::FlowSharing sharing, const Round& round) {
  csgd::EventEngine engine;
  const auto network = csgd::make_flow_network(engine, topology, sharing);
  RoundTimes out;
  const int N = topology.hosts;
  if (!round.program) {
    const auto messages = exchange_messages(N);
    out.arrivals.assign(messages.size(), -1);
    for (std::size_t k = 0; k < messages.size(); ++k)
      network->send(messages[k].first, messages[k].second, kM, [&, k] { out.arrivals[k] = engine.now(); });
    engine.run();
    out.end = engine.now();
    return out;
  }
  out.released.assign(static_cast<std::size_t>(N), -1);
  // The executor owns the program: give it a copy made the same way (programs are pure functions).
  auto copy = round.name == "ring all-reduce"        ? csgd::ring_allreduce_program(N, kM)
              : round.name == "halving-doubling"     ? csgd::halving_doubling_program(N, kM)
              : round.name == "binomial tree"        ? csgd::binomial_tree_program(N, kM)
              : round.name == "parameter server (1)" ? csgd::parameter_server_program(N, kM, 1)
              : round.name == "parameter server (4)" ? csgd::parameter_server_program(N, kM, 4)
                                                     : csgd::hierarchical_ring_program({N / 4, 4}, kM);
  LoggingNetwork logged(*network, engine, out);
  const auto collective = csgd::run_collective_program(std::move(copy), logged,
                                                       [&](int h) { out.released[static_cast<std::size_t>(h)] = engine.now(); });
  for (int h = 0; h < N; ++h) collective->enter(h);
  engine.run();
  out.end = engine.now();
  return out;
}

// --- SimGrid side -------------------------------------------------------------------------------

struct Platform {
  std::vector<sg4::Host*> hosts;
  std::vector<std::vector<double>> path_latency;  // [src][dst], for the max-min emulation
};

Platform build_platform(const csgd::PhysicalTopology& t, bool zero_latency) {
  auto* zone = sg4::create_full_zone("csgd");
  Platform p;
  for (int h = 0; h < t.hosts; ++h) p.hosts.push_back(zone->create_host(fmt::format("h{}", h), 1e9));
  // One SimGrid link per physical link e (directed links 2e: a→b, UP; 2e + 1: b→a, DOWN).
  std::vector<sg4::Link*> links;
  for (std::size_t e = 0; 2 * e < t.links.size(); ++e) {
    const csgd::DirectedLink& l = t.links[2 * e];
    const std::string name = fmt::format("l{}", e);
    sg4::Link* link = l.half_duplex
                          ? zone->create_link(name, l.bandwidth_Bps)->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                          : zone->create_split_duplex_link(name, l.bandwidth_Bps);
    link->set_latency(zero_latency ? 0.0 : l.latency_s);
    links.push_back(link);
  }
  csgd::Router router(t);
  p.path_latency.assign(static_cast<std::size_t>(t.hosts), std::vector<double>(static_cast<std::size_t>(t.hosts), 0));
  for (int s = 0; s < t.hosts; ++s)
    for (int d = 0; d < t.hosts; ++d) {
      if (s == d) continue;
      std::vector<sg4::LinkInRoute> route;
      for (const int l : router.path(s, d)) {
        const auto e = static_cast<std::size_t>(l) / 2;
        const auto dir = !t.links[static_cast<std::size_t>(l)].half_duplex
                             ? (l % 2 == 0 ? sg4::LinkInRoute::Direction::UP : sg4::LinkInRoute::Direction::DOWN)
                             : sg4::LinkInRoute::Direction::NONE;
        route.emplace_back(links[e], dir);
      }
      p.path_latency[static_cast<std::size_t>(s)][static_cast<std::size_t>(d)] = router.latency_s(s, d);
      zone->add_route(p.hosts[static_cast<std::size_t>(s)]->get_netpoint(), p.hosts[static_cast<std::size_t>(d)]->get_netpoint(),
                      nullptr, nullptr, route, false);
    }
  zone->seal();
  return p;
}

std::uint64_t whole_bytes(double bytes) {
  if (bytes != std::floor(bytes)) {
    std::fprintf(stderr, "message of %.3f bytes: SimGrid sends whole bytes; pick sizes that divide\n", bytes);
    std::exit(2);
  }
  return static_cast<std::uint64_t>(bytes);
}

int g_payload = 0;  // what messages carry (SimGrid needs a pointer; the size is what counts)

// One host's actor for one collective round, started at `origin`: the program's steps in order,
// sends eager (the mailboxes have permanent receivers), a step complete once its message is in
// and, where it awaits its send, that send delivered. With `latency_after` (max-min emulation) a
// message counts as arrived its path latency after its last byte.
void collective_host(const csgd::CollectiveProgram& program, int host, double origin, const Platform& p,
                     bool latency_after, const std::string& tag, RoundTimes& out) {
  sg4::this_actor::sleep_until(origin);
  const auto mailbox = [&](int h, int step) { return sg4::Mailbox::by_name(fmt::format("{}:{}:{}", tag, h, step)); };
  const auto arrived_at = [&](const sg4::CommPtr& c, int src, int dst) {
    const double t = c->get_finish_time() + (latency_after ? p.path_latency[static_cast<std::size_t>(src)][static_cast<std::size_t>(dst)] : 0.0);
    sg4::this_actor::sleep_until(std::max(t, sg4::Engine::get_clock()));
  };
  std::vector<sg4::CommPtr> unawaited;
  const int steps = program.steps(host);
  for (int s = 0; s < steps; ++s) {
    if (s == program.result_steps(host)) out.released[static_cast<std::size_t>(host)] = sg4::Engine::get_clock() - origin;
    const csgd::CollectiveStep step = program.step(host, s);
    sg4::CommPtr sent;
    if (step.send_to >= 0) sent = mailbox(step.send_to, step.dst_step)->put_async(&g_payload, whole_bytes(step.send_bytes));
    if (step.recv_from >= 0) {
      int* data = nullptr;
      sg4::CommPtr got = mailbox(host, s)->get_async(&data);
      got->wait();
      out.messages.emplace_back(got->get_finish_time() - origin +
                                    (latency_after ? p.path_latency[static_cast<std::size_t>(step.recv_from)][static_cast<std::size_t>(host)] : 0.0),
                                step.recv_from, host);
      arrived_at(got, step.recv_from, host);
    }
    if (sent && step.await_send) {
      sent->wait();
      arrived_at(sent, host, step.send_to);
    } else if (sent) {
      unawaited.push_back(sent);
    }
  }
  if (program.result_steps(host) == steps) out.released[static_cast<std::size_t>(host)] = sg4::Engine::get_clock() - origin;
  out.end = std::max(out.end, sg4::Engine::get_clock() - origin);
  for (const auto& c : unawaited) c->wait();  // delivered before the round ends (a receiver awaits each)
}

void exchange_host(int host, int N, double origin, const Platform& p, bool latency_after, const std::string& tag,
                   RoundTimes& out) {
  sg4::this_actor::sleep_until(origin);
  const auto messages = exchange_messages(N);
  std::vector<sg4::CommPtr> sends;
  for (std::size_t k = 0; k < messages.size(); ++k)
    if (messages[k].first == host)
      sends.push_back(sg4::Mailbox::by_name(fmt::format("{}:{}", tag, k))->put_async(&g_payload, whole_bytes(kM)));
  for (std::size_t k = 0; k < messages.size(); ++k) {
    if (messages[k].second != host) continue;
    int* data = nullptr;
    sg4::CommPtr got = sg4::Mailbox::by_name(fmt::format("{}:{}", tag, k))->get_async(&data);
    got->wait();
    const double extra = latency_after ? p.path_latency[static_cast<std::size_t>(messages[k].first)][static_cast<std::size_t>(host)] : 0.0;
    out.arrivals[k] = got->get_finish_time() + extra - origin;
    out.end = std::max(out.end, out.arrivals[k]);
  }
  for (const auto& c : sends) c->wait();
}

double worst_relative(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::abs(a[k] - b[k]) / std::max(std::abs(a[k]), 1e-300));
  return worst;
}

}  // namespace

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

int main(int argc, char** argv) {
  // --speed: one flat ring all-reduce on a 16×16 torus (130,560 contended flows) under
  // rtt-weighted (SimGrid's CM02), each simulator's CPU seconds printed: a benchmark, and the
  // times must still agree.
  const bool speed = argc == 2 && std::string(argv[1]) == "--speed";
  const bool verbose = argc == 4 && std::string(argv[3]) == "--verbose";  // every host's and message's times
  if (argc != 3 && !verbose && !speed) {
    std::fprintf(stderr, "usage: simgrid_crosscheck star|fat-tree|fat-tree-ecmp|torus|leaf-spine|custom max-min|rtt-weighted|lv08 "
                         "[--verbose]\n"
                         "       simgrid_crosscheck --speed\n");
    return 2;
  }
  const std::string topology_name = speed ? "torus-16x16" : argv[1], model = speed ? "rtt-weighted" : argv[2];
  csgd::FlowSharing sharing;
  if (model == "max-min") sharing.model = csgd::Sharing::max_min;
  else if (model == "rtt-weighted") sharing.model = csgd::Sharing::rtt_weighted;
  else if (model == "lv08") sharing.model = csgd::Sharing::lv08;
  else return 2;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("csgd-simgrid-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const csgd::PhysicalTopology topology = make_topology(topology_name, dir);
  std::filesystem::remove_all(dir);
  const int N = topology.hosts;
  std::vector<Round> all = rounds(N);
  if (speed) all.resize(1);  // the ring all-reduce

  // SimGrid: its engine, its model, then the platform and one actor per host and round.
  int sg_argc = 1;
  char* sg_argv[] = {argv[0], nullptr};
  sg4::Engine engine(&sg_argc, sg_argv);
  sg4::Engine::set_config(fmt::format("network/model:{}", model == "lv08" ? "LV08" : "CM02"));
  sg4::Engine::set_config("network/crosstraffic:0");
  // SimGrid's exact update: its default lazy one (network/optim:Lazy) lets flows of one instant
  // exceed a link's capacity in some schedules (the parameter server with 4 servers on a star:
  // 2 → 3 done in 2.36 ms where 7 flows share the link, 11.75 ms under Full and in csgd).
  sg4::Engine::set_config("network/optim:Full");
  const bool latency_after = model == "max-min";
  const Platform platform = build_platform(topology, latency_after);
  std::vector<RoundTimes> simgrid(all.size());
  for (std::size_t r = 0; r < all.size(); ++r) {
    RoundTimes& out = simgrid[r];
    const double origin = kRoundGap * static_cast<double>(r);
    const std::string tag = fmt::format("r{}", r);
    if (!all[r].program) {
      out.arrivals.assign(exchange_messages(N).size(), -1);
      for (int h = 0; h < N; ++h) {
        auto actor = sg4::Actor::create(fmt::format("{}h{}", tag, h), platform.hosts[static_cast<std::size_t>(h)],
                                        [h, N, origin, &platform, latency_after, tag, &out] {
                                          exchange_host(h, N, origin, platform, latency_after, tag, out);
                                        });
        const auto messages = exchange_messages(N);
        for (std::size_t k = 0; k < messages.size(); ++k)
          if (messages[k].second == h) sg4::Mailbox::by_name(fmt::format("{}:{}", tag, k))->set_receiver(actor);
      }
      continue;
    }
    out.released.assign(static_cast<std::size_t>(N), -1);
    const csgd::CollectiveProgram& program = *all[r].program;
    for (int h = 0; h < N; ++h) {
      auto actor = sg4::Actor::create(fmt::format("{}h{}", tag, h), platform.hosts[static_cast<std::size_t>(h)],
                                      [&program, h, origin, &platform, latency_after, tag, &out] {
                                        collective_host(program, h, origin, platform, latency_after, tag, out);
                                      });
      for (int s = 0; s < program.steps(h); ++s)
        sg4::Mailbox::by_name(fmt::format("{}:{}:{}", tag, h, s))->set_receiver(actor);
    }
  }
  const double simgrid_cpu0 = cpu_seconds();
  engine.run();
  const double simgrid_cpu_s = cpu_seconds() - simgrid_cpu0;
  if (speed) {
    const double csgd_cpu0 = cpu_seconds();
    const RoundTimes mine = csgd_times(topology, sharing, all[0]);
    const double csgd_cpu_s = cpu_seconds() - csgd_cpu0;
    const double flows = static_cast<double>(mine.messages.size());
    const double worst = std::max(std::abs(mine.end - simgrid[0].end) / mine.end, worst_relative(mine.released, simgrid[0].released));
    std::printf("%s, ring all-reduce of 8 MiB, %s sharing: %.0f flows, end %.9f s (SimGrid %.9f s, worst rel. %.1e)\n",
                topology.name.c_str(), model.c_str(), flows, mine.end, simgrid[0].end, worst);
    std::printf("  csgd     %8.3f CPU s  %10.0f flows per CPU-second\n", csgd_cpu_s, flows / csgd_cpu_s);
    std::printf("  SimGrid  %8.3f CPU s  %10.0f flows per CPU-second (engine.run(), platform built before)\n",
                simgrid_cpu_s, flows / simgrid_cpu_s);
    std::printf("  csgd / SimGrid: %.1f× the flows per CPU-second (target ≥ 10×)\n", simgrid_cpu_s / csgd_cpu_s);
    return worst <= kTolerance ? 0 : 1;
  }

  std::printf("%s, %d hosts, %s sharing: csgd's flow model against SimGrid %s\n", topology.name.c_str(), N,
              model.c_str(), "3.32");
  std::printf("%-22s %14s %14s %12s\n", "round", "csgd end (s)", "SimGrid (s)", "worst rel.");
  bool ok = true;
  for (std::size_t r = 0; r < all.size(); ++r) {
    const RoundTimes mine = csgd_times(topology, sharing, all[r]);
    const RoundTimes& theirs = simgrid[r];
    double worst = std::abs(mine.end - theirs.end) / mine.end;
    worst = std::max(worst, all[r].program ? worst_relative(mine.released, theirs.released)
                                           : worst_relative(mine.arrivals, theirs.arrivals));
    ok = ok && worst <= kTolerance;
    std::printf("%-22s %14.9f %14.9f %12.2e%s\n", all[r].name.c_str(), mine.end, theirs.end, worst,
                worst <= kTolerance ? "" : "  DIFFERS");
    if (verbose && all[r].program) {  // every message, in order of arrival
      auto a = mine.messages, b = theirs.messages;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
        std::printf("    %2d→%-2d %14.9f   %2d→%-2d %14.9f\n", std::get<1>(a[k]), std::get<2>(a[k]), std::get<0>(a[k]),
                    std::get<1>(b[k]), std::get<2>(b[k]), std::get<0>(b[k]));
    }
    if (verbose) {
      const auto& a = all[r].program ? mine.released : mine.arrivals;
      const auto& b = all[r].program ? theirs.released : theirs.arrivals;
      for (std::size_t k = 0; k < a.size(); ++k) std::printf("    %3zu %14.9f %14.9f\n", k, a[k], b[k]);
    }
  }
  return ok ? 0 : 1;
}
