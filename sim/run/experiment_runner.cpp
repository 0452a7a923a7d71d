// Prepares every run of a plan (all input errors surface here, before any training), then trains
// each group of runs that share their numerics once, driving every run's clock (training_run.cpp),
// and keeps the sweep's combined CSV current, in plan order, after each group. Under mpirun the
// ranks form teams (--sweep-ranks G ranks each; one team of all without it): the groups are dealt
// to the teams, a team trains each of its groups with the workers spread over its ranks, and the
// job's rank 0 writes the combined CSV at the end.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <variant>

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "csgd/algorithm_registry.hpp"
#include "csgd/cluster_setup.hpp"
#include "csgd/input_limits.hpp"
#include "csgd/errors.hpp"
#include "csgd/mpi_job.hpp"
#include "csgd/units.hpp"
#include "output/run_folder.hpp"
#include "run/located.hpp"
#include "run/rank_agreement.hpp"
#include "run/run_exchange.hpp"
#include "run/seed_summary.hpp"
#include "run/training_run.hpp"

namespace csgd {
namespace {

using AnyRun = std::variant<PreparedRun<float>, PreparedRun<double>>;


// Algorithm 2 sends to every j ≠ i with W_ij ≠ 0 (W is symmetric, so in- and out-neighbours agree).
std::vector<std::vector<int>> neighbour_lists(const MixingMatrix& W) {
  std::vector<std::vector<int>> lists(static_cast<std::size_t>(W.N()));
  for (int i = 0; i < W.N(); ++i)
    for (const auto& [j, w] : W.in_weights[static_cast<std::size_t>(i)])
      if (j != i) lists[static_cast<std::size_t>(i)].push_back(j);
  return lists;
}

// --trace keeps every span in memory and writes them as trace.json (about 100 bytes each): a run
// that would record more than this is refused up front rather than writing gigabytes.
constexpr double kMaxTraceBytes = double(std::uint64_t{1} << 30);
constexpr double kTraceBytesPerSpan = 100;

// Up to three spans per worker and iteration: its step, its round, its wait.
void require_trace_fits(const RunPlan& plan, int N, std::int64_t T) {
  const double spans = 3.0 * N * static_cast<double>(T), bytes = spans * kTraceBytesPerSpan;
  if (bytes <= kMaxTraceBytes) return;
  throw InputError(plan.error_at("stop", fmt::format("--trace would record up to {:.3g} spans (3 × {} workers × {} "
                                                    "iterations) in run '{}', about {} of trace.json, more than the {} "
                                                    "csgd writes; trace a shorter run (--set stop.iterations=…) or "
                                                    "fewer workers",
                                                    spans, N, T, plan.run_name, format_bytes(bytes),
                                                    format_bytes(kMaxTraceBytes))));
}

// Median wall time of a few real stochastic gradients of worker 0 at x̂ (compute.measured_factor).
// The one timing input that depends on the machine: documented as such.
template <class S> double measure_step_seconds(Problem<S>& problem, std::uint64_t seed) {
  Vector<S> x(problem.dimension()), g(problem.dimension());
  problem.initial_point({x.data(), static_cast<std::size_t>(x.size())});
  Rng rng(seed, stream::worker(0));
  std::vector<double> times;
  for (int k = 0; k < 7; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    problem.stochastic_gradient(0, {x.data(), static_cast<std::size_t>(x.size())}, {g.data(), static_cast<std::size_t>(g.size())}, rng);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(times.begin(), times.begin() + 3, times.end());
  return times[3];
}

// Runs whose numerics are the same bits: the same configuration apart from `timing:` — read by
// the clock alone — and the same W (under the flow model, `mixing: auto` or `network` takes W
// from the topology, a timing key). The key is the resolved configuration without `timing:`,
// plus W's entries.
template <class S> std::string numerics_key(const RunPlan& plan, const Algorithm<S>& algorithm) {
  YAML::Node config = YAML::Load(plan.resolved_yaml);
  config.remove("timing");
  YAML::Emitter out;
  out << config;
  std::string key = out.c_str();
  if (const MixingMatrix* W = algorithm.mixing())
    for (const auto& row : W->in_weights)
      for (const auto& [j, w] : row) key += fmt::format("|{}:{:a}", j, w);
  return key;
}

// One problem per numerics key: the runs of a training group share it (only the group's first run
// trains with it; the others read its size, FLOPs and description), so a 60-point what-if study
// builds its data partitions once per training, not once per point.
struct SharedProblems {
  std::map<std::string, std::shared_ptr<Problem<float>>> f32;
  std::map<std::string, std::shared_ptr<Problem<double>>> f64;
  template <class S> auto& of() {
    if constexpr (std::is_same_v<S, float>) return f32;
    else return f64;
  }
};

// `trains_here(key)`: whether this process trains the group of the run's numerics key. A run
// another MPI rank trains gets no problem here (its data would only fill this rank's memory); the
// rank that trains it builds and checks it, and an error there stops every rank.
template <class S>
PreparedRun<S> prepare(const RunPlan& plan, const RunOptions& options, SharedProblems& problems,
                       const std::function<bool(const std::string&)>& trains_here, const RankTeam& team) {
  const ExperimentConfig& c = plan.config;
  if (team.size() > c.N && !options.timing_only)
    throw InputError(plan.error_at("N", fmt::format("N = {} workers cannot be dealt to {} ranks (each rank holds at least one "
                                               "worker): use at most {} ranks per run (--sweep-ranks)",
                                               c.N, team.size(), c.N)));
  PreparedRun<S> run;
  run.plan = &plan;
  const ResolvedCluster cluster = resolve_cluster(plan);
  run.topology = cluster.topology;
  run.algorithm = located(plan, "algorithm", [&] { return make_algorithm<S>(c.algorithm, cluster.W ? &*cluster.W : nullptr); });
  run.numerics_key = numerics_key(plan, *run.algorithm);
  const bool here = trains_here(run.numerics_key);
  if (here) {
    std::shared_ptr<Problem<S>>& problem = problems.template of<S>()[run.numerics_key];
    // --timing-only reads the problem's sizes only: no row lists (N copies of every row under iid).
    if (!problem)
      problem = located(plan, "problem", [&] {
        return options.timing_only ? make_problem_shape<S>(c.problem, c.N, c.seed)
                                   : make_problem<S>(c.problem, c.N, c.seed, &team);
      });
    run.problem = problem;
  }
  if (here && !options.timing_only) {
    // Training allocates x_i and u_i per worker (Algorithm 2 also its two mixing buffers): refused
    // here, before any of it, when this rank's block of workers cannot fit.
    const int vectors = AlgorithmRegistry::find(c.algorithm.name)->mixes ? 4 : 2;
    const auto d = static_cast<double>(run.problem->dimension());
    const auto held = static_cast<double>(team.block(c.N, 0).count);  // rank 0's block is the largest
    located(plan, "workers", [&] {
      require_fits_in_memory(held * vectors * d * sizeof(S), "the workers' model and momentum vectors",
                             fmt::format("{:.0f} workers × {} vectors × {:.0f} parameters × {} bytes", held, vectors, d,
                                         sizeof(S)));
    });
  }
  if (here) {  // the largest round any algorithm sends: x and u
    const double model_bytes = make_run_schedule(c, *run.problem).model_bytes;
    located(plan, "timing.network.payload",
            [&] { c.timing.network.payload.check_round(2 * model_bytes, c.N, c.timing.network.model == "flow"); });
  }
  ClockSetup setup;
  setup.topology = cluster.topology;
  setup.collective = cluster.collective;
  setup.N = c.N;
  setup.seed = c.seed;
  // Measured on a problem of its own: a gradient draws a batch, which would move worker 0's
  // sampler and change the run's numerics (a timing key must not). Once per team, on the rank that
  // runs the clock.
  // Under iid every worker holds all rows, so worker 0 of a one-worker problem draws the same
  // batches without N copies of the row lists (at 16k workers, gigabytes).
  if (here && team.leads() && c.timing.compute.measured_factor) {
    const int measured_N = c.problem.partition.scheme == PartitionScheme::iid ? 1 : c.N;
    setup.measured_step_s = measure_step_seconds(*make_problem<S>(c.problem, measured_N, c.seed), c.seed);
  }
  if (const MixingMatrix* W = run.algorithm->mixing()) setup.neighbours = neighbour_lists(*W);
  if (options.trace) {
    if (here) require_trace_fits(plan, c.N, make_run_schedule(c, *run.problem).T);
    run.trace = std::make_unique<TraceRecorder>();
    setup.trace = run.trace.get();
  }
  run.clock = located(plan, "timing", [&] { return make_cluster_clock(c.timing, setup); });
  return run;
}

// Groups of runs trained once each (in the order of their first run); each run alone for
// --timing-only, which trains nothing.
std::vector<std::vector<std::size_t>> training_groups(const ExperimentPlan& plan, const std::vector<AnyRun>& runs,
                                                      bool timing_only) {
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> group_of;
  for (std::size_t k = 0; k < plan.runs.size(); ++k) {
    if (timing_only) {
      groups.push_back({k});
      continue;
    }
    const std::string& key = std::visit([](const auto& run) -> const std::string& { return run.numerics_key; }, runs[k]);
    const auto [it, fresh] = group_of.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(k);
  }
  return groups;
}

}  // namespace

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::completed: return "completed";
    case RunStatus::diverged: return "diverged";
    case RunStatus::interrupted: return "interrupted";
  }
  return "unknown";
}

