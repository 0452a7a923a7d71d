#pragma once
// An environment variable set for one scope, restored (or unset) when it ends: tests that need
// CSGD_MEMORY_LIMIT, say, whatever the machine's memory.
#include <cstdlib>
#include <optional>
#include <string>

namespace csgd::testing {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace csgd::testing
