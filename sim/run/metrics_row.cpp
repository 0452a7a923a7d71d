#include "run/metrics_row.hpp"

#include <fmt/format.h>

namespace csgd {
namespace {

// Shortest text that reads back as the same double.
std::string num(double v) { return fmt::format("{}", v); }
std::string num(const std::optional<double>& v) { return v ? num(*v) : std::string(); }

void put(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}

}  // namespace

std::string MetricsRow::csv_header() {
  return "iteration,epoch,rounds,bytes_total,bytes_per_worker,sim_time_s,lr,train_loss,train_accuracy,"
         "test_loss,test_accuracy,grad_norm_sq,consensus_x,consensus_u,wall_s";
}

std::string MetricsRow::csv() const {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", iteration, num(epoch), rounds, num(bytes_total),
                     num(bytes_per_worker), num(sim_time_s), num(lr), num(train_loss), num(train_accuracy),
                     num(test_loss), num(test_accuracy), num(grad_norm_sq), num(consensus_x), num(consensus_u),
                     num(wall_s));
}

nlohmann::json MetricsRow::json() const {
  nlohmann::json j = {{"iteration", iteration}, {"epoch", epoch},           {"rounds", rounds},
                      {"bytes_total", bytes_total}, {"bytes_per_worker", bytes_per_worker},
                      {"sim_time_s", sim_time_s}, {"lr", lr}, {"wall_s", wall_s}};
  put(j, "consensus_x", consensus_x);
  put(j, "consensus_u", consensus_u);
  put(j, "train_loss", train_loss);
  put(j, "train_accuracy", train_accuracy);
  put(j, "test_loss", test_loss);
  put(j, "test_accuracy", test_accuracy);
  put(j, "grad_norm_sq", grad_norm_sq);
  return j;
}

}  // namespace csgd
