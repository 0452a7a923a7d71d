// validate() of the algorithm and learning-rate settings: each names the field and the rule broken.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "csgd/algorithm_registry.hpp"
#include "csgd/lr_schedule_registry.hpp"
#include "csgd/require.hpp"

namespace csgd {
namespace {

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

}  // namespace

void LrSpec::validate() const {
  require_one_of("lr.schedule", schedule, LrScheduleRegistry::names());
  require(finite_positive(initial), "lr.initial", fmt::format("the learning rate γ must be > 0, got {}", initial));
  require(finite_positive(factor), "lr.factor", fmt::format("must be > 0, got {}", factor));
  require(finite_positive(scale), "lr.scale", fmt::format("must be > 0, got {}", scale));
  require(std::isfinite(warmup_epochs) && warmup_epochs >= 0, "lr.warmup_epochs", "must be ≥ 0");
  require(warmup_iterations >= 0, "lr.warmup_iterations", "must be ≥ 0");
  require(warmup_epochs == 0 || warmup_iterations == 0, "lr.warmup_iterations",
          "give the warm-up once: warmup_epochs or warmup_iterations, not both");
  for (std::size_t k = 0; k < milestones_epochs.size(); ++k) {
    require(std::isfinite(milestones_epochs[k]) && milestones_epochs[k] > 0, "lr.milestones_epochs",
            "milestones must be > 0");
    require(k == 0 || milestones_epochs[k] > milestones_epochs[k - 1], "lr.milestones_epochs",
            "milestones must be increasing");
  }
  for (std::size_t k = 0; k < milestones_iterations.size(); ++k) {
    require(milestones_iterations[k] > 0, "lr.milestones_iterations", "milestones must be > 0");
    require(k == 0 || milestones_iterations[k] > milestones_iterations[k - 1], "lr.milestones_iterations",
            "milestones must be increasing");
  }
  require(schedule == "step" || (milestones_epochs.empty() && milestones_iterations.empty()), "lr.schedule",
          "milestones are only used by schedule: step");
}

void AlgorithmSpec::validate() const {
  require_one_of("name", name, AlgorithmRegistry::names());
  require(std::isfinite(beta) && beta >= 0 && beta < 1, "momentum",
          fmt::format("the momentum coefficient β must be in [0, 1), got {}", beta));
  require(I >= 1, "sync_interval", fmt::format("the sync interval I must be ≥ 1, got {}", I));
  lr.validate();
  if (AlgorithmRegistry::find(name)->mixes) {
    try {
      mixing.validate();
    } catch (const ValidationError& e) {
      throw ValidationError(e.field().rfind("mixing", 0) == 0 ? e.field() : "mixing." + e.field(), e.what());
    }
  }
}

}  // namespace csgd
