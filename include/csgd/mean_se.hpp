#pragma once
// Mean and standard error over seeds: what the seed axis of a sweep (sweep-summary.csv) and the
// theory checks report for every quantity measured more than once.
#include <cstddef>
#include <span>

namespace csgd {

struct MeanSe {
  double mean = 0;
  double sd = 0;  // sample standard deviation (n − 1 in the denominator); 0 for n < 2
  double se = 0;  // sd/√n
  std::size_t n = 0;
  // mean/se: how many standard errors the mean is away from 0 (+inf when se = 0 and mean > 0).
  double z() const;
};
MeanSe mean_se(std::span<const double> values);

}  // namespace csgd
