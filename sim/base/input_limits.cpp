#include "csgd/input_limits.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "csgd/errors.hpp"
#include "csgd/units.hpp"

namespace csgd {
namespace fs = std::filesystem;

namespace {
std::string_view kind_of(fs::file_type t) {
  switch (t) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::fifo: return "a pipe";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}
}  // namespace

void require_regular_file(const fs::path& path, std::string_view what, std::uintmax_t max_bytes) {
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  if (ec || s.type() == fs::file_type::not_found)
    throw InputError(fmt::format("{}: cannot open {}: {}", path.string(), what,
                                 ec ? ec.message() : std::string("no such file")));
  if (s.type() != fs::file_type::regular)
    throw InputError(fmt::format("{}: {} must be a regular file, but this is {}", path.string(), what,
                                 kind_of(s.type())));
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot read {}: {}", path.string(), what, ec.message()));
  if (size > max_bytes)
    throw InputError(fmt::format("{}: {} has {}, more than the {} csgd reads", path.string(), what,
                                 format_bytes(static_cast<double>(size)), format_bytes(static_cast<double>(max_bytes))));
}

std::string read_input_file(const fs::path& path, std::string_view what, std::uintmax_t max_bytes) {
  require_regular_file(path, what, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open {}: {}", path.string(), what, std::strerror(errno)));
  // Read up to max_bytes + 1 whatever the size said: the file may grow between the two looks.
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw InputError(fmt::format("{}: {} is longer than the {} csgd reads", path.string(), what,
                                   format_bytes(static_cast<double>(max_bytes))));
  }
  if (in.bad()) throw InputError(fmt::format("{}: read error in {}", path.string(), what));
  return text;
}

namespace {
std::uint64_t system_available_bytes() {
  // MemAvailable: what can be allocated now without swapping (free memory plus reclaimable cache).
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key; meminfo >> key;) {
    std::uint64_t kib = 0;
    if (key == "MemAvailable:" && meminfo >> kib) return kib * 1024;
    meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
}
}  // namespace

std::uint64_t available_memory_bytes() {
  const std::uint64_t available = system_available_bytes();
  // CSGD_MEMORY_LIMIT (e.g. "4GiB"): a batch job's share of the machine, or a fuzzer's RSS limit.
  if (const char* limit = std::getenv("CSGD_MEMORY_LIMIT")) {
    const auto bytes = parse_bytes(limit);
    if (!bytes || !(*bytes > 0))
      throw InputError(fmt::format("CSGD_MEMORY_LIMIT: '{}' is not a size such as 4GiB or 512MB", limit));
    if (available == 0 || *bytes < static_cast<double>(available)) return static_cast<std::uint64_t>(*bytes);
  }
  return available;
}

void require_fits_in_memory(double bytes, std::string_view what, std::string_view how) {
  const std::uint64_t ram = available_memory_bytes();
  if (ram == 0 || bytes <= static_cast<double>(ram)) return;
  throw InputError(fmt::format("{} would need about {} ({}), more than the {} of memory available{}", what,
                               format_bytes(bytes), how, format_bytes(static_cast<double>(ram)),
                               std::getenv("CSGD_MEMORY_LIMIT") ? " (CSGD_MEMORY_LIMIT)" : ""));
}

}  // namespace csgd
