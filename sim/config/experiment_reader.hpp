#pragma once
// Reads one fully substituted experiment tree (no sweep left) into an ExperimentConfig.
#include <filesystem>

#include "config/yaml_section.hpp"
#include "csgd/experiment.hpp"

namespace csgd {

// `mirror` receives the resolved configuration; relative paths resolve against `base_dir`.
// Throws InputError with file:line:column, key path and rule.
ExperimentConfig read_experiment(const ConfigSource& source, YAML::Node mirror, const std::filesystem::path& base_dir,
                                 const std::string& default_name);

}  // namespace csgd
