#pragma once
// Running the csgd program as a user does, and loading experiment text as the program does:
// shared by the CLI-level tests.
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace csgd::testing {

struct Outcome {
  int code;
  std::string out, err;
};

// `csgd ARGS` with stdout and stderr captured in files of `tmp`.
inline Outcome run_csgd(const std::string& args, const TempDir& tmp) {
  const auto out = tmp / "stdout.txt", err = tmp / "stderr.txt";
  const std::string command = csgd::testing::csgd_binary() + " " + args + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

// The message an experiment text is refused with, or "(accepted)".
inline std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_experiment_text(text, "exp.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace csgd::testing
