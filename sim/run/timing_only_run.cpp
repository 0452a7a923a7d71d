// --timing-only: the cluster clock alone, driven by the algorithm's schedule. No gradients, no
// model state: what-if studies at any N, in the time the network simulation takes.
#include <chrono>

#include <fmt/format.h>

#include "csgd/units.hpp"
#include "output/run_folder.hpp"
#include "run/run_ledger.hpp"
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

  create_run_folder(dir);
  RunLedger ledger;
  // Before any file of an earlier run (--force) is replaced, the folder says it is being rewritten.
  write_file_atomically(dir / "summary.json",
                        ledger.summary(rp, plan, clock, run.topology.get(), "running", 0).dump(2) + "\n");
  write_file_atomically(dir / "config.resolved.yaml", rp.resolved_yaml);
  MetricsCsv csv(dir / "metrics.csv", MetricsRow::csv_header());
  const Schedule schedule = make_schedule(*run.problem, *run.algorithm, c.N, plan.model_bytes);

  std::int64_t& t = ledger.t;
  RunStatus status = RunStatus::completed;
  std::int64_t last_row = -1;
  const auto row_at = [&] {
    // One row per iteration: a stop right after an evaluated iteration (or inside the next one)
    // has its row already, as in training.
    if (t == last_row) return;
    last_row = t;
    // As in training: the row of iteration 0 (no step yet) shows γ = 0.
    const double lr = t == 0 ? 0.0 : learning_rate(c.algorithm.lr, t, plan.iterations_per_epoch, plan.T, c.N);
    const MetricsRow row = ledger.row(plan, c.N, clock, lr, wall());
    csv.append(row.csv());
    on_row(row);
  };
  row_at();
  clock.stop_when(options.interrupt);  // a round at 16k hosts may take minutes: stop inside it
  for (t = 1; t <= plan.T; ++t) {
    const bool round = schedule(t).round.has_value();
    try {
      ledger.add(clock.advance(t, schedule));
    } catch (const ClockInterrupted&) {  // iteration t is unfinished: the run ends at t − 1
      status = RunStatus::interrupted;
      --t;
      row_at();
      break;
    }
    if (round) ++ledger.rounds;
    if (t % plan.eval_every == 0 || t == plan.T) row_at();
    if (options.interrupt && options.interrupt->load()) {
      status = RunStatus::interrupted;
      row_at();
      break;
    }
  }
  t = std::min(t, plan.T);
  if (run.trace) write_file_atomically(dir / "trace.json", run.trace->chrome_json());

  nlohmann::json s = ledger.summary(rp, plan, clock, run.topology.get(), to_string(status), wall());
  s["mode"] = "timing-only";
  s["algorithm"] = run.algorithm->name();
  s.update(problem_fields(*run.problem));  // its sizes only: nothing was trained
  write_file_atomically(dir / "summary.json", s.dump(2) + "\n");

  RunResult result{rp.run_name, status, dir, {}, status == RunStatus::completed ? cap_reason(c.stop) : "interrupted",
                   t, ledger.rounds, clock.now_s(), std::nullopt, std::nullopt};
  result.report = fmt::format("{} [{} · timing only]: {} iterations simulated in {}, {} rounds, {} sent; wall {:.2f} s\n",
                              rp.run_name, to_string(status), t, format_duration(clock.now_s()),
                              ledger.rounds, format_bytes(ledger.bytes_total), wall());
  return result;
}

template RunResult simulate_timing<float>(PreparedRun<float>&, const std::filesystem::path&, const RunOptions&,
                                          const std::function<void(const MetricsRow&)>&);
template RunResult simulate_timing<double>(PreparedRun<double>&, const std::filesystem::path&, const RunOptions&,
                                           const std::function<void(const MetricsRow&)>&);

}  // namespace csgd
