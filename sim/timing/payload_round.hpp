#pragma once
// A round the way frameworks run it (timing.network.payload, software_overhead, staging), an
// all-reduce or Algorithm 2's exchange: each host first copies its payload from the device to
// host memory (M / staging bandwidth), then launches one operation per tensor or bucket, at most
// `overlap` of them in flight, each entered `software_overhead` after its launch; once it holds
// every piece's result it copies the result back (M / staging bandwidth) and is done. Pieces are
// ordinary collectives (or exchanges) over the same network, so pieces in flight share its links.
#include <functional>
#include <memory>
#include <vector>

#include "csgd/collective.hpp"
#include "csgd/event_engine.hpp"

namespace csgd {

// Makes the collective of one piece of `bytes`, calling done(host) as each host holds its result.
using PieceFactory = std::function<std::unique_ptr<Collective>(double bytes, HostDone done)>;

struct RoundFraming {
  std::vector<double> pieces;  // bytes per collective, in launch order (≥ 1 piece)
  int overlap = 1;
  double overhead_s = 0;       // per collective operation, before the host enters it
  double staging_s = 0;        // each way: M / staging bandwidth (0: none)
};

std::unique_ptr<Collective> make_payload_round(EventEngine& engine, int N, RoundFraming framing,
                                               PieceFactory make_piece, HostDone done);

}  // namespace csgd
