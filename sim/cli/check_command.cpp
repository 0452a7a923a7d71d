// placeholder: `csgd check theory` is being written
#include <cstdio>

#include "cli/commands.hpp"

namespace csgd::cli {
int check_command(int, const char* const*) {
  std::fputs("csgd check: not available yet\n", stderr);
  return 1;
}
}  // namespace csgd::cli
