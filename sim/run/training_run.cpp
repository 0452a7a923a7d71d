#include "run/training_run.hpp"

#include "run/run_ledger.hpp"
#include "run/stop_summaries.hpp"
#include "run/summary_parts.hpp"

#include <chrono>
#include <cmath>
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_for_each.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include "csgd/units.hpp"
#include "output/npy_writer.hpp"
#include "output/run_folder.hpp"

namespace csgd {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

template <class S> std::span<const S> view(const Vector<S>& v) { return {v.data(), static_cast<std::size_t>(v.size())}; }
template <class S> std::span<S> view(Vector<S>& v) { return {v.data(), static_cast<std::size_t>(v.size())}; }

// (1/N) Σ_i ||v_i − v̄||², each worker's term in parallel, summed in worker order on the team's
// rank 0 (the ranks' terms gathered in rank order, which is worker order). Exactly 0 when every
// v_i is the same vector (at the start, after every sync of Algorithm 1): v̄, a rounded average of
// identical vectors, can differ from them in the last bit. Across ranks, "the same" is learnt
// without moving vectors unless every rank's workers agree among themselves.
template <class S>
double consensus_distance(const WorkerBlock<S>& block, Vector<S> WorkerState<S>::*member, const Vector<S>& mean) {
  const std::span<const WorkerState<S>> workers(block.local);
  const RankTeam& team = *block.team;
  std::vector<double> terms(workers.size());
  std::atomic<bool> all_equal{true};
  tbb::parallel_for(std::size_t{0}, workers.size(), [&](std::size_t i) {
    const Vector<S>& v = workers[i].*member;
    if (all_equal.load(std::memory_order_relaxed) && !(v.array() == (workers[0].*member).array()).all())
      all_equal = false;
    terms[i] = static_cast<double>((v - mean).squaredNorm());
  });
  bool equal = all_equal;
  if (team.size() > 1) {
    equal = team.flags_or(equal ? 0u : 1u) == 0;
    if (equal) {  // every rank's workers agree: does each rank's first agree with worker 0?
      Vector<S> v0 = workers[0].*member;
      team.broadcast_values(std::span<S>(v0.data(), static_cast<std::size_t>(v0.size())), 0);
      equal = team.flags_or((v0.array() == (workers[0].*member).array()).all() ? 0u : 1u) == 0;
    }
    terms = team.gather_values(std::span<const double>(terms));  // rank order is worker order
  }
  if (equal) return 0.0;
  double sum = 0;
  for (double t : terms) sum += t;
  return sum / static_cast<double>(block.N);
}

bool reached_target(const StopSpec& stop, const MetricsRow& row) {
  return (stop.target_loss && row.train_loss && *row.train_loss <= *stop.target_loss) ||
         (stop.target_accuracy && row.test_accuracy && *row.test_accuracy >= *stop.target_accuracy) ||
         (stop.target_grad_norm_sq && row.grad_norm_sq && *row.grad_norm_sq <= *stop.target_grad_norm_sq);
}

bool finite(const MetricsRow& row) {
  return (!row.train_loss || std::isfinite(*row.train_loss)) && (!row.grad_norm_sq || std::isfinite(*row.grad_norm_sq));
}

}  // namespace

template <class S> RunSchedule make_run_schedule(const ExperimentConfig& c, const Problem<S>& problem) {
  RunSchedule p;
  for (int i = 0; i < c.N; ++i) p.samples_per_iteration += static_cast<double>(problem.samples_per_step(i));
  const auto n = static_cast<double>(problem.train_size());
  p.iterations_per_epoch = n > 0 ? n / p.samples_per_iteration : 0;
  p.T = c.stop.iterations ? *c.stop.iterations
                          : std::max<std::int64_t>(1, std::llround(std::ceil(*c.stop.epochs * p.iterations_per_epoch)));
  if (c.eval.every_iterations) {
    p.eval_every = *c.eval.every_iterations;
  } else if (c.eval.every_epochs) {
    p.eval_every = std::max<std::int64_t>(1, std::llround(*c.eval.every_epochs * p.iterations_per_epoch));
  } else {
    p.eval_every = std::max<std::int64_t>(1, p.T / 20);
  }
  p.model_bytes = c.timing.model_bytes.value_or(static_cast<double>(problem.dimension()) * sizeof(S));
  p.track_mean_grad_norm = problem.constants().has_value();
  p.grad_norm = c.eval.grad_norm.value_or(p.track_mean_grad_norm);
  if (c.algorithm.random_output)
    p.R = static_cast<std::int64_t>(Rng(c.seed, stream::output).below(static_cast<std::uint64_t>(p.T)));
  return p;
}
template RunSchedule make_run_schedule<float>(const ExperimentConfig&, const Problem<float>&);
template RunSchedule make_run_schedule<double>(const ExperimentConfig&, const Problem<double>&);

