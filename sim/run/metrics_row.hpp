#pragma once
// One evaluation point: what metrics.csv holds per row and summary.json per "final"/"best".
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace csgd {

struct MetricsRow {
  std::int64_t iteration = 0;
  double epoch = 0;
  std::int64_t rounds = 0;
  double bytes_total = 0, bytes_per_worker = 0;
  double sim_time_s = 0;
  double lr = 0;
  std::optional<double> train_loss;  // absent only in timing-only runs
  std::optional<double> train_accuracy, test_loss, test_accuracy, grad_norm_sq;
  std::optional<double> consensus_x, consensus_u;  // (1/N) Σ ||x_i − x̄||², same for u
  double wall_s = 0;

  static std::string csv_header();
  std::string csv() const;
  nlohmann::json json() const;
};

}  // namespace csgd
