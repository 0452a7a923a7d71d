// `csgd run`: load and validate the experiment (all runs of its sweep), then train.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <tbb/global_control.h>

#include "cli/commands.hpp"
#include "csgd/algorithm_registry.hpp"
#include "csgd/collective_registry.hpp"
#include "csgd/dataset_registry.hpp"
#include "csgd/lr_schedule_registry.hpp"
#include "csgd/model_registry.hpp"
#include "csgd/partition_registry.hpp"
#include "csgd/errors.hpp"
#include "csgd/mpi_job.hpp"
#include "run/stop_summaries.hpp"
#include "csgd/mixing_graph_registry.hpp"
#include "csgd/topology_registry.hpp"
#include "csgd/runner.hpp"
#include "csgd/units.hpp"
#include "run/rank_agreement.hpp"
#include "run/seed_summary.hpp"
#include "run/target_winners.hpp"

namespace csgd::cli {
namespace {

// What a file can name, straight from the registries: one line per member with its keys.
template <class Registry>
std::string members(const char* title) {
  std::string out = fmt::format("{}:\n", title);
  for (const auto& e : Registry::all()) {
    std::string keys;
    for (const auto& k : e.keys) keys += fmt::format("{}{}", keys.empty() ? "  [" : ", ", k.name);
    out += fmt::format("  {:<26} {}{}\n", e.name, e.help, keys.empty() ? "" : keys + "]");
  }
  return out + "\n";
}

std::string registry_help() {
  return members<ModelRegistry>("problem.model") + members<DatasetRegistry>("problem.dataset.name (data models)") +
         members<PartitionRegistry>("problem.partition.scheme (data models)") + members<AlgorithmRegistry>("algorithm.name") +
         members<LrScheduleRegistry>("algorithm.lr.schedule (every schedule also takes warmup_epochs, warmup_iterations)") +
         members<MixingGraphRegistry>("algorithm.mixing.topology (also auto: the host graph under the flow model, else ring)") +
         members<TopologyRegistry>("timing.network.topology.name (model: flow)") +
         members<CollectiveRegistry>("timing.network.collective (model: flow; also auto: the topology's default)") +
         "The other keys (each with its default in README.md, \"Experiment files\" and \"Simulated time\"):\n"
         "  top level          name, description, seed, seeds, workers, precision (float32 | float64), sweep\n"
         "  timing.compute     step_time, device_flops, measured_factor, speed_factors, jitter,\n"
         "                     stragglers {probability, slowdown}\n"
         "  timing.network     model (analytic | flow), latency, bandwidth, payload {tensors, bucket, overlap},\n"
         "                     software_overhead, staging {bandwidth}; model: flow also collective, topology,\n"
         "                     sharing (max-min | rtt-weighted | lv08), tcp_window, duplex (full | half),\n"
         "                     routing (shortest | ecmp)\n"
         "  timing             model_bytes\n"
         "  stop               iterations or epochs, target {loss, accuracy, grad_norm_sq}\n"
         "  eval               every_iterations or every_epochs, grad_norm\n";
}

namespace po = boost::program_options;

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

// SIGINT (Ctrl-C) and SIGTERM (what batch schedulers send before SIGKILL) stop cleanly: the run
// is marked interrupted and keeps its metrics. A second signal ends the process at once. Under
// mpirun the rank may be stuck in MPI waiting for a dead peer: the runs it writes are marked
// interrupted from here (stop_summaries.hpp).
extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  g_interrupted = true;
  publish_stop_summaries();
  std::signal(sig, SIG_DFL);
}

po::options_description run_options() {
  po::options_description o("Options of csgd run FILE.yaml");
  o.add_options()
      ("help,h", "print this help")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a key of the file, e.g. --set algorithm.momentum=0.5 (repeatable; YAML values: "
       "--set problem.hidden=[128,128])")
      ("threads", po::value<int>()->default_value(0), "worker threads of the TBB pool (0 = all cores); "
       "results are bit-identical for any value")
      ("out", po::value<std::string>(), "results folder of the experiment (default results/<name>)")
      ("force", "overwrite runs that already have results")
      ("trace", "also write trace.json per run: compute and communication spans per worker "
                "(Chrome trace-event format; open in Perfetto)")
      ("timing-only", "simulate the cluster clock alone (no gradients): what-if timing at any N")
      ("dry-run", "check the file and build every run (data, W, topology), then stop without writing anything")
      ("sweep-ranks", po::value<int>(), "under mpirun: ranks per run; the runs are dealt to groups of this many "
                                        "ranks, each run's workers spread over its group (default: all ranks, one "
                                        "run at a time; rank 0 writes sweep.csv)")
      ("quiet,q", "print nothing but errors");
  return o;
}

// One line per run: the sweep at a glance (simulated time to the stop, and where it ended).
std::string sweep_table(const std::vector<RunResult>& results) {
  std::size_t width = 3;
  for (const auto& r : results) width = std::max(width, r.run_name.size());
  std::string out = fmt::format("\n{:<{}}  {:<11} {:<10} {:>10} {:>12} {:>8} {:>10} {:>9}\n", "run", width, "status",
                                "stopped by", "iterations", "simulated", "rounds", "train loss", "test acc");
  for (const auto& r : results)
    out += fmt::format("{:<{}}  {:<11} {:<10} {:>10} {:>12} {:>8} {:>10} {:>9}\n", r.run_name, width, to_string(r.status),
                       r.stop_reason, r.iterations, format_duration(r.sim_time_s), r.rounds,
                       r.train_loss ? fmt::format("{:.4g}", *r.train_loss) : "-",
                       r.test_accuracy ? fmt::format("{:.2f}%", 100 * *r.test_accuracy) : "-");
  return out + "\n";
}

// "0.2345 ± 0.0012" (no ± for one seed), "-" without values.
std::string with_se(const MeanSe& m, const std::function<std::string(double)>& show,
                    const std::function<std::string(double)>& show_se) {
  if (m.n == 0) return "-";
  return m.n < 2 ? show(m.mean) : show(m.mean) + " ± " + show_se(m.se);
}
std::string with_se(const MeanSe& m, const std::function<std::string(double)>& show) { return with_se(m, show, show); }

// With seeds: one line per configuration, mean ± standard error over its seeds.
std::string seed_table(const ExperimentPlan& plan, const std::vector<RunResult>& results) {
  const auto summaries = summarize_configurations(plan, results);
  std::size_t width = 13;
  for (const auto& s : summaries) width = std::max(width, s.config.size());
  const auto loss = [](double v) { return fmt::format("{:.4g}", v); };
  const auto acc = [](double v) { return fmt::format("{:.2f}%", 100 * v); };
  const auto time = [](double v) { return format_duration(v); };
  std::string out = fmt::format("mean ± standard error over seeds (k/n: k of n seeds completed)\n{:<{}}  {:>5}  {:>20}  {:>17}  {:>22}  {}\n",
                                "configuration", width, "seeds", "train loss", "test acc", "simulated", "to target");
  for (const auto& s : summaries) {
    if (s.seeds == 0) continue;
    const std::string target =
        s.reached == 0 ? fmt::format("0/{}", s.seeds)
                       : fmt::format("{}/{}: {}", s.reached, s.seeds, with_se(s.time_to_target_s, time));
    const std::string train_loss = with_se(s.train_loss, loss, [](double v) { return fmt::format("{:.2g}", v); });
    // Seeds that did not complete (diverged, interrupted) count with what they reached: said here.
    const std::string seeds = s.completed == s.seeds ? fmt::format("{}", s.seeds) : fmt::format("{}/{}", s.completed, s.seeds);
    out += fmt::format("{:<{}}  {:>5}  {:>20}  {:>17}  {:>22}  {}\n", s.config, width, seeds, train_loss,
                       with_se(s.test_accuracy, acc), with_se(s.sim_time_s, time), target);
  }
  return out + "\n";
}

// Under mpirun: ranks per run. Without --sweep-ranks one run's workers spread over all ranks;
// --sweep-ranks G forms teams of G consecutive ranks, and the experiment's runs are dealt to them.
int sweep_ranks(const po::variables_map& vm, const MpiJob& job) {
  if (job.ranks_without_mpi() > 1)
    throw InputError(fmt::format("started as one of {} ranks, but this csgd was built without MPI: every rank would "
                                 "train every run into the same files (install libopenmpi-dev and rebuild, or run "
                                 "without mpirun)",
                                 job.ranks_without_mpi()));
  if (!vm.count("sweep-ranks")) return 0;
  const int G = vm["sweep-ranks"].as<int>();
  if (G < 1) throw InputError(fmt::format("--sweep-ranks must be ≥ 1, got {}", G));
  if (job.size() % G != 0)
    throw InputError(fmt::format("--sweep-ranks {} does not divide the job's {} ranks into whole groups; use a divisor "
                                 "of {}",
                                 G, job.size(), job.size()));
  return G;
}

}  // namespace