namespace {

// Every worker starts from the same x̂ with u = 0 (Algorithms 1 and 2, line 1) and owns its
// random stream (seed, worker id). Only the team rank's own block of workers is made here.
template <class S>
std::vector<WorkerState<S>> initial_workers(const Problem<S>& problem, const Algorithm<S>& algorithm,
                                            RankTeam::Block block, std::uint64_t seed) {
  const Eigen::Index m = problem.dimension();
  Vector<S> x0(m);
  problem.initial_point(view(x0));
  std::vector<WorkerState<S>> workers;
  workers.reserve(static_cast<std::size_t>(block.count));
  for (auto i = block.first; i < block.end(); ++i) {
    workers.push_back(WorkerState<S>{x0, Vector<S>::Zero(m), {}, {}, Rng(seed, stream::worker(i))});
    algorithm.prepare(workers.back());
  }
  return workers;
}

// The model's metrics of x̄ (losses, accuracy, ‖∇f‖², consensus): computed once per evaluation
// point, whatever the number of clocks the training drives. With a team every rank takes part;
// the row is meaningful on the team's rank 0.
template <class S>
class Probe {
 public:
  MetricsRow measure(const WorkerBlock<S>& workers, const Problem<S>& problem, bool with_grad_norm) {
    const auto t0 = Clock::now();
    node_average(workers, &WorkerState<S>::x, xbar_);
    node_average(workers, &WorkerState<S>::u, ubar_);
    const Evaluation e = problem.evaluate(view(std::as_const(xbar_)), EvalOptions{with_grad_norm, workers.team});
    MetricsRow row;
    row.train_loss = e.train_loss;
    row.train_accuracy = e.train_accuracy;
    row.test_loss = e.test_loss;
    row.test_accuracy = e.test_accuracy;
    row.grad_norm_sq = e.grad_norm_sq;
    row.consensus_x = consensus_distance(workers, &WorkerState<S>::x, xbar_);
    row.consensus_u = consensus_distance(workers, &WorkerState<S>::u, ubar_);
    evaluate_s += seconds_since(t0);
    return row;
  }

  double evaluate_s = 0;

 private:
  Vector<S> xbar_, ubar_;
};

// A measured row with one clock's timing columns: the row that clock's metrics.csv gets.
MetricsRow with_timing(const MetricsRow& model, const RunLedger& ledger, const RunSchedule& plan, int N,
                       const ClusterClock& clock, double gamma, double wall_s) {
  MetricsRow row = ledger.row(plan, N, clock, gamma, wall_s);
  row.train_loss = model.train_loss;
  row.train_accuracy = model.train_accuracy;
  row.test_loss = model.test_loss;
  row.test_accuracy = model.test_accuracy;
  row.grad_norm_sq = model.grad_norm_sq;
  row.consensus_x = model.consensus_x;
  row.consensus_u = model.consensus_u;
  return row;
}

// Evaluation points of one run: appended to its metrics.csv and kept for its summary.
class Recorder {
 public:
  Recorder(const std::filesystem::path& csv_file, std::function<void(const MetricsRow&)> on_row)
      : csv_(csv_file, MetricsRow::csv_header()), on_row_(std::move(on_row)) {}

