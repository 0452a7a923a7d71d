// `csgd bound`: Theorems 1–3 and Corollaries 1–3 for given quantities, term by term. A violated
// condition is said plainly; nothing is clipped.
#include <cmath>
#include <iostream>
#include <optional>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "csgd/algorithm.hpp"
#include "csgd/cluster_setup.hpp"
#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "csgd/theory.hpp"

namespace csgd::cli {
namespace {

namespace po = boost::program_options;

// Quantities read from a synthetic experiment file: its exact constants and settings.
struct FromFile {
  BoundInputs in;
  std::optional<double> sqrt_rho;
};

// `missing_constants`: the options among --L, --sigma, --kappa, --f0 not given. Only the synthetic
// problem knows its constants; for another problem the file gives the settings and the command
// line must give all four.
// `T_option`: --T, which decides T (and a theory schedule's γ) over the file's stop.iterations.
FromFile read_experiment_quantities(const std::string& file, const std::vector<std::string>& missing_constants,
                                    std::optional<std::int64_t> T_option) {
  const ExperimentPlan plan = load_experiment(file, {});
  const RunPlan& run = plan.runs.front();
  const ExperimentConfig& c = run.config;
  const bool synthetic = c.problem.model == "synthetic";
  if (!synthetic && !missing_constants.empty())
    throw InputError(fmt::format("{}: L, σ, κ and f* are known exactly only for the synthetic problem; give {} too "
                                 "(the file gives the other quantities)",
                                 file, fmt::join(missing_constants, ", ")));
  if (!c.stop.iterations && !T_option)
    throw InputError(fmt::format("{}: stops after epochs, not iterations: give --T (or set stop.iterations)", file));
  FromFile f;
  if (synthetic) {
    auto problem = make_problem<double>(c.problem, c.N, c.seed);
    const auto constants = *problem->constants();
    Vector<double> x0(problem->dimension());
    problem->initial_point({x0.data(), static_cast<std::size_t>(x0.size())});
    f.in.L = constants.L;
    f.in.sigma = constants.sigma;
    f.in.kappa = constants.kappa;
    f.in.f_gap = problem->evaluate({x0.data(), static_cast<std::size_t>(x0.size())}, {}).train_loss - constants.f_lower;
  }
  f.in.beta = c.algorithm.beta;
  f.in.nesterov = c.algorithm.nesterov;
  f.in.I = c.algorithm.I;
  f.in.N = c.N;
  f.in.T = T_option ? *T_option : *c.stop.iterations;
  f.in.gamma = learning_rate(c.algorithm.lr, 1, 0, f.in.T, c.N);
  // W exactly as the run builds it (the flow model's host graph for `mixing: auto`).
  if (const ResolvedCluster cluster = resolve_cluster(run); cluster.W) f.sqrt_rho = cluster.W->sqrt_rho;
  return f;
}

std::string verdict(const Condition& c) {
  return fmt::format("{} = {:.6g}: {} ({} = {:.6g})", c.rule, c.limit, c.holds() ? "holds" : "VIOLATED",
                     c.rule.substr(0, c.rule.find(' ')), c.value);
}

std::string percent(double part, double total) { return total > 0 ? fmt::format("{:5.1f}%", 100 * part / total) : "-"; }

}  // namespace

int bound_command(int argc, const char* const* argv) {
  po::options_description o("Options of csgd bound");
  o.add_options()
      ("help,h", "print this help")
      ("from", po::value<std::string>(), "read the quantities from an experiment file (options below override; L, σ, κ "
       "and f0 only from a synthetic one, else give them)")
      ("L", po::value<double>(), "smoothness L")
      ("sigma", po::value<double>(), "gradient noise σ")
      ("kappa", po::value<double>(), "heterogeneity κ")
      ("beta", po::value<double>(), "momentum β")
      ("gamma", po::value<double>(), "learning rate γ")
      ("I", po::value<std::int64_t>(), "sync interval I (default 1)")
      ("N", po::value<int>(), "workers N")
      ("T", po::value<std::int64_t>(), "iterations T")
      ("f0", po::value<double>(), "f(x̄⁰) − f*")
      ("nesterov", "Option II (Theorem 2) instead of Option I (Theorem 1)")
      ("sqrt-rho", po::value<double>(), "√ρ of W, for Theorem 3 (Algorithm 2)")
      ("json", "print JSON");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(o).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(fmt::format("{} (see csgd bound --help)", e.what()));
  }
  if (vm.count("help")) {
    std::cout << "Usage: csgd bound --L … --sigma … --kappa … --beta … --gamma … --I … --N … --T … --f0 …\n"
                 "       csgd bound --from FILE.yaml [overrides]\n\n"
              << o << "\n";
    return 0;
  }
  FromFile base;
  std::vector<std::string> missing;
  const bool from_file = vm.count("from") > 0;
  if (from_file) {
    std::vector<std::string> constants_missing;
    for (const char* key : {"L", "sigma", "kappa", "f0"})
      if (!vm.count(key)) constants_missing.push_back(std::string("--") + key);
    std::optional<std::int64_t> T_option;
    if (vm.count("T")) T_option = vm["T"].as<std::int64_t>();
    base = read_experiment_quantities(vm["from"].as<std::string>(), constants_missing, T_option);
  }
  BoundInputs& in = base.in;
  const auto take = [&](const char* key, auto& field) {
    using T = std::decay_t<decltype(field)>;
    if (vm.count(key)) field = vm[key].as<T>();
    else if (!from_file) missing.push_back(std::string("--") + key);
  };
  take("L", in.L);
  take("sigma", in.sigma);
  take("kappa", in.kappa);
  take("beta", in.beta);
  take("gamma", in.gamma);
  take("N", in.N);
  take("T", in.T);
  take("f0", in.f_gap);
  if (vm.count("I")) in.I = vm["I"].as<std::int64_t>();
  if (vm.count("nesterov")) in.nesterov = true;
  if (vm.count("sqrt-rho")) base.sqrt_rho = vm["sqrt-rho"].as<double>();
  if (!missing.empty())
    throw InputError(fmt::format("csgd bound is missing {} (or give --from FILE.yaml)", fmt::join(missing, ", ")));
  try {
    in.validate();
  } catch (const ValidationError& e) {
    throw InputError(fmt::format("--{}: {}", e.field(), e.what()));
  }
  if (base.sqrt_rho && !(*base.sqrt_rho >= 0 && *base.sqrt_rho < 1))
    throw InputError(fmt::format("--sqrt-rho: Assumption 2 needs 0 ≤ √ρ < 1, got {}", *base.sqrt_rho));

