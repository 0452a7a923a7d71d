#include "output/run_folder.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csgd/errors.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace csgd {

void write_file_atomically(const std::filesystem::path& file, const std::string& content) {
  const auto tmp = std::filesystem::path(file).concat(".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  }
  std::filesystem::rename(tmp, file);  // atomic on POSIX within one file system
}

void check_run_folder_free(const std::filesystem::path& dir, bool force) {
  const auto summary = dir / "summary.json";
  if (force || !std::filesystem::exists(summary)) return;
  std::string status = "unknown";
  try {
    std::ifstream in(summary);
    status = nlohmann::json::parse(in).value("status", "unknown");
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("{}: a {} run is already there; pass --force to overwrite it, or --out DIR",
                               dir.string(), status));
}

ResultsFolderLock::ResultsFolderLock(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("--out {}: cannot create the results folder: {}", dir.string(), ec.message()));
  const auto file = dir / ".csgd.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(fmt::format("--out {}: cannot write in the results folder: {}", dir.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    if (err == EWOULDBLOCK)
      throw InputError(fmt::format("--out {}: another csgd process is writing into this results folder; wait for it "
                                   "to finish or choose another --out", dir.string()));
    throw InputError(fmt::format("--out {}: cannot lock the results folder: {}", dir.string(), std::strerror(err)));
  }
}

ResultsFolderLock::~ResultsFolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

MetricsCsv::MetricsCsv(const std::filesystem::path& file, const std::string& header)
    : out_(file, std::ios::trunc), file_(file) {
  if (!out_) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  append(header);
}

void MetricsCsv::append(const std::string& row) {
  out_ << row << '\n';
  out_.flush();
  if (!out_) throw std::runtime_error(fmt::format("cannot write {}", file_.string()));
}

}  // namespace csgd