  void record(const MetricsRow& row) {
    csv_.append(row.csv());
    on_row_(row);
    last = row;
    if (!best_loss || *row.train_loss < *best_loss->train_loss) best_loss = row;
    if (row.test_accuracy && (!best_accuracy || *row.test_accuracy > *best_accuracy->test_accuracy)) best_accuracy = row;
  }

  std::optional<MetricsRow> last, best_loss, best_accuracy;

 private:
  MetricsCsv csv_;
  std::function<void(const MetricsRow&)> on_row_;
};

// Wall-clock profile of the training loop (summary.json "profile_s").
struct Profile {
  double gradient_s = 0, communicate_s = 0, evaluate_s = 0;
};

// summary.json of a training run: the shared fields plus the model's, the algorithm's and the
// recorder's.
template <class S>
nlohmann::json training_summary(const PreparedRun<S>& run, const RunSchedule& plan, const RunLedger& ledger,
                                const Recorder& recorder, const Profile& profile, double mean_grad_norm_sq,
                                const nlohmann::json& random_iterate, const std::string& stop_reason,
                                const char* status, double wall_s) {
  const ExperimentConfig& c = run.plan->config;
  const Algorithm<S>& algorithm = *run.algorithm;
  const std::int64_t t = ledger.t;
  nlohmann::json s = ledger.summary(*run.plan, plan, *run.clock, run.topology.get(), status, wall_s);
  s.update(problem_fields(*run.problem));
  s.update({
      {"seed", c.seed},
      {"precision", c.precision == Precision::float32 ? "float32" : "float64"},
      {"algorithm", {{"name", algorithm.name()},
                     {"momentum", c.algorithm.beta},
                     {"nesterov", c.algorithm.nesterov},
                     {"sync_interval", algorithm.mixing() ? 1 : c.algorithm.I}}},
      {"epochs", plan.iterations_per_epoch > 0 ? static_cast<double>(t) / plan.iterations_per_epoch : 0.0},
      {"stop_reason", stop_reason},
      {"samples_per_s", profile.gradient_s + profile.communicate_s > 0
                            ? static_cast<double>(t) * plan.samples_per_iteration /
                                  (profile.gradient_s + profile.communicate_s)
                            : 0.0},
      {"threads", std::min<std::size_t>(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
                                        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism))},
      {"profile_s", {{"gradient_and_local_step", profile.gradient_s},
                     {"communicate", profile.communicate_s},
                     {"evaluate", profile.evaluate_s},
                     {"total", wall_s}}},
  });
  if (recorder.last) s["final"] = recorder.last->json();
  if (recorder.best_loss) s["best_train_loss"] = recorder.best_loss->json();
  if (recorder.best_accuracy) s["best_test_accuracy"] = recorder.best_accuracy->json();
  if (plan.track_mean_grad_norm && t > 0) s["mean_grad_norm_sq"] = mean_grad_norm_sq / static_cast<double>(t);
  if (!random_iterate.is_null()) s["random_iterate"] = random_iterate;
  if (const auto k = run.problem->constants())
    s["problem_constants"] = {{"L", k->L}, {"sigma", k->sigma}, {"kappa", k->kappa}, {"f_lower", k->f_lower}};
  if (const MixingMatrix* W = algorithm.mixing())
    s["mixing"] = {{"source", W->source},     {"lambda2", W->lambda2},
                   {"lambdaN", W->lambdaN},   {"sqrt_rho", W->sqrt_rho},
                   {"spectral_gap", W->spectral_gap()}};
  return s;
}

}  // namespace

namespace {

// One run of a training group: its own clock, schedule, ledger and files; the numerics are shared.
template <class S>
struct Member {
  Member(const RunOutput<S>& output)
      : out(output), run(*out.run), c(run.plan->config), plan(make_run_schedule(c, *run.problem)),
        schedule(make_schedule(*run.problem, *run.algorithm, c.N, plan.model_bytes)) {}

  const RunOutput<S>& out;  // the run and where its files go
  PreparedRun<S>& run;
  const ExperimentConfig& c;
  RunSchedule plan;
  Schedule schedule;
  RunLedger ledger;
  std::optional<Recorder> recorder;
  nlohmann::json random_iterate;
};

// What the team's rank 0 decides after an evaluation, told to the other ranks in one message.
enum class Verdict : int { go_on, diverged, interrupted, target };

}  // namespace

