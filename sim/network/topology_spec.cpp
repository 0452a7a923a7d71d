// placeholder: TopologySpec::validate is being written with the topology generators
#include "csgd/network.hpp"

namespace csgd {
void TopologySpec::validate() const {}
}  // namespace csgd
