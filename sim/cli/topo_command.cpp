// `csgd topo`: what a topology is and what it implies for Algorithm 2 — size, diameter,
// degrees, the mixing matrix W and its spectrum, and Theorem 3's step-size bound.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <type_traits>
#include <variant>

#include <boost/program_options.hpp>
#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "csgd/errors.hpp"
#include "csgd/mixing_matrix.hpp"
#include "csgd/network.hpp"
#include "csgd/topology_registry.hpp"
#include "csgd/theory.hpp"
#include "csgd/units.hpp"

namespace csgd::cli {
namespace {

namespace po = boost::program_options;

std::vector<int> parse_dims(const std::string& text) {
  std::vector<int> dims;
  if (text.empty() || text.back() == 'x')  // getline drops an empty last part: "4x4x" would read as 4x4
    throw InputError(fmt::format("--dims: expected sizes like 4x4 or 4x4x2, got '{}'", text));
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, 'x');) {
    std::stringstream p(part);
    int d = 0;
    if (!(p >> d) || !p.eof()) throw InputError(fmt::format("--dims: expected sizes like 4x4 or 4x4x2, got '{}'", text));
    dims.push_back(d);
  }
  return dims;
}

// "all full-duplex", "all half-duplex" or "3 half-duplex" (links are directed pairs).
std::string duplex_counts(const PhysicalTopology& t) {
  std::size_t half = 0;
  for (const DirectedLink& l : t.links) half += l.half_duplex ? 1 : 0;
  half /= 2;
  if (half == 0) return "all full-duplex";
  if (half == t.links.size() / 2) return "all half-duplex";
  return fmt::format("{} half-duplex", half);
}

// hosts_per_leaf → hosts-per-leaf
std::string option_name(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

// A number from an option, all of it.
template <class T> T parse_number(const std::string& option, const std::string& text) {
  std::stringstream in(text);
  T v{};
  if (!(in >> v) || !in.eof()) throw InputError(fmt::format("--{}: expected a number, got '{}'", option, text));
  return v;
}

// Stores an option's text into the spec field a registry key names.
void set_key(TopologySpec& spec, const Key<TopologySpec>& key, const std::string& text) {
  const std::string option = option_name(std::string(key.name));
  std::visit(
      [&](auto member) {
        auto& field = spec.*member;
        using T = std::remove_reference_t<decltype(field)>;
        if constexpr (std::is_same_v<T, std::vector<int>>) field = parse_dims(text);
        else if constexpr (std::is_same_v<T, std::string>) field = text;
        else if constexpr (std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::int64_t>> ||
                           std::is_same_v<T, bool>)
          throw InputError(fmt::format("--{}: this option cannot be given on the command line", option));
        else field = parse_number<T>(option, text);
      },
      key.field);
}

double unit_value(const po::variables_map& vm, const char* key, std::optional<double> (*parse)(std::string_view),
                  const char* example) {
  const auto v = parse(vm[key].as<std::string>());
  if (!v) throw InputError(fmt::format("--{}: expected a value such as {}, got '{}'", key, example, vm[key].as<std::string>()));
  return *v;
}

}  // namespace

