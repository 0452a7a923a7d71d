#pragma once
// A run's results folder. Whole files are written atomically (temporary file, then rename);
// metrics.csv grows row by row and is flushed, so an interrupted run keeps what it measured.
// summary.json says "running" until the run ends, then "completed", "diverged" or "interrupted".
#include <filesystem>
#include <string>
#include <vector>

namespace csgd {

// Every write failure is an OutputError naming the file ("disk full" when it is): exit code 4.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

// Creates a run's folder (and its parents); a failure is an OutputError like any other write.
void create_run_folder(const std::filesystem::path& dir);

// Refuses (InputError naming --out) a results folder that cannot be written, before any work and
// on --dry-run too: --out or a run folder that is a file, or no write permission where the
// folder would be created (a read-only file system included).
void check_results_folder_writable(const std::filesystem::path& out_dir, const std::vector<std::string>& run_names);

// After an OutputError in a run: its summary.json says "failed" with the message, if the disk
// still takes that much. Best effort: never throws.
void mark_run_failed(const std::filesystem::path& dir, const std::string& message);

// Throws InputError if the folder of run `run_name` under `out_dir`, or a folder on the way to it,
// holds a run (a summary.json) and `force` is false. Checked for every run before any work starts.
void check_run_folder_free(const std::filesystem::path& out_dir, const std::string& run_name, bool force);

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

// metrics.csv: rows are written whole or not at all. A failed write is rolled back to the last
// complete row (ftruncate) before the OutputError is thrown, so the file never ends in a torn row.
class MetricsCsv {
 public:
  MetricsCsv(const std::filesystem::path& file, const std::string& header);
  ~MetricsCsv();
  MetricsCsv(const MetricsCsv&) = delete;
  MetricsCsv& operator=(const MetricsCsv&) = delete;
  void append(const std::string& row);  // one line, handed to the kernel at once

 private:
  int fd_ = -1;
  long long size_ = 0;  // bytes of complete rows
  std::filesystem::path file_;
};

}  // namespace csgd
