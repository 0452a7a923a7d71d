#pragma once
// Where the tests find the source tree and the csgd program. `meson test` sets both in the
// environment rather than as -D flags, so that no test object depends on the checkout's path
// and ccache reuses them in another checkout (CI).
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace csgd::testing {

inline std::string path_from_env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) throw std::runtime_error(std::string(name) + " is not set: run the tests with meson test");
  return value;
}

inline std::string source_dir() { return path_from_env("CSGD_SOURCE_DIR"); }
inline std::string csgd_binary() { return path_from_env("CSGD_BINARY"); }

}  // namespace csgd::testing
