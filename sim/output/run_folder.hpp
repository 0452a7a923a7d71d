#pragma once
// A run's results folder. Whole files are written atomically (temporary file, then rename);
// metrics.csv grows row by row and is flushed, so an interrupted run keeps what it measured.
// summary.json says "running" until the run ends, then "completed", "diverged" or "interrupted".
#include <filesystem>
#include <fstream>
#include <string>

namespace csgd {

void write_file_atomically(const std::filesystem::path& file, const std::string& content);

// Throws InputError if `dir` holds a run (a summary.json) and `force` is false. Checked for
// every run before any work starts.
void check_run_folder_free(const std::filesystem::path& dir, bool force);

// An exclusive lock (flock) on an experiment's results folder, held while its runs are written:
// a second csgd writing into the same --out is refused (InputError) instead of mixing files.
// Creates the folder. Released when destroyed (or when the process dies).
class ResultsFolderLock {
 public:
  explicit ResultsFolderLock(const std::filesystem::path& dir);
  ~ResultsFolderLock();
  ResultsFolderLock(const ResultsFolderLock&) = delete;
  ResultsFolderLock& operator=(const ResultsFolderLock&) = delete;

 private:
  int fd_ = -1;
};

class MetricsCsv {
 public:
  MetricsCsv(const std::filesystem::path& file, const std::string& header);
  void append(const std::string& row);  // one line, flushed

 private:
  std::ofstream out_;
  std::filesystem::path file_;
};

}  // namespace csgd