std::vector<RunResult> run_experiment(const ExperimentPlan& plan, const RunOptions& options) {
  // Under mpirun, every rank checks and prepares every run (so that bad input stops every rank
  // before any work), building the problems (data) of its own team's groups only, then trains the
  // training groups dealt to its team: group g on team g mod (R / G).
  const MpiJob& job = MpiJob::current();
  const RankTeam team = job.team(options.sweep_ranks > 0 ? options.sweep_ranks : job.size());
  std::vector<AnyRun> runs;
  runs.reserve(plan.runs.size());
  SharedProblems problems;
  // Groups numbered as training_groups() numbers them: by first appearance of a numerics key,
  // or one per run for --timing-only. Group g is trained by team g mod (R / G).
  std::map<std::string, std::size_t> group_of;
  std::size_t run_index = 0;
  const auto trains_here = [&](const std::string& key) {
    const std::size_t g = options.timing_only ? run_index : group_of.emplace(key, group_of.size()).first->second;
    return team.deals_here(g);
  };
  on_every_rank(job, [&] {
    std::vector<std::string> names;
    for (const RunPlan& rp : plan.runs) names.push_back(rp.run_name);
    check_results_folder_writable(options.out_dir, names);
    for (const RunPlan& rp : plan.runs) {
      check_run_folder_free(options.out_dir, rp.run_name, options.force);
      if (rp.config.precision == Precision::float32) {
        runs.emplace_back(prepare<float>(rp, options, problems, trains_here, team));
      } else {
        runs.emplace_back(prepare<double>(rp, options, problems, trains_here, team));
      }
      ++run_index;
    }
  });

  // The cache only spared loading a file once per preparation; over a team each problem kept its
  // rank's rows, and the whole sets can go.
  if (team.size() > 1) release_dataset_cache();
  if (options.dry_run) {
    if (options.on_prepared) options.on_prepared();
    return {};
  }
  // One writer per results folder (rank 0 holds the lock for the job); what was free before the
  // lock is checked again under it.
  std::optional<ResultsFolderLock> lock;
  on_every_rank(job, [&] {
    if (job.rank() == 0) lock.emplace(options.out_dir);
  });
  on_every_rank(job, [&] {
    for (const RunPlan& rp : plan.runs) check_run_folder_free(options.out_dir, rp.run_name, options.force);
    // Ranks write the combined files only at the end: an earlier sweep's must not outlive a job
    // that aborts (one process replaces them after its first group).
    if (job.size() > 1 && job.rank() == 0) {
      std::error_code ec;
      for (const char* stale : {"sweep.csv", "sweep-summary.csv", "sweep-final.csv"})
        std::filesystem::remove(options.out_dir / stale, ec);
    }
  });
  if (options.on_prepared) options.on_prepared();
  const bool sweep = !plan.sweep_keys.empty();
  std::vector<std::string> sweep_rows(plan.runs.size());  // each run's lines of sweep.csv
  std::vector<std::vector<MetricsRow>> seed_rows(plan.seeds.empty() ? 0 : plan.runs.size());  // for the means
  std::vector<std::optional<RunResult>> done(plan.runs.size());
  const auto finished = [&] {
    std::vector<RunResult> out;
    for (const auto& r : done)
      if (r) out.push_back(*r);
    return out;
  };
  const auto write_sweep_csv = [&] {
    std::string text = fmt::format("run,{},{}\n", fmt::join(plan.sweep_keys, ","), MetricsRow::csv_header());
    for (const std::string& rows : sweep_rows) text += rows;  // plan order, whatever order the runs took
    write_file_atomically(options.out_dir / "sweep.csv", text);
    if (plan.seeds.empty()) {  // the seeds' means of an earlier run would not match this sweep.csv
      std::error_code ec;
      for (const char* stale : {"sweep-summary.csv", "sweep-final.csv"}) std::filesystem::remove(options.out_dir / stale, ec);
      return;
    }
    write_file_atomically(options.out_dir / "sweep-summary.csv", sweep_summary_csv(plan, seed_rows));
    write_file_atomically(options.out_dir / "sweep-final.csv", sweep_final_csv(plan, finished()));
  };
  const auto groups = training_groups(plan, runs, options.timing_only);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!team.deals_here(g)) continue;  // numbered as in trains_here
    const std::vector<std::size_t>& group = groups[g];
    std::vector<RunResult> group_results = std::visit(
        [&](auto& first) {
          using Run = std::remove_reference_t<decltype(first)>;
          std::vector<RunOutput<typename Run::Scalar>> outputs;
          for (const std::size_t k : group) {
            const RunPlan& rp = plan.runs[k];
            // RFC 4180 quoting: run names and list values contain commas.
            std::string prefix = csv_field(rp.run_name);
            for (const auto& kv : rp.swept) prefix.append(1, ',').append(csv_field(kv.second));
            outputs.push_back({&std::get<Run>(runs[k]), options.out_dir / rp.run_name,
                               [&sweep_rows, &seed_rows, k, prefix, sweep](const MetricsRow& row) {
                                 if (sweep) sweep_rows[k] += prefix + "," + row.csv() + "\n";
                                 if (!seed_rows.empty()) seed_rows[k].push_back(row);
                               }});
          }
          try {
            if (!options.timing_only) return train(std::span(outputs), options, team);
            const RunOutput<typename Run::Scalar>& o = outputs.front();
            if (!team.leads()) return std::vector<RunResult>{RunResult{o.run->plan->run_name}};  // the clock alone: rank 0's
            return std::vector<RunResult>{simulate_timing(*o.run, o.dir, options, o.on_row)};
          } catch (const OutputError& e) {
            if (team.leads())
              for (const auto& o : outputs) mark_run_failed(o.dir, e.what());
            throw;
          }
        },
        runs[group.front()]);
    bool interrupted = false;
    for (std::size_t i = 0; i < group.size(); ++i) {
      interrupted = interrupted || group_results[i].status == RunStatus::interrupted;
      if (!team.leads()) continue;  // the team's rank 0 reports and returns its runs
      if (options.on_run_done) options.on_run_done(group_results[i]);
      done[group[i]] = std::move(group_results[i]);
    }
    if (sweep && job.size() == 1) write_sweep_csv();
    if (interrupted) break;
  }
  if (job.size() == 1) return finished();

  // Rank 0 collects every team's finished runs and writes the combined files once; each team's
  // rank 0 returns its own results (the job's rank 0: all of them), the other ranks none.
  std::vector<FinishedRun> mine;
  for (std::size_t k = 0; k < plan.runs.size(); ++k)
    if (done[k]) mine.push_back({k, sweep_rows[k], seed_rows.empty() ? std::vector<MetricsRow>() : seed_rows[k], *done[k]});
  const std::vector<std::string> parts = job.gather(pack(mine));
  if (job.rank() != 0) return finished();
  for (const std::string& part : parts)
    for (FinishedRun& run : unpack(part)) {
      sweep_rows[run.index] = std::move(run.sweep_rows);
      if (!seed_rows.empty()) seed_rows[run.index] = std::move(run.rows);
      done[run.index] = std::move(run.result);
    }
  if (sweep) write_sweep_csv();
  return finished();
}

}  // namespace csgd
