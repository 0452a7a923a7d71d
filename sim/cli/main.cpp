// csgd: command-line entry. Dispatches to subcommands; maps errors to exit codes.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "csgd/errors.hpp"
#include "csgd/mpi_job.hpp"
#include "run/rank_agreement.hpp"

namespace {

constexpr const char* kUsage =
    "csgd " CSGD_VERSION " — distributed momentum SGD on a simulated cluster\n"
    "\n"
    "Usage:\n"
    "  csgd run FILE.yaml [--set key.path=value]... [--threads N] [--out DIR] [--quiet] [--force]\n"
    "                     [--trace] [--timing-only] [--dry-run]\n"
    "  mpirun -n R csgd run FILE.yaml                  (each run's workers spread over R processes or machines)\n"
    "  mpirun -n R csgd run FILE.yaml --sweep-ranks G  (the runs dealt to R/G groups of G ranks)\n"
    "  csgd topo NAME [--workers N] [--dims 4x4] [--beta 0.9] [--L 1] [--json] ...\n"
    "  csgd bound --L 1 --sigma 1 --kappa 0 --beta 0.9 --gamma 0.01 --I 8 --N 8 --T 1000 --f0 10\n"
    "  csgd bound --from FILE.yaml       (the quantities of a synthetic experiment)\n"
    "  csgd check theory [--fast]\n"
    "  csgd run --help        options of `run` (likewise topo, bound, check --help)\n"
    "  csgd --help            this text\n"
    "  csgd --version\n"
    "\n"
    "Commands:\n"
    "  run    train N virtual workers as the experiment file says and write results/<name>/<run>/\n"
    "         (metrics.csv, summary.json, config.resolved.yaml, model.npy)\n"
    "  topo   a topology's size, diameter, degrees, mixing matrix W, its spectrum (λ2, λN, √ρ)\n"
    "         and Theorem 3's step-size bound\n"
    "  bound  Theorems 1–3 for given L, σ, κ, β, γ, I, N, T: conditions, the bound term by term,\n"
    "         the largest I, and the γ, I and rounds Corollaries 1–2 prescribe\n"
    "  check  `check theory`: run the theory checks on the synthetic problem, write a report\n"
    "\n"
    "Exit codes: 0 done, 2 bad input (nothing run), 3 a run diverged, 4 results could not be written\n"
    "(disk full, I/O error: the run is marked failed where possible, metrics.csv keeps whole rows),\n"
    "130 interrupted (Ctrl-C), 143 terminated (SIGTERM); both leave the run marked interrupted.\n";

// Under mpirun, an error after the ranks agreed to start (a full disk, a bug) must stop every
// rank, not leave the others waiting for this one: MPI_Abort. Alone, exit with the code.
int fail(const csgd::MpiJob& job, const char* what, const char* message, int code) {
  if (job.size() > 1) {
    std::fprintf(stderr, "csgd: %s (rank %d of %d): %s\n", what, job.rank(), job.size(), message);
    job.abort(code);
  }
  std::fprintf(stderr, "csgd: %s: %s\n", what, message);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const csgd::MpiJob job(argc, argv);
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      if (job.rank() == 0) std::fputs(kUsage, stdout);
      return 0;
    }
    if (command == "--version" || command == "-V") {
      if (job.rank() == 0) std::printf("csgd %s\n", CSGD_VERSION);
      return 0;
    }
    if (command == "run") return csgd::cli::run_command(argc - 1, argv + 1);
    if (std::max(job.size(), job.ranks_without_mpi()) > 1 && !command.empty() && command[0] != '-') {
      // Each rank would do the whole job and write the same files.
      if (job.rank() == 0)
        std::fprintf(stderr, "csgd: error: only `csgd run` uses MPI ranks; run `csgd %s` without mpirun\n",
                     command.c_str());
      return csgd::cli::exit_bad_input;
    }
    if (command == "topo") return csgd::cli::topo_command(argc - 1, argv + 1);
    if (command == "bound") return csgd::cli::bound_command(argc - 1, argv + 1);
    if (command == "check") return csgd::cli::check_command(argc - 1, argv + 1);
    if (job.rank() == 0)
      std::fprintf(stderr, "csgd: %s\n\n%s",
                   command.empty() ? "missing command" : ("unknown command '" + command + "'").c_str(), kUsage);
    return csgd::cli::exit_bad_input;
  } catch (const csgd::AgreedFailure& e) {  // every rank stops; the first that failed says why
    if (!e.message.empty()) std::fprintf(stderr, "csgd: error: %s\n", e.message.c_str());
    return e.output_error ? csgd::cli::exit_output_failed : csgd::cli::exit_bad_input;
  } catch (const csgd::InputError& e) {
    return fail(job, "error", e.what(), csgd::cli::exit_bad_input);
  } catch (const csgd::OutputError& e) {
    return fail(job, "error", e.what(), csgd::cli::exit_output_failed);
  } catch (const std::exception& e) {
    return fail(job, "internal error", e.what(), 1);
  }
}
