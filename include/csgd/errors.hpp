#pragma once
// Error types the CLI maps to exit codes: bad input is exit code 2, before any work starts.
#include <stdexcept>
#include <string>

namespace csgd {

// Bad user input (config, data files, options). The message is complete and printable.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A settings struct's validate() failed: `field` is the key path relative to the struct
// (e.g. "momentum"); the config layer prefixes the section path and the file position.
class ValidationError : public std::runtime_error {
 public:
  ValidationError(std::string field, const std::string& rule)
      : std::runtime_error(rule), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Results could not be written (disk full, quota, I/O error, the folder vanished): exit code 4.
// The message names the file and says "disk full" plainly when that is the cause.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace csgd