int topo_command(int argc, const char* const* argv) {
  po::options_description visible("Options of csgd topo NAME");
  visible.add_options()
      ("help,h", "print this help")
      ("workers,n", po::value<int>()->default_value(16), "hosts N")
      ("latency", po::value<std::string>()->default_value("5us"), "link latency α")
      ("bandwidth", po::value<std::string>()->default_value("10Gbps"), "link bandwidth B")
      ("mixing", po::value<std::string>()->default_value("auto"),
       "W's graph: auto (the host graph, or ring when the topology has switches), ring, line, torus, complete")
      ("beta", po::value<double>()->default_value(0.9, "0.9"), "momentum β for Theorem 3's bound")
      ("L", po::value<double>()->default_value(1.0), "smoothness L for Theorem 3's bound")
      ("links", "also list every link")
      ("json", "print JSON instead of text");
  // Each key a topology reads is an option: --hosts-per-leaf for hosts_per_leaf.
  po::options_description keys("Topology options (as in the experiment file; each applies to the topologies named)");
  std::vector<std::string> key_names;
  for (const TopologyEntry& e : TopologyRegistry::all())
    for (const auto& key : e.keys) {
      const std::string name(key.name);
      if (std::find(key_names.begin(), key_names.end(), name) != key_names.end()) continue;
      key_names.push_back(name);
      keys.add_options()(option_name(name).c_str(), po::value<std::string>(),
                         fmt::format("{} ({})", key.help, fmt::join(TopologyRegistry::members_reading(name), ", ")).c_str());
    }
  visible.add(keys);
  po::options_description all = visible;
  all.add_options()("name", po::value<std::string>(), "topology");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(fmt::format("{} (see csgd topo --help)", e.what()));
  }
  if (vm.count("help") || !vm.count("name")) {
    std::cout << "Usage: csgd topo NAME [options]\n\nNAME:\n";
    for (const TopologyEntry& e : TopologyRegistry::all()) std::cout << fmt::format("  {:<12} {}\n", e.name, e.help);
    std::cout << "\n" << visible << "\n";
    return vm.count("help") ? 0 : exit_bad_input;
  }
  const double beta = vm["beta"].as<double>(), L = vm["L"].as<double>();
  if (!(beta >= 0 && beta < 1)) throw InputError(fmt::format("--beta: β must be in [0, 1), got {}", beta));
  if (!(L > 0 && std::isfinite(L))) throw InputError(fmt::format("--L: must be > 0, got {}", L));

  TopologySpec spec;
  spec.name = vm["name"].as<std::string>();
  const TopologyEntry* entry = TopologyRegistry::find(spec.name);
  if (!entry)
    throw InputError(fmt::format("unknown topology '{}': one of {}", spec.name, fmt::join(TopologyRegistry::names(), ", ")));
  for (const std::string& name : key_names) {
    if (!vm.count(option_name(name))) continue;
    const auto& all_keys = entry->keys;
    const auto key = std::find_if(all_keys.begin(), all_keys.end(), [&](const auto& k) { return k.name == name; });
    if (key == all_keys.end())
      throw InputError(fmt::format("--{} {}", option_name(name),
                                   TopologyRegistry::not_read(spec.name + " (a topology)", name)));
    set_key(spec, *key, vm[option_name(name)].as<std::string>());
  }
  const int N = vm["workers"].as<int>();
  // topo builds the flow model's topology, which holds at most kMaxFlowHosts hosts.
  if (N < 1 || N > topology::kMaxFlowHosts)
    throw InputError(fmt::format("--workers: must be in 1..{} (the most hosts the flow model simulates), got {}",
                                 topology::kMaxFlowHosts, N));
  const double alpha = unit_value(vm, "latency", parse_duration_s, "5us");
  const double B = unit_value(vm, "bandwidth", parse_bandwidth_Bps, "10Gbps");
  if (!(alpha >= 0 && std::isfinite(alpha))) throw InputError(fmt::format("--latency: must be ≥ 0, got {} s", alpha));
  if (!(B > 0 && std::isfinite(B))) throw InputError(fmt::format("--bandwidth: must be > 0, got {} B/s", B));

  PhysicalTopology topology;
  MixingMatrix W;
  try {
    spec.validate();
    topology = build_topology(spec, N, alpha, B);
    const auto graph = host_graph(topology);
    MixingSpec mixing;
    mixing.topology = vm["mixing"].as<std::string>();
    W = build_mixing_matrix(mixing, N, graph ? &*graph : nullptr);
  } catch (const ValidationError& e) {
    // A setting's field as the option that gave it: the topology is NAME, mixing.* is --mixing.
    const std::string field = e.field();
    const std::string option = field == "name"                 ? std::string("NAME")
                               : field.rfind("mixing", 0) == 0 ? std::string("--mixing")
                                                               : "--" + option_name(field);
    throw InputError(fmt::format("{}: {}", option, e.what()));
  }

  const std::vector<int> degrees = topology.host_degrees();
  int dmin = degrees.front(), dmax = degrees.front();
  double dmean = 0;
  for (int d : degrees) {
    dmin = std::min(dmin, d);
    dmax = std::max(dmax, d);
    dmean += d;
  }
  dmean /= static_cast<double>(degrees.size());
  // Theorem 3's step-size limit, from the same formulas as `csgd bound`.
  BoundInputs in;
  in.L = L;
  in.beta = beta;
  in.N = N;
  const Algorithm2Conditions theorem3 = algorithm2_conditions(in, W.sqrt_rho);
  const double bound_a = theorem3.first_term, bound_b = theorem3.second_term;
  const double gamma_max = theorem3.gamma_condition.limit;

  if (vm.count("json")) {
    nlohmann::json j = {
        {"topology", topology.name}, {"hosts", topology.hosts}, {"switches", topology.nodes - topology.hosts},
        {"links", topology.links.size() / 2}, {"diameter_hops", topology.diameter_hops()},
        {"host_degree", {{"min", dmin}, {"mean", dmean}, {"max", dmax}}},
        {"mixing", {{"source", W.source}, {"weights", "Metropolis-Hastings: W_ij = 1/(1+max(d_i,d_j))"},
                    {"lambda2", W.lambda2}, {"lambdaN", W.lambdaN}, {"sqrt_rho", W.sqrt_rho},
                    {"spectral_gap", W.spectral_gap()}}},
        {"theorem3", {{"beta", beta}, {"L", L}, {"gamma_max", gamma_max}, {"term1", bound_a}, {"term2", bound_b}}}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("topology   {}\n", topology.name)
            << fmt::format("size       {} hosts, {} switches, {} links ({}; {}, {} each unless overridden)\n",
                           topology.hosts, topology.nodes - topology.hosts, topology.links.size() / 2,
                           duplex_counts(topology), format_duration(alpha), format_bandwidth(B))
            << fmt::format("diameter   {} hops between hosts\n", topology.diameter_hops())
            << fmt::format("degree     min {}, mean {:.3g}, max {} (links at each host)\n", dmin, dmean, dmax)
            << fmt::format("mixing W   {}: W_ij = 1/(1+max(d_i,d_j)) on edges, W_ii = 1 − Σ_j W_ij\n", W.source)
            << fmt::format("spectrum   λ2 = {:.6g}, λN = {:.6g}, √ρ = max(|λ2|,|λN|) = {:.6g}, 1 − √ρ = {:.6g}\n",
                           W.lambda2, W.lambdaN, W.sqrt_rho, W.spectral_gap())
            << fmt::format("Theorem 3  β = {}, L = {}: γ ≤ min{{(1−β)²(1−√ρ)²/(6L), (1−β)(1−√ρ)/(4L)}} = "
                           "min{{{:.4g}, {:.4g}}} = {:.4g}\n",
                           beta, L, bound_a, bound_b, gamma_max);
  if (vm.count("links")) {
    std::cout << "links\n";
    for (std::size_t e = 0; e < topology.links.size(); e += 2) {
      const DirectedLink& l = topology.links[e];
      std::cout << fmt::format("  {} – {}  {}  {}\n", l.from, l.to, format_duration(l.latency_s), format_bandwidth(l.bandwidth_Bps));
    }
  }
  return 0;
}

}  // namespace csgd::cli
