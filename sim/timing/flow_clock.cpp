// placeholder: the discrete-event clock is being written
#include <stdexcept>

#include "csgd/timing.hpp"

namespace csgd {
std::unique_ptr<ClusterClock> make_flow_clock(const TimingSpec&, const ClockSetup&) {
  throw std::logic_error("the flow clock is not built yet");
}
}  // namespace csgd
