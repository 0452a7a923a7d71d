#include "output/run_folder.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csgd/errors.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace csgd {

namespace {

std::string write_failure(const std::filesystem::path& file, int err) {
  const char* cause = err == ENOSPC ? "disk full: " : err == EDQUOT ? "disk quota exceeded: " : "";
  return fmt::format("{}cannot write {}: {}", cause, file.string(), std::strerror(err));
}

// Writes all of `data` at the current offset; false with errno set on failure.
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& file, const std::string& content) {
  const auto tmp = std::filesystem::path(file).concat(".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw OutputError(write_failure(tmp, errno));
  const bool written = write_all(fd, content.data(), content.size());
  const int err = errno;
  if (::close(fd) != 0 || !written) {
    const int cause = written ? errno : err;
    ::unlink(tmp.c_str());  // a half-written temporary file only takes space
    throw OutputError(write_failure(tmp, cause));
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {  // atomic on POSIX within one file system
    const int cause = errno;
    ::unlink(tmp.c_str());
    throw OutputError(write_failure(file, cause));
  }
}

void create_run_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw OutputError(write_failure(dir, ec.value()));
}

void check_results_folder_writable(const std::filesystem::path& out_dir, const std::vector<std::string>& run_names) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto refuse = [&](const std::string& why) {
    throw InputError(fmt::format("--out {}: {}", out_dir.string(), why));
  };
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) refuse("is a file, not a folder; choose another --out");
  for (const auto& name : run_names) {
    fs::path dir = out_dir;
    for (const auto& part : fs::path(name)) {  // CONFIG and CONFIG/seed=k alike
      dir /= part;
      if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        refuse(fmt::format("{} is a file, but the run '{}' needs a folder there", dir.string(), name));
    }
  }
  // The deepest folder that exists must let us create (or write in) what is below it.
  fs::path existing = fs::absolute(out_dir, ec);
  while (!existing.empty() && !fs::exists(existing, ec) && existing != existing.parent_path())
    existing = existing.parent_path();
  if (!fs::is_directory(existing, ec))
    refuse(fmt::format("{} is not a folder, so the results folder cannot be created under it", existing.string()));
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    refuse(fmt::format("cannot write in {}: {}", existing.string(), std::strerror(errno)));
}

void mark_run_failed(const std::filesystem::path& dir, const std::string& message) {
  try {
    nlohmann::json summary = nlohmann::json::object();
    if (std::ifstream in(dir / "summary.json"); in) summary = nlohmann::json::parse(in, nullptr, false);
    if (!summary.is_object()) summary = nlohmann::json::object();
    summary["status"] = "failed";
    summary["error"] = message;
    const std::string text = summary.dump(2) + "\n";
    try {
      write_file_atomically(dir / "summary.json", text);
    } catch (const OutputError&) {
      // A full disk has no block for a temporary copy, but the old summary's blocks (it is a few
      // hundred bytes shorter than a block) take the new text in place.
      const auto file = dir / "summary.json";
      const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) return;
      if (write_all(fd, text.data(), text.size())) (void)::ftruncate(fd, static_cast<off_t>(text.size()));
      ::close(fd);
    }
  } catch (const std::exception&) {
    // The disk may not take even this: the summary then keeps saying "running", never "completed".
  }
}

void check_run_folder_free(const std::filesystem::path& out_dir, const std::string& run_name, bool force) {
  if (force) return;
  // The run's folder and every folder on the way to it (CONFIG of CONFIG/seed=k): a run of an
  // earlier sweep there is not overwritten, nor written into.
  std::filesystem::path dir = out_dir;
  for (const auto& part : std::filesystem::path(run_name)) {
    dir /= part;
    const auto summary = dir / "summary.json";
    if (!std::filesystem::exists(summary)) continue;
    std::string status = "unknown";
    try {
      std::ifstream in(summary);
      status = nlohmann::json::parse(in).value("status", "unknown");
    } catch (const std::exception&) {
    }
    throw InputError(fmt::format("{}: a {} run is already there; pass --force to overwrite it, or --out DIR",
                                 dir.string(), status));
  }
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
    : fd_(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)), file_(file) {
  if (fd_ < 0) throw OutputError(write_failure(file, errno));
  append(header);
}

MetricsCsv::~MetricsCsv() {
  if (fd_ >= 0) ::close(fd_);
}

void MetricsCsv::append(const std::string& row) {
  const std::string line = row + "\n";
  if (!write_all(fd_, line.data(), line.size())) {
    const int err = errno;
    // Roll back to the last complete row; the offset follows so that a later append cannot leave a hole.
    if (::ftruncate(fd_, size_) == 0) ::lseek(fd_, size_, SEEK_SET);
    throw OutputError(write_failure(file_, err));
  }
  size_ += static_cast<long long>(line.size());
}

}  // namespace csgd
