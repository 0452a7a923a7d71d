// validate() of the stop and eval settings and the cross-section rules: each names the field and the rule broken.
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "csgd/input_limits.hpp"
#include "csgd/require.hpp"
#include "csgd/topology_registry.hpp"
#include "csgd/experiment.hpp"

namespace csgd {
namespace {

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

}  // namespace

void StopSpec::validate() const {
  require(iterations.has_value() != epochs.has_value(), "",
          "set exactly one of stop.iterations or stop.epochs (with a target it is the cap)");
  require(!iterations || *iterations >= 1, "iterations", "the iteration count T must be ≥ 1");
  require(!epochs || finite_positive(*epochs), "epochs", "must be > 0");
  require(!target_accuracy || (*target_accuracy > 0 && *target_accuracy <= 1), "target.accuracy",
          "is a fraction in (0, 1]");
  require(!target_grad_norm_sq || finite_positive(*target_grad_norm_sq), "target.grad_norm_sq", "must be > 0");
  require(!target_loss || std::isfinite(*target_loss), "target.loss", "must be finite");
}

void EvalSpec::validate() const {
  require(!(every_iterations && every_epochs), "", "set at most one of every_iterations and every_epochs");
  require(!every_iterations || *every_iterations >= 1, "every_iterations", "must be ≥ 1");
  require(!every_epochs || finite_positive(*every_epochs), "every_epochs", "must be > 0");
}

// Runs a section's validate() and reports its field under the section's key path.
template <class Spec>
void validate_section(const Spec& spec, const std::string& section) {
  try {
    spec.validate();
  } catch (const ValidationError& e) {
    throw ValidationError(e.field().empty() ? section : section + "." + e.field(), e.what());
  }
}

void ExperimentConfig::validate() const {
  // Without --out the results go to results/NAME: one plain path component.
  const bool plain = !name.empty() && name != "." && name != ".." &&
                     std::none_of(name.begin(), name.end(), [](char ch) {
                       return ch == '/' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20;
                     });
  require(plain, "name",
          fmt::format("the experiment name names the results folder (results/NAME): give a name without '/', "
                      "'\\' or control characters, not empty, '.' or '..' (got '{}')",
                      name));
  require(N >= 1, "workers", fmt::format("the worker count N must be ≥ 1, got {}", N));
  require(N <= kMaxWorkers, "workers", fmt::format("the worker count N must be ≤ {} (2^20), got {}", kMaxWorkers, N));
  // Said here, at `workers`, rather than where the topology is built (which knows no file key).
  require(timing.network.model != "flow" || N <= topology::kMaxFlowHosts, "workers",
          fmt::format("the flow network model (timing.network.model: flow) simulates at most {} hosts, got N = {}; "
                      "the analytic model has no such limit",
                      topology::kMaxFlowHosts, N));
  validate_section(problem, "problem");
  validate_section(algorithm, "algorithm");
  validate_section(timing, "timing");
  validate_section(stop, "stop");
  validate_section(eval, "eval");
  if (stop.target_accuracy) {
    require(problem.model != "least-squares", "stop.target.accuracy", "least-squares has no accuracy; use target.loss");
    require(!(problem.dataset.name == "libsvm" && problem.dataset.test_file.empty()) &&
                !(problem.dataset.name == "generated" && problem.dataset.test_samples == 0),
            "stop.target.accuracy", "is measured on the test set, and this data set has none");
  }
  if (problem.model == "synthetic") {
    // The synthetic problem has no data set, so nothing can be counted in epochs.
    require(!stop.epochs, "stop.epochs", "the synthetic problem has no epochs; use stop.iterations");
    require(!eval.every_epochs, "eval.every_epochs", "the synthetic problem has no epochs; use every_iterations");
    require(algorithm.lr.milestones_epochs.empty(), "algorithm.lr.milestones_epochs",
            "the synthetic problem has no epochs; use milestones_iterations");
    require(algorithm.lr.warmup_epochs == 0, "algorithm.lr.warmup_epochs",
            "the synthetic problem has no epochs; use warmup_iterations");
    require(!stop.target_accuracy, "stop.target.accuracy", "the synthetic problem has no accuracy");
  }
}

}  // namespace csgd
