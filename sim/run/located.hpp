#pragma once
// Turns a settings error raised while building part of a run into a message with its file position.
#include <string>

#include "csgd/errors.hpp"
#include "csgd/experiment.hpp"

namespace csgd {

// `section` is the key path a ValidationError's field is relative to; `file_key` the setting that
// led to a bad data, topology or matrix file (an InputError), by default the section itself.
template <class F>
auto located(const RunPlan& plan, const std::string& section, F&& build, const std::string& file_key = {}) {
  try {
    return build();
  } catch (const ValidationError& e) {
    throw InputError(plan.error_at(e.field().empty() ? section : section + "." + e.field(), e.what()));
  } catch (const InputError& e) {
    throw InputError(plan.error_at(file_key.empty() ? section : file_key, e.what()));
  }
}

}  // namespace csgd
