#pragma once
// The subcommands of the csgd program. Each returns the process exit code:
// 0 success, 2 bad input (nothing was run), 3 a run diverged, 130 interrupted.
namespace csgd::cli {

inline constexpr int exit_bad_input = 2;
inline constexpr int exit_diverged = 3;
inline constexpr int exit_output_failed = 4;  // results could not be written (disk full, I/O error)
inline constexpr int exit_interrupted = 130;  // 128 + SIGINT
inline constexpr int exit_terminated = 143;   // 128 + SIGTERM

int run_command(int argc, const char* const* argv);   // argv[0] is "run"
int topo_command(int argc, const char* const* argv);  // argv[0] is "topo"
int bound_command(int argc, const char* const* argv);  // argv[0] is "bound"
int check_command(int argc, const char* const* argv);  // argv[0] is "check"

}  // namespace csgd::cli
