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
  // Caps that keep every parameter count below 2^62 (no overflow in the models' size arithmetic);
  // what is below them but still too large for memory is refused by the run's memory estimate.
  constexpr int kMaxWidth = 1 << 24, kMaxLayers = 64, kMaxChannels = 1 << 16;
  if (hidden.size() > kMaxLayers)
    throw ValidationError("hidden", fmt::format("at most {} hidden layers, got {}", kMaxLayers, hidden.size()));
  for (std::size_t k = 0; k < hidden.size(); ++k)
    if (hidden[k] < 1 || hidden[k] > kMaxWidth)
      throw ValidationError("hidden", fmt::format("every layer width must be in 1..{} (2^24), got {} at position {}",
                                                  kMaxWidth, hidden[k], k));
  if (model == "cnn") {
    if (channels.empty()) throw ValidationError("channels", "the cnn needs at least one convolution stage");
    if (channels.size() > 31)  // 2×2 pooling per stage: 31 halvings leave no pixel of any int-sized image
      throw ValidationError("channels", fmt::format("at most 31 convolution stages, got {}", channels.size()));
    for (std::size_t k = 0; k < channels.size(); ++k)
      if (channels[k] < 1 || channels[k] > kMaxChannels)
        throw ValidationError("channels", fmt::format("every stage's channel count must be in 1..{}, got {} at "
                                                      "position {}",
                                                      kMaxChannels, channels[k], k));
    if (!image_shape.empty() &&
        (image_shape.size() != 3 || *std::min_element(image_shape.begin(), image_shape.end()) < 1 ||
         *std::max_element(image_shape.begin(), image_shape.end()) > kMaxWidth))
      throw ValidationError("image_shape", fmt::format("must be [channels, height, width], each in 1..{}, got [{}]",
                                                       kMaxWidth, fmt::join(image_shape, ", ")));
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
