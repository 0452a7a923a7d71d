// Fault behaviour of the csgd program, with signals sent to a real child process: SIGTERM stops
// a run cleanly (a --timing-only one inside a long round), a killed --force rerun never leaves a
// completed summary beside partial metrics, a second writer into the same results folder is refused, a full disk or a write cut short
// ends in exit 4 with whole metrics rows, and an unwritable --out is refused up front.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/run_csgd.hpp"
#include "support/test_paths.hpp"

using csgd::testing::read_file;
using csgd::testing::TempDir;
using csgd::testing::write_file;

namespace {

// About 4 s on this machine: long enough to be signalled mid-run, 101 metrics rows when complete.
const char* kLong =
    "workers: 4\nprecision: float64\nproblem: {model: synthetic, dimension: 2000, sigma: 0.1}\n"
    "algorithm: {lr: 0.01, sync_interval: 4}\nstop: {iterations: 20000}\neval: {every_iterations: 200}\n";

pid_t spawn_csgd(const std::string& args, const TempDir& tmp) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string command = "exec " + csgd::testing::csgd_binary() + " " + args + " >" + (tmp / "child.out").string() +
                                " 2>" + (tmp / "child.err").string();
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// Waits until `file` has at least `lines` lines (the run is under way), at most 30 s.
void wait_for_lines(const std::filesystem::path& file, int lines) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (lines_of(file) < lines && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(lines_of(file) >= lines);
}

std::string status_of(const std::filesystem::path& run) {
  return nlohmann::json::parse(read_file(run / "summary.json")).at("status");
}

// kLong with a metrics row every 20 iterations: about 100 KB of metrics.csv.
std::string many_rows() {
  std::string text = kLong;
  return text.replace(text.find("every_iterations: 200"), 21, "every_iterations: 20");
}

}  // namespace

TEST_CASE("SIGTERM stops a run like Ctrl-C: exit 143, marked interrupted, metrics kept whole") {
  TempDir tmp;
  write_file(tmp / "long.yaml", kLong);
  const pid_t pid = spawn_csgd("run " + (tmp / "long.yaml").string() + " --quiet --out " + (tmp / "out").string(), tmp);
  wait_for_lines(tmp / "out" / "run" / "metrics.csv", 3);
  kill(pid, SIGTERM);
  CHECK(wait_exit_code(pid) == 143);
  CHECK(status_of(tmp / "out" / "run") == "interrupted");
  const std::string metrics = read_file(tmp / "out" / "run" / "metrics.csv");
  CHECK(lines_of(tmp / "out" / "run" / "metrics.csv") >= 3);
  CHECK(metrics.back() == '\n');  // no torn last row
}

TEST_CASE("SIGTERM stops a --timing-only run inside a long round, not after it") {
  // One flat ring all-reduce on a 64×64 torus: 33.5 M contended flows, seconds of simulation.
  // Signalled once the t = 0 row is out, the run stops inside iteration 1 and reports 0
  // iterations; waiting for the round to end would report 1.
  TempDir tmp;
  write_file(tmp / "big.yaml",
             "workers: 4096\nproblem: {model: synthetic, dimension: 4}\nalgorithm: {sync_interval: 1}\n"
             "timing: {model_bytes: 25MB, network: {model: flow, topology: {name: torus, dims: [64, 64]}, "
             "collective: ring}}\nstop: {iterations: 3}\n");
  const pid_t pid =
      spawn_csgd("run " + (tmp / "big.yaml").string() + " --timing-only --quiet --out " + (tmp / "out").string(), tmp);
  wait_for_lines(tmp / "out" / "run" / "metrics.csv", 2);  // header and t = 0
  kill(pid, SIGTERM);
  CHECK(wait_exit_code(pid) == 143);
  const auto summary = nlohmann::json::parse(read_file(tmp / "out" / "run" / "summary.json"));
  CHECK(summary.at("status") == "interrupted");
  CHECK(summary.at("iterations") == 0);
  CHECK(summary.at("rounds") == 0);
  CHECK(lines_of(tmp / "out" / "run" / "metrics.csv") == 2);  // header and t = 0, once
}

