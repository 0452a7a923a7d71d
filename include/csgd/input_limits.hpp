#pragma once
// Up-front limits on what user input may ask for: input files are regular files of bounded size
// (a directory, /dev/zero or a pipe is refused, not read until memory runs out), and sizes that
// cannot fit in this machine's memory are estimated and refused before anything is allocated.
// Every refusal is an InputError (exit 2) that names the file or the estimate.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace csgd {

// The largest worker count N csgd accepts (2^20): per-worker bookkeeping stays below a few GiB
// and N·N-sized quantities fit in 64 bits.
inline constexpr int kMaxWorkers = 1 << 20;

// The largest payload a round may price (timing.model_bytes, 1 PB): far above any model, and low
// enough that a run's byte totals and simulated seconds stay ordinary numbers.
inline constexpr double kMaxModelBytes = 1e15;

// Text inputs (topology, W, LIBSVM files) larger than this are refused (4 GiB).
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{4} << 30;

// Throws InputError unless `path` names an existing regular file of at most `max_bytes`; `what`
// says which input it is ("the topology file (timing.network.topology.file)").
void require_regular_file(const std::filesystem::path& path, std::string_view what,
                          std::uintmax_t max_bytes = kMaxInputFileBytes);

// The whole file, after require_regular_file.
std::string read_input_file(const std::filesystem::path& path, std::string_view what,
                            std::uintmax_t max_bytes = kMaxInputFileBytes);

// Memory that can be allocated now (MemAvailable of /proc/meminfo; physical memory where that is
// missing), lowered to the environment variable CSGD_MEMORY_LIMIT ("4GiB") when set; in bytes, or
// 0 when the system does not say.
std::uint64_t available_memory_bytes();

// Throws InputError when `bytes` (an estimate, computed in double so that it cannot overflow)
// exceeds available memory: "<what> would need about 1.2 TB (<how>), more than the 20.1 GB of
// memory available".
void require_fits_in_memory(double bytes, std::string_view what, std::string_view how);

}  // namespace csgd
