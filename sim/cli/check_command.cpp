// `csgd check theory`: run the five theory checks (sim/theory/), print one row per case, write
// DIR/REPORT.md and DIR/checks.csv. Exit 0 when every check passes, 1 when one fails, 2 for bad
// input.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

#include "cli/commands.hpp"
#include "csgd/errors.hpp"
#include "output/run_folder.hpp"
#include "theory/theory_checks.hpp"

namespace csgd::cli {
namespace {

namespace po = boost::program_options;

// experiments/theory: --experiments, else ./experiments/theory, else next to the executable's
// parent folder (build/csgd → experiments/theory of the source tree).
std::filesystem::path find_experiments(const po::variables_map& vm) {
  if (vm.count("experiments")) {
    const std::filesystem::path p = vm["experiments"].as<std::string>();
    if (!std::filesystem::is_directory(p))
      throw InputError(fmt::format("--experiments {}: no such folder", p.string()));
    return p;
  }
  if (std::filesystem::is_directory("experiments/theory")) return "experiments/theory";
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto p = exe.parent_path().parent_path() / "experiments" / "theory";
    if (std::filesystem::is_directory(p)) return p;
  }
  throw InputError("cannot find experiments/theory: run from the source tree or give --experiments DIR");
}

// A scratch folder for the runs, removed on scope exit.
class Scratch {
 public:
  Scratch() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / fmt::format("csgd-check-{}-{:x}", ::getpid(), rd());
    std::filesystem::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

int check_command(int argc, const char* const* argv) {
  po::options_description o("Options of csgd check theory");
  // clang-format off
  o.add_options()
      ("help,h", "print this help")
      ("fast", "the CI subset: every check, fewer seeds and shorter runs, the same thresholds")
      ("out", po::value<std::string>()->default_value("results/theory-check"), "folder for REPORT.md and checks.csv")
      ("seeds", po::value<int>(), "seeds 1..K for every check (default: each check's own K)")
      ("only", po::value<std::vector<int>>()->multitoken(), "run only these checks, e.g. --only 2 4 (default: all five)")
      ("experiments", po::value<std::string>(), "folder of the checks' experiment files (default experiments/theory)")
      ("threads", po::value<int>()->default_value(0),
       "runs at a time, one thread each (0 = one per core); results are bit-identical for any value")
      ("quiet,q", "print nothing but errors and the final verdict line");
  // clang-format on
  po::options_description all = o;
  all.add_options()("what", po::value<std::string>(), "what to check");
  po::positional_options_description positional;
  positional.add("what", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(fmt::format("{} (see csgd check --help)", e.what()));
  }
  if (vm.count("help")) {
    std::cout << "Usage: csgd check theory [--fast] [--out DIR] [--seeds K] [--only N...] [--experiments DIR] "
                 "[--threads N] [--quiet]\n\n"
                 "Runs the five checks of the paper's theory on the synthetic problem (Theorems 1–2 hold, linear\n"
                 "speedup, the I dependence of Theorem 1, Theorem 3 against the spectral gap, momentum averaging\n"
                 "against the reset baseline), prints one row per case and writes DIR/REPORT.md and DIR/checks.csv.\n"
                 "Exit code 0 when every check passes, 1 when one fails, 2 for bad input.\n\n"
              << o << "\n";
    return 0;
  }
  if (!vm.count("what")) throw InputError("csgd check needs what to check: csgd check theory");
  if (vm["what"].as<std::string>() != "theory")
    throw InputError(
        fmt::format("csgd check: unknown check '{}' (the one there is: theory)", vm["what"].as<std::string>()));
  const int threads = vm["threads"].as<int>();
  if (threads < 0) throw InputError(fmt::format("--threads must be ≥ 0, got {}", threads));
  CheckSettings settings;
  settings.fast = vm.count("fast") > 0;
  if (vm.count("seeds")) {
    settings.seeds = vm["seeds"].as<int>();
    if (settings.seeds < 2)
      throw InputError(fmt::format("--seeds needs K ≥ 2 (a standard error needs two seeds), got {}", settings.seeds));
  }
  if (vm.count("only")) {
    settings.only = vm["only"].as<std::vector<int>>();
    for (int n : settings.only)
      if (n < 1 || n > 5) throw InputError(fmt::format("--only: the checks are numbered 1 to 5, got {}", n));
  }
  settings.experiments_dir = find_experiments(vm);
  const std::filesystem::path out = vm["out"].as<std::string>();
  check_results_folder_writable(out, {});  // before the checks run, not after
  const bool quiet = vm.count("quiet") > 0;
  if (!quiet)
    settings.on_row = [](const CheckSection& s, const CheckRow& r) {
      std::cout << format_check_row(s, r) << std::endl;
    };
  settings.threads = threads;

  std::string command = "csgd check";
  for (int k = 1; k < argc; ++k) command += fmt::format(" {}", argv[k]);
  const auto start = std::chrono::steady_clock::now();
  Scratch scratch;
  settings.scratch_dir = scratch.path();
  if (!quiet)
    std::cout << fmt::format("csgd check theory{}: experiments from {}\n", settings.fast ? " --fast" : "",
                             settings.experiments_dir.string());
  const std::vector<CheckSection> sections = run_theory_checks(settings);
  ReportInfo info;
  info.fast = settings.fast;
  info.command = command;
  info.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_check_report(sections, info, out);
  int failed = 0;
  for (const auto& s : sections) failed += !s.passed();
  std::cout << fmt::format("theory checks: {} of {} pass ({:.0f} s); report: {}\n",
                           sections.size() - static_cast<std::size_t>(failed), sections.size(), info.wall_s,
                           (out / "REPORT.md").string());
  return failed == 0 ? 0 : 1;
}

}  // namespace csgd::cli
