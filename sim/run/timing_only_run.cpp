// --timing-only: the cluster clock alone, driven by the algorithm's schedule. No gradients, no
// model state: what-if studies at any N, in the time the network simulation takes.
#include <chrono>

#include <fmt/format.h>

#include "csgd/units.hpp"
#include "output/run_folder.hpp"
#include "run/summary_parts.hpp"
#include "run/training_run.hpp"

namespace csgd {

template <class S>
RunResult simulate_timing(PreparedRun<S>& run, const std::filesystem::path& dir, const RunOptions& options,
                          const std::function<void(const MetricsRow&)>& on_row) {
  const auto start = std::chrono::steady_clock::now();
  const auto wall = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const RunPlan& rp = *run.plan;
  const ExperimentConfig& c = rp.config;
  ClusterClock& clock = *run.clock;
  const RunSchedule plan = make_run_schedule(c, *run.problem);

  std::filesystem::create_directories(dir);
  write_file_atomically(dir / "config.resolved.yaml", rp.resolved_yaml);
  MetricsCsv csv(dir / "metrics.csv", MetricsRow::csv_header());
  std::vector<double> flops(static_cast<std::size_t>(c.N));
  for (int i = 0; i < c.N; ++i) flops[static_cast<std::size_t>(i)] = run.problem->gradient_flops(i);
  const Schedule schedule = [&](std::int64_t k) {
    return IterationOps{flops, run.algorithm->round_after(k, plan.model_bytes)};
  };

  std::int64_t t = 0, rounds = 0;
  double bytes_total = 0;
  RunStatus status = RunStatus::completed;
  const auto row_at = [&] {
    MetricsRow row;
    row.iteration = t;
    row.epoch = plan.iterations_per_epoch > 0 ? static_cast<double>(t) / plan.iterations_per_epoch : 0;
    row.rounds = rounds;
    row.bytes_total = bytes_total;
    row.bytes_per_worker = bytes_total / c.N;
    row.sim_time_s = clock.now_s();
    row.lr = learning_rate(c.algorithm.lr, std::max<std::int64_t>(t, 1), plan.iterations_per_epoch, plan.T, c.N);
    row.wall_s = wall();
    csv.append(row.csv());
    on_row(row);
  };
  row_at();
  for (t = 1; t <= plan.T; ++t) {
    if (schedule(t).round) ++rounds;
    bytes_total += clock.advance(t, schedule).bytes_total;
    if (t % plan.eval_every == 0 || t == plan.T) row_at();
    if (options.interrupt && options.interrupt->load()) {
      status = RunStatus::interrupted;
      row_at();
      break;
    }
  }
  t = std::min(t, plan.T);
  if (run.trace) write_file_atomically(dir / "trace.json", run.trace->chrome_json());

  nlohmann::json s = {{"status", to_string(status)},
                      {"mode", "timing-only"},
                      {"experiment", c.name},
                      {"run", rp.run_name},
                      {"csgd_version", CSGD_VERSION},
                      {"workers", c.N},
                      {"algorithm", run.algorithm->name()},
                      {"timing_model", clock.describe()},
                      {"model_bytes", plan.model_bytes},
                      {"iterations", t},
                      {"rounds", rounds},
                      {"bytes_total", bytes_total},
                      {"bytes_per_worker", bytes_total / c.N},
                      {"wall_s", wall()}};
  s.update(clock_summary(clock));
  if (run.topology) s["topology"] = topology_summary(*run.topology);
  write_file_atomically(dir / "summary.json", s.dump(2) + "\n");

  RunResult result{rp.run_name, status, dir, {}, status == RunStatus::completed ? "iterations" : "interrupted",
                   t, rounds, clock.now_s(), std::nullopt, std::nullopt};
  result.report = fmt::format("{} [{} · timing only]: {} iterations simulated in {}, {} rounds, {} sent; wall {:.2f} s\n",
                              rp.run_name, to_string(status), t, format_duration(clock.now_s()), rounds,
                              format_bytes(bytes_total), wall());
  return result;
}

template RunResult simulate_timing<float>(PreparedRun<float>&, const std::filesystem::path&, const RunOptions&,
                                          const std::function<void(const MetricsRow&)>&);
template RunResult simulate_timing<double>(PreparedRun<double>&, const std::filesystem::path&, const RunOptions&,
                                           const std::function<void(const MetricsRow&)>&);

}  // namespace csgd
