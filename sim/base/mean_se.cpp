#include "csgd/mean_se.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace csgd {

double MeanSe::z() const {
  if (se > 0) return mean / se;
  if (mean == 0) return 0;
  return mean > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

MeanSe mean_se(std::span<const double> values) {
  MeanSe r;
  r.n = values.size();
  if (r.n == 0) return r;
  // Deviations from the first value summed: equal values give exactly that value (a plain sum of
  // three 0.05 divided by 3 gives 0.05000000000000001), and the sum stays small. With an inf or
  // NaN among them (a diverged seed) the plain sum, whose result does not depend on the order.
  const bool all_finite = std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
  double deviation = 0;
  for (double v : values) deviation += all_finite ? v - values[0] : v;
  r.mean = all_finite ? values[0] + deviation / static_cast<double>(r.n) : deviation / static_cast<double>(r.n);
  if (r.n > 1) {
    double ss = 0;
    for (double v : values) ss += (v - r.mean) * (v - r.mean);
    r.sd = std::sqrt(ss / static_cast<double>(r.n - 1));
    r.se = r.sd / std::sqrt(static_cast<double>(r.n));
  }
  return r;
}

}  // namespace csgd