TEST_CASE("a --force rerun killed at any moment never leaves a completed summary beside partial metrics") {
  TempDir tmp;
  write_file(tmp / "long.yaml", kLong);
  const std::string args = "run " + (tmp / "long.yaml").string() + " --quiet --force --out " + (tmp / "out").string();
  REQUIRE(wait_exit_code(spawn_csgd(args, tmp)) == 0);
  const auto run = tmp / "out" / "run";
  const int complete = lines_of(run / "metrics.csv");
  REQUIRE(complete == 102);  // header + t = 0, 200, …, 20000
  for (const int delay_ms : {0, 20, 80, 300}) {
    CAPTURE(delay_ms);
    const pid_t pid = spawn_csgd(args, tmp);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    wait_exit_code(pid);
    const std::string status = status_of(run);
    MESSAGE("killed after " << delay_ms << " ms: summary says " << status << ", metrics.csv has "
                            << lines_of(run / "metrics.csv") << " lines");
    if (status == "completed") CHECK(lines_of(run / "metrics.csv") == complete);
  }
}

TEST_CASE("a second csgd writing into the same results folder is refused with exit 2") {
  TempDir tmp;
  write_file(tmp / "long.yaml", kLong);
  const std::string args = "run " + (tmp / "long.yaml").string() + " --quiet --force --out " + (tmp / "out").string();
  const pid_t first = spawn_csgd(args, tmp);
  wait_for_lines(tmp / "out" / "run" / "metrics.csv", 2);
  const auto second = csgd::testing::run_csgd(args, tmp);
  CHECK(second.code == 2);
  CHECK(second.err.find("another csgd process is writing into this results folder") != std::string::npos);
  kill(first, SIGTERM);
  CHECK(wait_exit_code(first) == 143);
  CHECK(status_of(tmp / "out" / "run") == "interrupted");  // the first run's files, not a mix
}

TEST_CASE("a --force rerun that dies before its first metrics row leaves the folder marked running, not completed") {
  TempDir tmp;
  write_file(tmp / "short.yaml", "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 5}\n");
  const std::string args = "run " + (tmp / "short.yaml").string() + " --quiet --force --out " + (tmp / "out").string();
  REQUIRE(csgd::testing::run_csgd(args, tmp).code == 0);
  const auto run = tmp / "out" / "run";
  REQUIRE(status_of(run) == "completed");
  // metrics.csv cannot be rewritten: the rerun fails exactly where the old files are replaced.
  std::filesystem::remove(run / "metrics.csv");
  std::filesystem::create_directory(run / "metrics.csv");
  const auto rerun = csgd::testing::run_csgd(args, tmp);
  CHECK(rerun.code == 4);  // results could not be written
  CHECK(status_of(run) == "failed");
}

namespace {

// Every line of a CSV has the header's number of fields and the file ends with a newline.
void check_whole_rows(const std::filesystem::path& csv) {
  const std::string text = read_file(csv);
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  std::istringstream lines(text);
  std::string header, line;
  std::getline(lines, header);
  const auto fields = std::count(header.begin(), header.end(), ',');
  int rows = 0;
  while (std::getline(lines, line)) {
    CHECK(std::count(line.begin(), line.end(), ',') == fields);
    ++rows;
  }
  MESSAGE(csv.filename().string() << " kept " << rows << " whole rows");
}

}  // namespace

TEST_CASE("a full disk mid-run: exit 4, 'disk full' with the file, the run marked failed, metrics.csv in whole rows") {
  TempDir tmp;
  write_file(tmp / "long.yaml", many_rows());
  const auto mnt = tmp / "small-disk";
  std::filesystem::create_directory(mnt);
  // A 64 KiB file system fills up after some hundred metrics rows. Mounting needs root.
  if (std::system(("mount -t tmpfs -o size=64k tmpfs " + mnt.string() + " 2>/dev/null").c_str()) != 0) {
    MESSAGE("skipped: cannot mount a small tmpfs here (needs root); the file-size-limit case covers the same path");
    return;
  }
  const auto o = csgd::testing::run_csgd("run " + (tmp / "long.yaml").string() + " --quiet --out " + (mnt / "out").string(), tmp);
  CHECK(o.code == 4);
  CHECK(o.err.find("disk full: cannot write " + (mnt / "out" / "run" / "metrics.csv").string()) != std::string::npos);
  CHECK(status_of(mnt / "out" / "run") == "failed");
  CHECK(nlohmann::json::parse(read_file(mnt / "out" / "run" / "summary.json")).at("error") ==
        o.err.substr(std::string("csgd: error: ").size(), o.err.size() - std::string("csgd: error: ").size() - 1));
  check_whole_rows(mnt / "out" / "run" / "metrics.csv");
  CHECK(std::system(("umount " + mnt.string()).c_str()) == 0);
}