int run_command(int argc, const char* const* argv) {
  const MpiJob& job = MpiJob::current();
  po::options_description visible = run_options();
  po::options_description all = visible;
  all.add_options()("file", po::value<std::string>(), "experiment file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  std::optional<ExperimentPlan> loaded;
  int threads = 0, ranks = 0;
  // Every rank reads the options and the file; an error on any stops all, reported once.
  on_every_rank(job, [&] {
    try {
      po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw InputError(fmt::format("{} (see csgd run --help)", e.what()));
    }
    if (vm.count("help")) return;
    if (!vm.count("file")) throw InputError("csgd run needs an experiment file, e.g. csgd run experiments/quickstart.yaml");
    threads = vm["threads"].as<int>();
    if (threads < 0) throw InputError(fmt::format("--threads must be ≥ 0, got {}", threads));
    ranks = sweep_ranks(vm, job);
    const auto overrides = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    loaded = load_experiment(vm["file"].as<std::string>(), overrides);
  });
  if (vm.count("help")) {
    if (job.rank() == 0) std::cout << "Usage: csgd run FILE.yaml [options]\n\n" << visible << "\n" << registry_help();
    return 0;
  }
  const ExperimentPlan& plan = *loaded;

  RunOptions options;
  options.out_dir = vm.count("out") ? std::filesystem::path(vm["out"].as<std::string>())
                                    : std::filesystem::path("results") / plan.name;
  options.force = vm.count("force") > 0;
  options.trace = vm.count("trace") > 0;
  options.timing_only = vm.count("timing-only") > 0;
  options.dry_run = vm.count("dry-run") > 0;
  options.sweep_ranks = ranks;
  options.quiet = vm.count("quiet") > 0;
  options.progress = !options.quiet && isatty(STDERR_FILENO);
  options.interrupt = &g_interrupted;
  // Each rank reports the runs it trained; rank 0 alone prints the rest.
  if (!options.quiet) options.on_run_done = [](const RunResult& r) { std::fputs(r.report.c_str(), stdout); };
  const bool speaks = !options.quiet && job.rank() == 0;

  std::optional<tbb::global_control> limit;
  if (threads > 0) limit.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  if (speaks)
    options.on_prepared = [&] {
      std::printf("csgd: %s — %zu run%s → %s\n", plan.name.c_str(), plan.runs.size(), plan.runs.size() == 1 ? "" : "s",
                  options.out_dir.string().c_str());
      std::fflush(stdout);
    };
  const auto results = run_experiment(plan, options);

  int code = 0;
  for (const auto& r : results) {
    if (r.status == RunStatus::diverged) code = exit_diverged;
    if (r.status == RunStatus::interrupted) code = g_signal == SIGTERM ? exit_terminated : exit_interrupted;
  }
  code = job.max(code);  // every rank exits with the job's code
  if (options.dry_run) {
    if (speaks) {
      for (const auto& run : plan.runs) std::printf("  %s\n", run.run_name.c_str());
      std::printf("dry run: %zu run%s valid; nothing was trained or written\n", plan.runs.size(),
                  plan.runs.size() == 1 ? "" : "s");
    }
    return 0;
  }
  if (speaks && results.size() > 1) std::fputs(sweep_table(results).c_str(), stdout);
  if (speaks && !plan.seeds.empty()) std::fputs(seed_table(plan, results).c_str(), stdout);
  if (speaks) std::fputs(target_winner_table(plan, results).c_str(), stdout);
  if (speaks) {
    std::printf("results: %s%s\n", options.out_dir.string().c_str(),
                plan.sweep_keys.empty()  ? ("/" + plan.runs.front().run_name).c_str()
                : plan.seeds.empty()     ? " (sweep.csv combines the runs)"
                                         : " (sweep.csv combines the runs; sweep-summary.csv and sweep-final.csv "
                                           "average the seeds)");
    std::fflush(stdout);
  }
  return code;
}

}  // namespace csgd::cli
