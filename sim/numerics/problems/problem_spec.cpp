// ProblemSpec::validate(): every rule of the `problem:` section that needs no data. Field names are
// relative to that section; the config layer adds the path and the file position.
#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <string_view>

#include "csgd/dataset_registry.hpp"
#include "csgd/model_registry.hpp"
#include "csgd/require.hpp"
#include "csgd/problem.hpp"

namespace csgd {

void ProblemSpec::validate() const {
  require_one_of("model", model, ModelRegistry::names());
  for (std::size_t k = 0; k < hidden.size(); ++k)
    if (hidden[k] < 1)
      throw ValidationError("hidden", fmt::format("every layer width must be >= 1, got {} at position {}", hidden[k], k));
  if (model == "cnn") {
    if (channels.empty()) throw ValidationError("channels", "the cnn needs at least one convolution stage");
    for (std::size_t k = 0; k < channels.size(); ++k)
      if (channels[k] < 1)
        throw ValidationError("channels", fmt::format("every stage's channel count must be >= 1, got {} at position {}",
                                                      channels[k], k));
    if (!image_shape.empty() &&
        (image_shape.size() != 3 || *std::min_element(image_shape.begin(), image_shape.end()) < 1))
      throw ValidationError("image_shape", fmt::format("must be [channels, height, width], each >= 1, got [{}]",
                                                       fmt::join(image_shape, ", ")));
  }
  require_non_negative("l2", l2);
  if (batch_size) require_at_least("batch_size", *batch_size, 1);
  require_at_least("eval_train_samples", eval_train_samples, 0);

  require_at_least("dimension", dimension, 1);
  require_positive("a", a);
  require_non_negative("lambda", lambda);
  require_non_negative("sigma", sigma);
  require_non_negative("kappa", kappa);
  require_non_negative("init_radius", init_radius);

  require_positive("partition.alpha", partition.alpha);
  require_at_least("partition.shards_per_worker", partition.shards_per_worker, 1);

  require_one_of("dataset.name", dataset.name, DatasetRegistry::names());
  if (const auto validate = DatasetRegistry::find(dataset.name)->validate) {
    try {
      validate(dataset);
    } catch (const ValidationError& e) {
      throw ValidationError("dataset." + e.field(), e.what());
    }
  }
}

}  // namespace csgd