TEST_CASE("a run folder that cannot be created (no inode left) is exit 4 with 'disk full', not an internal error") {
  TempDir tmp;
  write_file(tmp / "long.yaml", kLong);
  const auto mnt = tmp / "no-inodes";
  std::filesystem::create_directory(mnt);
  // Three inodes: the root, the results folder and its lock file; none left for the run folder.
  if (std::system(("mount -t tmpfs -o size=64k,nr_inodes=3 tmpfs " + mnt.string() + " 2>/dev/null").c_str()) != 0) {
    MESSAGE("skipped: cannot mount a small tmpfs here (needs root)");
    return;
  }
  std::filesystem::create_directory(mnt / "out");
  const auto o = csgd::testing::run_csgd("run " + (tmp / "long.yaml").string() + " --quiet --out " + (mnt / "out").string(), tmp);
  CHECK(o.code == 4);
  CHECK(o.err.find("disk full: cannot write " + (mnt / "out" / "run").string()) != std::string::npos);
  CHECK(std::system(("umount " + mnt.string()).c_str()) == 0);
}

TEST_CASE("a write cut short mid-row (file-size limit) is rolled back to the last whole row; exit 4, run failed") {
  TempDir tmp;
  write_file(tmp / "long.yaml", many_rows());
  // ulimit -f counts 512-byte blocks in sh; SIGXFSZ ignored, so the write fails with EFBIG instead
  // of killing csgd. 40 KiB: the summary (~1.5 KB) fits, metrics.csv is cut inside some row.
  const std::string command = "trap '' XFSZ; ulimit -f 80; exec " + csgd::testing::csgd_binary() + " run " +
                              (tmp / "long.yaml").string() + " --quiet --out " + (tmp / "out").string() + " 2>" +
                              (tmp / "err.txt").string();
  const int status = std::system(("sh -c \"" + command + "\"").c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 4);
  CHECK(read_file(tmp / "err.txt").find("cannot write " + (tmp / "out" / "run" / "metrics.csv").string()) !=
        std::string::npos);
  CHECK(status_of(tmp / "out" / "run") == "failed");
  check_whole_rows(tmp / "out" / "run" / "metrics.csv");
  // At most the limit: a row may end exactly on it (wall_s varies the row lengths from run to run),
  // and the next write then fails with nothing to roll back.
  CHECK(std::filesystem::file_size(tmp / "out" / "run" / "metrics.csv") <= 40 * 1024);
}

TEST_CASE("an --out that cannot hold results is refused up front with exit 2, --dry-run included") {
  TempDir tmp;
  write_file(tmp / "short.yaml", "workers: 2\nproblem: {model: synthetic, dimension: 4}\nstop: {iterations: 5}\n");
  write_file(tmp / "a-file", "");
  const std::string run = "run " + (tmp / "short.yaml").string() + " --quiet ";
  for (const char* dry : {"", "--dry-run "}) {
    CAPTURE(dry);
    auto o = csgd::testing::run_csgd(run + dry + "--out " + (tmp / "a-file").string(), tmp);
    CHECK(o.code == 2);
    CHECK(o.err.find("--out " + (tmp / "a-file").string() + ": is a file, not a folder") != std::string::npos);
    o = csgd::testing::run_csgd(run + dry + "--out " + (tmp / "a-file" / "below").string(), tmp);
    CHECK(o.code == 2);
    CHECK(o.err.find("is not a folder, so the results folder cannot be created under it") != std::string::npos);
    std::filesystem::create_directories(tmp / "out");
    write_file(tmp / "out" / "run", "");
    o = csgd::testing::run_csgd(run + dry + "--out " + (tmp / "out").string(), tmp);
    CHECK(o.code == 2);
    CHECK(o.err.find("is a file, but the run 'run' needs a folder there") != std::string::npos);
    // With seeds the configuration's folder holds the seeds' folders: a file there is refused too.
    o = csgd::testing::run_csgd(run + dry + "--set seeds=2 --out " + (tmp / "out").string(), tmp);
    CHECK(o.code == 2);
    CHECK(o.err.find("is a file, but the run 'run/seed=1' needs a folder there") != std::string::npos);
  }
}
