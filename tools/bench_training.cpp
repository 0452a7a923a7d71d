// bench_training: training throughput of the quickstart MLP against the machine's own GEMM rate,
// the simulator's overhead, and peak memory — all measured in ONE run, because this machine is
// shared and noisy and only ratios measured side by side are worth publishing.
// It prints figures; it asserts nothing about timings (targets are reported, never enforced).
//
//   build/tools/bench_training [--threads N] [--iterations T]
//
// Training: experiments/quickstart.yaml with Algorithm 1 (pr-sgd-momentum, β = 0.9, I = 8), N = 8
// workers, local batch 64, MLP 784-256-256-10, float32, evaluated only at t = 0 and t = T; run
// through the public run_experiment into a temporary folder that is removed afterwards.
// GEMM: C.noalias() = A·B in float, n = 1024, Eigen single-threaded, one independent product per
// TBB thread at once (the same parallelism as training), measured before and after training.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include "csgd/experiment.hpp"
#include "csgd/problem.hpp"
#include "csgd/runner.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;

constexpr int kN = 8, kBatch = 64, kSyncInterval = 8;
constexpr int kGemmSize = 1024, kGemmReps = 20;
// Fashion-MNIST as held in memory: 60000 train + 10000 test columns of 784 floats; per row a double
// label (Dataset::y) and an int32 class index.
constexpr double kRows = 60000 + 10000, kFeatures = 784, kLabelBytesPerRow = 8 + 4;
constexpr double kMB = 1e6;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Peak resident set in bytes: VmHWM, or ru_maxrss where /proc is missing.
double peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024;
}

// GFLOP/s of `copies` independent n³ products run at once, one per TBB task (static partitioner:
// one task per thread when copies = threads). copies = 0 runs one product on the calling thread.
double gemm_gflops(int copies) {
  const int tasks = copies == 0 ? 1 : copies;
  std::vector<MatrixF> a(tasks), b(tasks), c(tasks);
  const auto for_each_task = [&](auto&& body) {
    if (copies == 0) return body(0);
    tbb::parallel_for(tbb::blocked_range<int>(0, tasks, 1),
                      [&](const tbb::blocked_range<int>& r) { for (int i = r.begin(); i < r.end(); ++i) body(i); },
                      tbb::static_partitioner());
  };
  for_each_task([&](int i) {  // allocate, touch and warm up where the product will run
    a[i] = MatrixF::Random(kGemmSize, kGemmSize);
    b[i] = MatrixF::Random(kGemmSize, kGemmSize);
    c[i].noalias() = a[i] * b[i];
  });
  const auto t0 = Clock::now();
  for_each_task([&](int i) {
    for (int r = 0; r < kGemmReps; ++r) c[i].noalias() = a[i] * b[i];
  });
  const double s = seconds_since(t0);
  return tasks * kGemmReps * 2.0 * kGemmSize * kGemmSize * kGemmSize / s / 1e9;
}

struct Options {
  int threads = 0;               // 0 = all
  std::int64_t iterations = 5000;  // ~15 s on the 2-core development machine
};

