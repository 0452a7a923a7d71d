#include "run/training_run.hpp"

#include "run/summary_parts.hpp"

#include <chrono>
#include <cmath>
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
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

// (1/N) Σ_i ||v_i − v̄||², each worker's term in parallel, summed in worker order.
template <class S>
double consensus_distance(std::span<const WorkerState<S>> workers, Vector<S> WorkerState<S>::*member,
                          const Vector<S>& mean) {
  std::vector<double> terms(workers.size());
  tbb::parallel_for(std::size_t{0}, workers.size(), [&](std::size_t i) {
    terms[i] = static_cast<double>(((workers[i].*member) - mean).squaredNorm());
  });
  double sum = 0;
  for (double t : terms) sum += t;
  return sum / static_cast<double>(workers.size());
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

template <class S>
RunResult train(PreparedRun<S>& run, const std::filesystem::path& dir, const RunOptions& options,
                const std::function<void(const MetricsRow&)>& on_row) {
  const RunPlan& rp = *run.plan;
  const ExperimentConfig& c = rp.config;
  Problem<S>& problem = *run.problem;
  const Algorithm<S>& algorithm = *run.algorithm;
  ClusterClock& clock = *run.clock;
  const RunSchedule plan = make_run_schedule(c, problem);
  const Eigen::Index m = problem.dimension();
  const auto start = Clock::now();

  std::filesystem::create_directories(dir);
  write_file_atomically(dir / "config.resolved.yaml", rp.resolved_yaml);
  MetricsCsv csv(dir / "metrics.csv", MetricsRow::csv_header());

  // Every worker starts from the same x̂ with u = 0 (Algorithms 1 and 2, line 1).
  std::vector<WorkerState<S>> workers;
  workers.reserve(static_cast<std::size_t>(c.N));
  {
    Vector<S> x0(m);
    problem.initial_point(view(x0));
    for (int i = 0; i < c.N; ++i) {
      workers.push_back(WorkerState<S>{x0, Vector<S>::Zero(m), {}, {}, Rng(c.seed, stream::worker(i))});
      algorithm.prepare(workers.back());
    }
  }
  std::vector<double> flops(static_cast<std::size_t>(c.N));
  for (int i = 0; i < c.N; ++i) flops[static_cast<std::size_t>(i)] = problem.gradient_flops(i);
  tbb::enumerable_thread_specific<Vector<S>> gradients([m] { return Vector<S>(m); });  // scratch per thread
  // What iteration t does, for the clock (a pure function of t: the clock may look ahead).
  const bool parallel_workers = static_cast<double>(m) * c.N >= 65536;  // same bits either way
  const Schedule schedule = [&](std::int64_t k) { return IterationOps{flops, algorithm.round_after(k, plan.model_bytes)}; };

  // Running totals and the summary's state.
  std::int64_t t = 0, rounds = 0;
  double bytes_total = 0, bytes_max_worker = 0, gamma = 0;
  double gradient_s = 0, communicate_s = 0, evaluate_s = 0;
  double mean_grad_norm_sq = 0;
  Vector<S> xbar, ubar;
  nlohmann::json random_iterate;
  std::optional<MetricsRow> best_loss, best_accuracy, last;
  std::string stop_reason = "iterations";
  RunStatus status = RunStatus::completed;

  // Metrics of x̄^(t) after `done` iterations (t while the loop runs, R for Remark 2's output).
  const auto evaluate = [&](bool with_grad_norm, std::int64_t done) {
    const auto t0 = Clock::now();
    std::span<const WorkerState<S>> ws(workers);
    node_average(ws, &WorkerState<S>::x, xbar);
    node_average(ws, &WorkerState<S>::u, ubar);
    const Evaluation e = problem.evaluate(view(xbar), EvalOptions{with_grad_norm});
    MetricsRow row;
    row.iteration = done;
    row.epoch = plan.iterations_per_epoch > 0 ? static_cast<double>(done) / plan.iterations_per_epoch : 0;
    row.rounds = rounds;
    row.bytes_total = bytes_total;
    row.bytes_per_worker = bytes_total / c.N;
    row.sim_time_s = clock.now_s();
    row.lr = gamma;
    row.train_loss = e.train_loss;
    row.train_accuracy = e.train_accuracy;
    row.test_loss = e.test_loss;
    row.test_accuracy = e.test_accuracy;
    row.grad_norm_sq = e.grad_norm_sq;
    row.consensus_x = consensus_distance(ws, &WorkerState<S>::x, xbar);
    row.consensus_u = consensus_distance(ws, &WorkerState<S>::u, ubar);
    row.wall_s = seconds_since(start);
    evaluate_s += seconds_since(t0);
    return row;
  };
  const auto record = [&](const MetricsRow& row) {
    csv.append(row.csv());
    on_row(row);
    last = row;
    if (!best_loss || *row.train_loss < *best_loss->train_loss) best_loss = row;
    if (row.test_accuracy && (!best_accuracy || *row.test_accuracy > *best_accuracy->test_accuracy)) best_accuracy = row;
  };
  const auto summary = [&](const char* status_text) {
    nlohmann::json s = {
        {"status", status_text},
        {"experiment", c.name},
        {"run", rp.run_name},
        {"csgd_version", CSGD_VERSION},
        {"seed", c.seed},
        {"workers", c.N},
        {"precision", c.precision == Precision::float32 ? "float32" : "float64"},
        {"problem", problem.describe()},
        {"parameters", m},
        {"algorithm", {{"name", algorithm.name()},
                       {"momentum", c.algorithm.beta},
                       {"nesterov", c.algorithm.nesterov},
                       {"sync_interval", algorithm.mixing() ? 1 : c.algorithm.I}}},
        {"timing_model", clock.describe()},
        {"model_bytes", plan.model_bytes},
        {"iterations", t},
        {"iterations_planned", plan.T},
        {"epochs", plan.iterations_per_epoch > 0 ? static_cast<double>(t) / plan.iterations_per_epoch : 0.0},
        {"rounds", rounds},
        {"bytes_total", bytes_total},
        {"bytes_per_worker", bytes_total / c.N},
        {"bytes_per_worker_max", bytes_max_worker},

        {"stop_reason", stop_reason},
        {"wall_s", seconds_since(start)},
        {"samples_per_s", gradient_s + communicate_s > 0
                              ? static_cast<double>(t) * plan.samples_per_iteration / (gradient_s + communicate_s)
                              : 0.0},
        {"threads", std::min<std::size_t>(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
                                          tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism))},
        {"profile_s", {{"gradient_and_local_step", gradient_s},
                       {"communicate", communicate_s},
                       {"evaluate", evaluate_s},
                       {"total", seconds_since(start)}}},
    };
    s.update(clock_summary(clock));
    if (last) s["final"] = last->json();
    if (best_loss) s["best_train_loss"] = best_loss->json();
    if (best_accuracy) s["best_test_accuracy"] = best_accuracy->json();
    if (plan.track_mean_grad_norm && t > 0) s["mean_grad_norm_sq"] = mean_grad_norm_sq / static_cast<double>(t);
    if (!random_iterate.is_null()) s["random_iterate"] = random_iterate;
    if (const auto k = problem.constants())
      s["problem_constants"] = {{"L", k->L}, {"sigma", k->sigma}, {"kappa", k->kappa}, {"f_lower", k->f_lower}};
    if (run.topology) s["topology"] = topology_summary(*run.topology);
    if (const MixingMatrix* W = algorithm.mixing())
      s["mixing"] = {{"source", W->source},     {"lambda2", W->lambda2},
                     {"lambdaN", W->lambdaN},   {"sqrt_rho", W->sqrt_rho},
                     {"spectral_gap", W->spectral_gap()}};
    write_file_atomically(dir / "summary.json", s.dump(2) + "\n");
  };

  summary("running");
  record(evaluate(plan.grad_norm, 0));
  auto last_progress = Clock::now();
  for (t = 1; t <= plan.T; ++t) {
    if (t - 1 == plan.R) {  // Remark 2: x̄^(R) with R uniform in {0..T−1}, before step R+1 changes it
      random_iterate = evaluate(true, plan.R).json();
      random_iterate["R"] = plan.R;
    }
    gamma = learning_rate(c.algorithm.lr, t, plan.iterations_per_epoch, plan.T, c.N);
    if (plan.track_mean_grad_norm) {  // ||∇f(x̄^(t−1))||², for t−1 = 0..T−1
      node_average(std::span<const WorkerState<S>>(workers), &WorkerState<S>::x, xbar);
      mean_grad_norm_sq += problem.evaluate(view(xbar), EvalOptions{true}).grad_norm_sq.value_or(0);
    }
    auto t0 = Clock::now();
    std::atomic<bool> non_finite{false};
    const auto step_worker = [&](int i) {
      WorkerState<S>& w = workers[static_cast<std::size_t>(i)];
      Vector<S>& g = gradients.local();
      problem.stochastic_gradient(i, view(std::as_const(w.x)), view(g), w.rng);
      // g·0 sums to NaN exactly when some entry is NaN or ±inf; vectorised, unlike allFinite().
      if (!std::isfinite((g.array() * S(0)).sum())) non_finite = true;
      algorithm.local_step(w, g, static_cast<S>(gamma));
    };
    if (parallel_workers) {
      tbb::parallel_for(0, c.N, step_worker);
    } else {  // tiny problems: scheduling tasks would cost more than the steps themselves
      for (int i = 0; i < c.N; ++i) step_worker(i);
    }
    gradient_s += seconds_since(t0);
    const auto round = algorithm.round_after(t, plan.model_bytes);
    if (round) {
      t0 = Clock::now();
      algorithm.communicate(workers);
      communicate_s += seconds_since(t0);
      ++rounds;
    }
    const IterationTiming timing = clock.advance(t, schedule);
    bytes_total += timing.bytes_total;
    bytes_max_worker += timing.bytes_max_worker;

    const bool interrupted = options.interrupt && options.interrupt->load();
    if (non_finite || interrupted || t % plan.eval_every == 0 || t == plan.T) {
      const MetricsRow row = evaluate(plan.grad_norm, t);
      record(row);
      if (non_finite || !finite(row)) {
        status = RunStatus::diverged;
        stop_reason = "diverged";
        break;
      }
      if (interrupted) {
        status = RunStatus::interrupted;
        stop_reason = "interrupted";
        break;
      }
      if (reached_target(c.stop, row)) {
        stop_reason = "target";
        break;
      }
    }
    if (options.progress && seconds_since(last_progress) > 0.25) {
      last_progress = Clock::now();
      const double elapsed = seconds_since(start);
      std::fprintf(stderr, "\r  it %lld/%lld  epoch %.2f  loss %.4g  ETA %s     ", static_cast<long long>(t),
                   static_cast<long long>(plan.T), static_cast<double>(t) / std::max(plan.iterations_per_epoch, 1e-300),
                   last ? last->train_loss.value_or(0.0) : 0.0,
                   format_duration(elapsed / static_cast<double>(t) * static_cast<double>(plan.T - t)).c_str());
    }
  }
  if (t > plan.T) t = plan.T;
  if (options.progress) std::fprintf(stderr, "\r%80s\r", "");

  {
    node_average(std::span<const WorkerState<S>>(workers), &WorkerState<S>::x, xbar);
    write_npy(dir / "model.npy", view(std::as_const(xbar)));
  }
  if (run.trace) write_file_atomically(dir / "trace.json", run.trace->chrome_json());
  summary(to_string(status));

  RunResult result{rp.run_name, status, dir, {}, stop_reason, t, rounds, clock.now_s(), last->train_loss,
                   last->test_accuracy};
  const MetricsRow& f = *last;
  std::string metrics = fmt::format("train loss {:.4g}", f.train_loss.value_or(0.0));
  if (f.test_accuracy) metrics += fmt::format(", test accuracy {:.2f}%", 100 * *f.test_accuracy);
  if (f.grad_norm_sq) metrics += fmt::format(", ||∇f(x̄)||² {:.3g}", *f.grad_norm_sq);
  result.report = fmt::format(
      "{} [{}]: {} after {} iterations{}\n  simulated {} ({} compute, {} communication), {} rounds, {} sent; "
      "wall {:.1f} s\n",
      rp.run_name, to_string(status), metrics, t,
      plan.iterations_per_epoch > 0 ? fmt::format(" ({:.2f} epochs)", static_cast<double>(t) / plan.iterations_per_epoch)
                                    : std::string(),
      format_duration(clock.now_s()), format_duration(mean_worker_time(clock, &WorkerTime::compute_s)),
      format_duration(mean_worker_time(clock, &WorkerTime::comm_s)), rounds,
      format_bytes(bytes_total), seconds_since(start));
  return result;
}

template RunResult train<float>(PreparedRun<float>&, const std::filesystem::path&, const RunOptions&,
                                const std::function<void(const MetricsRow&)>&);
template RunResult train<double>(PreparedRun<double>&, const std::filesystem::path&, const RunOptions&,
                                 const std::function<void(const MetricsRow&)>&);

}  // namespace csgd