template <class S>
std::vector<RunResult> train(std::span<RunOutput<S>> outputs, const RunOptions& options, const RankTeam& team) {
  // The first run's problem and algorithm do the numerics for all: the runs of a group differ
  // only in what the clock sees (timing keys), so their numerics are the same bits.
  PreparedRun<S>& lead = *outputs.front().run;
  const ExperimentConfig& c = lead.plan->config;
  Problem<S>& problem = *lead.problem;
  const Algorithm<S>& algorithm = *lead.algorithm;
  std::vector<Member<S>> members(outputs.begin(), outputs.end());
  const RunSchedule& plan = members.front().plan;  // T, evaluation points, epochs: the same for all
  const auto start = Clock::now();
  // Over a team, rank 0 alone writes files, runs the clocks and reports: the clock depends only
  // on the schedule and the seed, never on the model's numbers.
  const bool writes = team.leads();

  if (writes)
    for (Member<S>& m : members) {
      create_run_folder(m.out.dir);
      // Before any file of an earlier run (--force) is replaced, the folder says it is being rewritten.
      write_file_atomically(m.out.dir / "summary.json",
                            m.ledger.summary(*m.run.plan, m.plan, *m.run.clock, m.run.topology.get(), "running", 0).dump(2) +
                                "\n");
      write_file_atomically(m.out.dir / "config.resolved.yaml", m.run.plan->resolved_yaml);
      m.recorder.emplace(m.out.dir / "metrics.csv", m.out.on_row);
    }
  const RankTeam::Block mine = team.block(c.N);
  std::vector<WorkerState<S>> workers = initial_workers(problem, algorithm, mine, c.seed);
  const WorkerBlock<S> block{workers, static_cast<int>(mine.first), c.N, &team};
  const Eigen::Index dim = problem.dimension();
  tbb::enumerable_thread_specific<Vector<S>> gradients([dim] { return Vector<S>(dim); });  // scratch per thread
  const int local = static_cast<int>(workers.size());
  const bool parallel_workers = static_cast<double>(dim) * local >= 65536;  // same bits either way

  std::int64_t t = 0;
  double gamma = 0, mean_grad_norm_sq = 0;
  Profile profile;
  Probe<S> probe;
  Vector<S> xbar;
  std::string stop_reason = cap_reason(c.stop);  // until something stops it sooner
  RunStatus status = RunStatus::completed;
  // Measures x̄ once and records the row of every clock; returns the model's part.
  const auto evaluate = [&](bool with_grad_norm) {
    const MetricsRow model = probe.measure(block, problem, with_grad_norm);
    const double wall = seconds_since(start);
    if (writes)
      for (Member<S>& m : members) m.recorder->record(with_timing(model, m.ledger, m.plan, c.N, *m.run.clock, gamma, wall));
    return model;
  };
  const auto write_summaries = [&](const char* status_text, const char* file, const std::string& reason) {
    if (!writes) return;
    profile.evaluate_s = probe.evaluate_s;
    for (Member<S>& m : members)
      write_file_atomically(m.out.dir / file,
                            training_summary(m.run, m.plan, m.ledger, *m.recorder, profile, mean_grad_norm_sq,
                                             m.random_iterate, reason, status_text, seconds_since(start))
                                    .dump(2) +
                                "\n");
  };
  // Over a team, a stop signal may find rank 0 stuck in MPI (a peer died): its handler then puts
  // these "interrupted" summaries in place (stop_summaries.hpp). Refreshed at every evaluation.
  const bool stop_summaries = writes && team.size() > 1;
  std::vector<std::filesystem::path> dirs;
  for (const Member<S>& m : members) dirs.push_back(m.out.dir);
  const auto refresh_stop_summaries = [&] {
    if (stop_summaries) write_summaries("interrupted", kStopSummaryName, "interrupted");
  };

  write_summaries("running", "summary.json", stop_reason);
  evaluate(plan.grad_norm);
  refresh_stop_summaries();
  if (stop_summaries) arm_stop_summaries(dirs);
  struct Disarm {  // also when an error leaves the loop: the runner then marks the runs failed
    bool armed;
    std::span<const std::filesystem::path> dirs;
    ~Disarm() {
      if (armed) disarm_stop_summaries(dirs);
    }
  } disarm{stop_summaries, dirs};
  auto last_progress = Clock::now();
  for (t = 1; t <= plan.T; ++t) {
    if (t - 1 == plan.R) {  // Remark 2: x̄^(R) with R uniform in {0..T−1}, before step R+1 changes it
      const MetricsRow model = probe.measure(block, problem, true);
      if (writes)
        for (Member<S>& m : members) {
          m.random_iterate = with_timing(model, m.ledger, m.plan, c.N, *m.run.clock, gamma, seconds_since(start)).json();
          m.random_iterate["R"] = plan.R;
        }
    }
    gamma = learning_rate(c.algorithm.lr, t, plan.iterations_per_epoch, plan.T, c.N);
    if (plan.track_mean_grad_norm) {  // ||∇f(x̄^(t−1))||², for t−1 = 0..T−1
      node_average(block, &WorkerState<S>::x, xbar);
      mean_grad_norm_sq +=
          problem.evaluate(view(std::as_const(xbar)), EvalOptions{true, &team}).grad_norm_sq.value_or(0);
    }
    auto t0 = Clock::now();
    std::atomic<bool> non_finite{false};
    const auto step_worker = [&](int k) {
      WorkerState<S>& w = workers[static_cast<std::size_t>(k)];
      Vector<S>& g = gradients.local();
      problem.stochastic_gradient(block.first + k, view(std::as_const(w.x)), view(g), w.rng);
      // g·0 sums to NaN exactly when some entry is NaN or ±inf; vectorised, unlike allFinite().
      if (!std::isfinite((g.array() * S(0)).sum())) non_finite = true;
      algorithm.local_step(w, g, static_cast<S>(gamma));
    };
    if (parallel_workers) {
      tbb::parallel_for(0, local, step_worker);
    } else {  // tiny problems: scheduling tasks would cost more than the steps themselves
      for (int k = 0; k < local; ++k) step_worker(k);
    }
    profile.gradient_s += seconds_since(t0);
    const bool round = algorithm.round_after(t, plan.model_bytes).has_value();
    if (round) {
      t0 = Clock::now();
      algorithm.communicate(block);
      profile.communicate_s += seconds_since(t0);
    }
    // Every clock charges the same iteration its own way. A member's clock, schedule and ledger
    // are its own (engine, network and topology copies included), so a group's clocks advance in
    // parallel: each replays its own events in its own order, the same bits as one at a time.
    const auto charge = [&](Member<S>& m) {
      m.ledger.t = t;
      if (round) ++m.ledger.rounds;
      m.ledger.add(m.run.clock->advance(t, m.schedule));
    };
    if (writes && members.size() > 1) {
      tbb::parallel_for_each(members.begin(), members.end(), charge);
    } else if (writes) {
      charge(members.front());
    }

    // One message per iteration over a team: did any rank see a non-finite gradient or Ctrl-C?
    const unsigned flags = team.flags_or((non_finite ? 1u : 0u) | (options.interrupt && options.interrupt->load() ? 2u : 0u));
    const bool interrupted = (flags & 2u) != 0;
    if (flags != 0 || t % plan.eval_every == 0 || t == plan.T) {
      const MetricsRow row = evaluate(plan.grad_norm);
      refresh_stop_summaries();
      Verdict verdict = Verdict::go_on;
      if ((flags & 1u) != 0 || !finite(row)) verdict = Verdict::diverged;
      else if (interrupted) verdict = Verdict::interrupted;
      else if (reached_target(c.stop, row)) verdict = Verdict::target;
      verdict = team.broadcast_value(verdict, 0);  // rank 0 holds the row
      if (verdict == Verdict::diverged) {
        status = RunStatus::diverged;
        stop_reason = "diverged";
        break;
      }
      if (verdict == Verdict::interrupted) {
        status = RunStatus::interrupted;
        stop_reason = "interrupted";
        break;
      }
      if (verdict == Verdict::target) {
        stop_reason = "target";
        break;
      }
    }
    if (writes && options.progress && seconds_since(last_progress) > 0.25) {
      last_progress = Clock::now();
      const double elapsed = seconds_since(start);
      const Recorder& r = *members.front().recorder;
      std::fprintf(stderr, "\r  it %lld/%lld  epoch %.2f  loss %.4g  ETA %s     ", static_cast<long long>(t),
                   static_cast<long long>(plan.T), static_cast<double>(t) / std::max(plan.iterations_per_epoch, 1e-300),
                   r.last ? r.last->train_loss.value_or(0.0) : 0.0,
                   format_duration(elapsed / static_cast<double>(t) * static_cast<double>(plan.T - t)).c_str());
    }
  }
  if (t > plan.T) t = plan.T;
  if (writes && options.progress) std::fprintf(stderr, "\r%80s\r", "");

  node_average(block, &WorkerState<S>::x, xbar);
  if (stop_summaries) disarm_stop_summaries(dirs);  // the last collective is done: the summaries below are true
  std::vector<RunResult> results;
  if (!writes) {  // the other ranks of a team only learn how the runs ended
    for (Member<S>& m : members) results.push_back(RunResult{m.run.plan->run_name, status, m.out.dir, {}, stop_reason});
    return results;
  }
  for (Member<S>& m : members) {
    write_npy(m.out.dir / "model.npy", view(std::as_const(xbar)));
    if (m.run.trace) write_file_atomically(m.out.dir / "trace.json", m.run.trace->chrome_json());
  }
  write_summaries(to_string(status), "summary.json", stop_reason);

  for (Member<S>& m : members) {
    const RunPlan& rp = *m.run.plan;
    const ClusterClock& clock = *m.run.clock;
    const MetricsRow& f = *m.recorder->last;
    RunResult result{rp.run_name, status, m.out.dir, {}, stop_reason, t, m.ledger.rounds, clock.now_s(), f.train_loss,
                     f.test_accuracy};
    std::string metrics = fmt::format("train loss {:.4g}", f.train_loss.value_or(0.0));
    if (f.test_accuracy) metrics += fmt::format(", test accuracy {:.2f}%", 100 * *f.test_accuracy);
    if (f.grad_norm_sq) metrics += fmt::format(", ||∇f(x̄)||² {:.3g}", *f.grad_norm_sq);
    // The parts are means over workers; waiting (blocked with nothing of its own moving) is named
    // only where there is some, so that the parts add up to the simulated time.
    const double wait_s = mean_worker_time(clock, &WorkerTime::wait_s);
    result.report = fmt::format(
        "{} [{}]: {} after {} iterations{}\n  simulated {} ({} compute, {} communication{}), {} rounds, {} sent; "
        "wall {:.1f} s{}{}\n",
        rp.run_name, to_string(status), metrics, t,
        plan.iterations_per_epoch > 0 ? fmt::format(" ({:.2f} epochs)", static_cast<double>(t) / plan.iterations_per_epoch)
                                      : std::string(),
        format_duration(clock.now_s()), format_duration(mean_worker_time(clock, &WorkerTime::compute_s)),
        format_duration(mean_worker_time(clock, &WorkerTime::comm_s)),
        wait_s > 0 ? fmt::format(", {} waiting", format_duration(wait_s)) : std::string(), m.ledger.rounds,
        format_bytes(m.ledger.bytes_total), seconds_since(start),
        members.size() > 1 ? fmt::format(" (one training for {} clocks)", members.size()) : std::string(),
        team.size() > 1 ? fmt::format(" (workers over {} ranks)", team.size()) : std::string());
    results.push_back(std::move(result));
  }
  return results;
}

template std::vector<RunResult> train<float>(std::span<RunOutput<float>>, const RunOptions&, const RankTeam&);
template std::vector<RunResult> train<double>(std::span<RunOutput<double>>, const RunOptions&, const RankTeam&);

}  // namespace csgd