Options parse(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "-h" || arg == "--help") {
      std::puts("usage: bench_training [--threads N] [--iterations T]");
      std::exit(0);
    }
    if ((arg != "--threads" && arg != "--iterations") || k + 1 == argc)
      throw std::invalid_argument("usage: bench_training [--threads N] [--iterations T]");
    const long long v = std::stoll(argv[++k]);
    if (v < 1) throw std::invalid_argument(arg + " must be >= 1");
    if (arg == "--threads")
      o.threads = static_cast<int>(v);
    else
      o.iterations = v;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  const Options opt = parse(argc, argv);
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto program_start = Clock::now();

  const std::string T = std::to_string(opt.iterations);
  const csgd::ExperimentPlan plan = csgd::load_experiment(
      CSGD_SOURCE_DIR "/experiments/quickstart.yaml",
      {"workers=" + std::to_string(kN), "precision=float32", "problem.model=mlp", "problem.hidden=[256, 256]",
       "problem.batch_size=" + std::to_string(kBatch), "algorithm.name=pr-sgd-momentum", "algorithm.momentum=0.9",
       "algorithm.nesterov=false", "algorithm.sync_interval=" + std::to_string(kSyncInterval),
       "stop={iterations: " + T + "}", "eval={every_iterations: " + T + ", grad_norm: false}"});
  const csgd::ExperimentConfig& config = plan.runs.at(0).config;

  // FLOPs per sample from the problem itself (Problem::gradient_flops / batch: the MLP's matrix
  // products, 4·784·256 + 6·256·256 + 6·256·10). This also loads the data set (cached process-wide).
  double flops_per_sample = 0;
  {
    const auto problem = csgd::make_problem<float>(config.problem, config.N, config.seed);
    flops_per_sample = problem->gradient_flops(0) / static_cast<double>(problem->samples_per_step(0));
  }

  const double gemm_single = gemm_gflops(0);
  const double gemm_before = gemm_gflops(threads);

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("csgd-bench-training-{}", getpid());
  nlohmann::json summary;
  try {
    csgd::RunOptions run_options;
    run_options.out_dir = dir;
    run_options.force = true;
    run_options.quiet = true;
    const auto results = csgd::run_experiment(plan, run_options);
    std::ifstream in(results.at(0).dir / "summary.json");
    summary = nlohmann::json::parse(in);
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
  std::filesystem::remove_all(dir);
  const double peak = peak_rss_bytes();  // before the second GEMM, which allocates little anyway

  const double gemm_after = gemm_gflops(threads);
  const double gemm = (gemm_before + gemm_after) / 2;

  // Training figures from the run's own profile.
  const auto& p = summary.at("profile_s");
  const double total = p.at("total"), evaluate = p.at("evaluate");
  const double compute = p.at("gradient_and_local_step"), communicate = p.at("communicate");
  const double samples_per_s = summary.at("samples_per_s");  // t·N·b / (compute + communicate)
  const double train_gflops = samples_per_s * flops_per_sample / 1e9;
  const double ratio = train_gflops / gemm;
  const double overhead = (total - evaluate - compute - communicate) / (total - evaluate);
  const auto m = summary.at("parameters").get<double>();
  const std::int64_t iterations = summary.at("iterations");

  // Memory: workers' state is x and u (2·m floats) per worker.
  const double state_per_worker = 2 * m * 4, state = state_per_worker * kN;
  const double dataset = kRows * kFeatures * 4 + kRows * kLabelBytesPerRow;
  const double memory_target = 2.5 * (state + dataset);

  const auto row = [](const std::string& name, const std::string& value) {
    fmt::print("  {:<44} {}\n", name, value);
  };
  const auto verdict = [](bool ok) { return ok ? "meets target" : "MISSES target"; };
  fmt::print("csgd bench_training (figures only; no timing is asserted)\n");
  row("threads (TBB; summary.json says)", fmt::format("{} ({})", threads, summary.at("threads").get<int>()));
  row("workers N / local batch / sync interval I", fmt::format("{} / {} / {}", kN, kBatch, kSyncInterval));
  row("parameters m", fmt::format("{:.0f}", m));
  row("iterations T, run status", fmt::format("{}, {}", iterations, summary.at("status").get<std::string>()));
  row("training wall (profile total) / program wall",
      fmt::format("{:.2f} s / {:.2f} s", total, seconds_since(program_start)));
  fmt::print("Training: {}\n", summary.at("problem").get<std::string>());
  row("gradient + local step / communicate / evaluate",
      fmt::format("{:.3f} s / {:.3f} s / {:.3f} s", compute, communicate, evaluate));
  row("samples/s (training only, no evaluation)", fmt::format("{:.0f}", samples_per_s));
  row("FLOPs/sample (Problem::gradient_flops / batch)", fmt::format("{:.4g} MFLOP", flops_per_sample / 1e6));
  row("training FLOP rate", fmt::format("{:.2f} GFLOP/s", train_gflops));
  fmt::print("GEMM: Eigen float C.noalias() = A*B, n = {}, {} reps per thread\n", kGemmSize, kGemmReps);
  row("1 thread", fmt::format("{:.2f} GFLOP/s", gemm_single));
  row(fmt::format("{} threads, before / after training", threads),
      fmt::format("{:.2f} / {:.2f} GFLOP/s", gemm_before, gemm_after));
  row(fmt::format("{} threads, mean (reference)", threads), fmt::format("{:.2f} GFLOP/s", gemm));
  fmt::print("Targets\n");
  row("training / GEMM FLOP rate (target >= 50%)", fmt::format("{:.1f}%  {}", 100 * ratio, verdict(ratio >= 0.5)));
  row("simulator overhead (target <= 5%)", fmt::format("{:.2f}%  {}", 100 * overhead, verdict(overhead <= 0.05)));
  row("peak RSS (target <= 2.5 x (state + data))",
      fmt::format("{:.1f} MB of {:.1f} MB  {}", peak / kMB, memory_target / kMB, verdict(peak <= memory_target)));
  row("workers' state 2*m*4 B x N / data set",
      fmt::format("{:.2f} MB / {:.1f} MB", state / kMB, dataset / kMB));
  row("per worker: state / peak RSS / (peak - data)",
      fmt::format("{:.2f} MB / {:.1f} MB / {:.1f} MB", state_per_worker / kMB, peak / kN / kMB,
                  (peak - dataset) / kN / kMB));

  const std::string command =
      fmt::format("meson compile -C build bench_training && build/tools/bench_training --threads {} --iterations {}",
                  threads, opt.iterations);
  fmt::print("\nMarkdown for the README:\n\n");
  fmt::print("| {} threads, MLP 784-256-256-10, N = {}, batch {}, I = {} | measured | target |\n", threads, kN,
             kBatch, kSyncInterval);
  fmt::print("|---|---|---|\n");
  fmt::print("| training throughput | {:.0f} samples/s = {:.1f} GFLOP/s | |\n", samples_per_s, train_gflops);
  fmt::print("| Eigen SGEMM {}³, one per thread | {:.1f} GFLOP/s ({:.1f} on 1 thread) | |\n", kGemmSize, gemm,
             gemm_single);
  fmt::print("| training / GEMM FLOP rate | {:.0f}% | ≥ 50% |\n", 100 * ratio);
  fmt::print("| simulator overhead | {:.1f}% | ≤ 5% |\n", 100 * overhead);
  fmt::print("| peak RSS | {:.0f} MB (state {:.1f} MB, data {:.0f} MB) | ≤ {:.0f} MB |\n", peak / kMB, state / kMB,
             dataset / kMB, memory_target / kMB);
  fmt::print("\nReproduce: `{}`\n", command);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_training: %s\n", e.what());
  return 1;
}
