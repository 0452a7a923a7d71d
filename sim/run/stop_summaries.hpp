#pragma once
// Under mpirun, a rank whose peer died waits inside MPI until mpirun stops it (SIGTERM, then
// SIGKILL): its training loop never runs again, so it cannot mark its runs. A signal handler may
// not write JSON, but it may rename(2). So while a team of several ranks trains, its rank 0 keeps,
// beside each run's summary.json, a ready summary that says "interrupted" (refreshed at every
// evaluation), and the stop signal's handler moves it into place: a stopped run never stays
// "running", and never claims "completed".
#include <filesystem>
#include <span>

namespace csgd {

// The file beside summary.json that publish_stop_summaries() moves into place.
inline constexpr const char* kStopSummaryName = ".summary-if-stopped.json";

// From now on, the handler publishes `run_dirs`' stop summaries (those that exist).
void arm_stop_summaries(std::span<const std::filesystem::path> run_dirs);
// Stops publishing and removes `run_dirs`' stop summaries (also those written after a signal
// published); call before writing the runs' final summaries.
void disarm_stop_summaries(std::span<const std::filesystem::path> run_dirs);
// Async-signal-safe: renames each armed run's stop summary to its summary.json.
void publish_stop_summaries() noexcept;

}  // namespace csgd
