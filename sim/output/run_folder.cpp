#include "output/run_folder.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csgd/errors.hpp"

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