  const Algorithm1Bound b = algorithm1_bound(in);
  const CorollaryPrescription cp = corollary_prescription(in);
  std::optional<Algorithm2Conditions> a2;
  if (base.sqrt_rho) a2 = algorithm2_conditions(in, *base.sqrt_rho);

  if (vm.count("json")) {
    const auto cond = [](const Condition& c) {
      return nlohmann::json{{"rule", c.rule}, {"limit", c.limit}, {"value", c.value}, {"holds", c.holds()}};
    };
    nlohmann::json j = {
        {"inputs", {{"L", in.L}, {"sigma", in.sigma}, {"kappa", in.kappa}, {"beta", in.beta}, {"gamma", in.gamma},
                    {"I", in.I}, {"N", in.N}, {"T", in.T}, {"f0_minus_fstar", in.f_gap}, {"nesterov", in.nesterov}}},
        {"theorem", in.nesterov ? 2 : 1},
        {"conditions", {cond(b.gamma_condition), cond(b.I_condition)}},
        {"conditions_hold", b.conditions_hold()},
        {"largest_I", b.largest_I},
        {"bound", {{"optimisation", b.optimisation_term}, {"noise", b.noise_term},
                   {"drift_noise", b.drift_noise_term}, {"heterogeneity", b.heterogeneity_term},
                   {"total", b.total()}}},
        {"corollaries", {{"gamma", cp.gamma}, {"T_min_corollary1", cp.T_min_corollary1},
                         {"T_min_theorem_gamma", cp.T_min_theorem_gamma},
                         {"T_min_corollary1_with_gamma_condition", cp.T_min_corollary1_exact()},
                         {"T_min_corollary2", cp.T_min_corollary2}, {"I_max_kappa_zero", cp.I_max_identical},
                         {"I_max_kappa_nonzero", cp.I_max_non_identical}, {"rounds_kappa_zero", cp.rounds_identical},
                         {"rounds_kappa_nonzero", cp.rounds_non_identical}}}};
    if (a2)
      j["theorem3"] = {{"sqrt_rho", a2->sqrt_rho}, {"condition", cond(a2->gamma_condition)},
                       {"T_min_corollary3", a2->T_min_corollary3}, {"T_min_theorem3_gamma", a2->T_min_theorem3_gamma}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }

  const double total = b.total();
  const auto holds = [&](double T_min) { return static_cast<double>(in.T) >= T_min ? "holds" : "VIOLATED"; };
  std::cout << fmt::format("Theorem {} (Algorithm 1, Option {}): L = {}, σ = {}, κ = {}, β = {}, γ = {}, I = {}, N = {}, "
                           "T = {}, f(x̄⁰) − f* = {}\n",
                           in.nesterov ? 2 : 1, in.nesterov ? "II, Nesterov" : "I, Polyak", in.L, in.sigma, in.kappa,
                           in.beta, in.gamma, in.I, in.N, in.T, in.f_gap)
            << "  " << verdict(b.gamma_condition) << "\n"
            << "  " << verdict(b.I_condition) << fmt::format("; the largest I allowed is {}\n", b.largest_I);
  if (!b.conditions_hold())
    std::cout << "  the theorem's conditions do not hold: the bound below is not guaranteed\n";
  std::cout << "  (1/T) Σ_t E‖∇f(x̄⁽ᵗ⁾)‖² ≤\n"
            << fmt::format("    2(1−β)(f(x̄⁰)−f*)/(γT)   {:<12.6g} {}\n", b.optimisation_term, percent(b.optimisation_term, total))
            << fmt::format("    Lγσ²/((1−β)²N)           {:<12.6g} {}\n", b.noise_term, percent(b.noise_term, total))
            << fmt::format("    4L²γ²Iσ²/(1−β)²          {:<12.6g} {}\n", b.drift_noise_term, percent(b.drift_noise_term, total))
            << fmt::format("    9L²γ²I²κ²/(1−β)²         {:<12.6g} {}\n", b.heterogeneity_term,
                           percent(b.heterogeneity_term, total))
            << fmt::format("    total                    {:.6g}\n", total)
            << fmt::format("Corollaries 1–2: γ = √(N/T) = {:.6g}\n", cp.gamma)
            << fmt::format("  Theorem {}'s {} at γ = √(N/T) needs T ≥ {} = {:.6g}: {}\n", in.nesterov ? 2 : 1,
                           b.gamma_condition.rule, in.nesterov ? "((1+β³)L/(1−β)²)²N" : "((1+β)L/(1−β)²)²N",
                           cp.T_min_theorem_gamma, holds(cp.T_min_theorem_gamma))
            << fmt::format("  Corollary 1 (I = 1) states T ≥ 36L²N/(1−β)² = {:.6g}: {}; with the γ condition it "
                           "needs T ≥ {:.6g} ({} binds): {}\n",
                           cp.T_min_corollary1, holds(cp.T_min_corollary1), cp.T_min_corollary1_exact(),
                           cp.T_min_theorem_gamma > cp.T_min_corollary1 ? "the γ condition" : "36L²N/(1−β)²",
                           holds(cp.T_min_corollary1_exact()))
            << fmt::format("  Corollary 2 states T ≥ (1+β)²L²N/(1−β)⁴ = {:.6g}: {}{}\n", cp.T_min_corollary2,
                           holds(cp.T_min_corollary2),
                           std::abs(cp.T_min_corollary2 - cp.T_min_theorem_gamma) <= 1e-12 * cp.T_min_corollary2
                               ? " (the γ condition itself)"
                           : cp.T_min_corollary2 > cp.T_min_theorem_gamma
                               ? " (it implies the γ condition)"
                               : fmt::format("; the γ condition needs T ≥ {:.6g}: {}", cp.T_min_theorem_gamma,
                                             holds(cp.T_min_theorem_gamma)))
            << fmt::format("  κ = 0: I ≤ (1−β)/(6L)·√T/N^(3/2) = {:.6g} → {:.6g} communication rounds\n",
                           cp.I_max_identical, cp.rounds_identical)
            << fmt::format("  κ ≠ 0: I ≤ (1−β)/(6L)·T^(1/4)/N^(3/4) = {:.6g} → {:.6g} communication rounds\n",
                           cp.I_max_non_identical, cp.rounds_non_identical);
  if (a2)
    std::cout << fmt::format("Theorem 3 (Algorithm 2), √ρ = {}:\n  {}\n  Corollary 3 states T ≥ {:.6g}: {} (it "
                             "implies Theorem 3's γ condition at γ = √(N/T), which needs T ≥ {:.6g}: {})\n",
                             a2->sqrt_rho, verdict(a2->gamma_condition), a2->T_min_corollary3,
                             holds(a2->T_min_corollary3), a2->T_min_theorem3_gamma, holds(a2->T_min_theorem3_gamma));
  return 0;
}

}  // namespace csgd::cli
