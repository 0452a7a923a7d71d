#include "timing/payload_round.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace csgd {
namespace {

class PayloadRound final : public Collective {
 public:
  PayloadRound(EventEngine& engine, int N, RoundFraming framing, PieceFactory make_piece, HostDone done)
      : engine_(engine), framing_(std::move(framing)), make_piece_(std::move(make_piece)), done_(std::move(done)),
        hosts_(static_cast<std::size_t>(N)), pieces_(framing_.pieces.size()) {
    if (framing_.pieces.empty() || framing_.overlap < 1)
      throw std::invalid_argument("payload round: needs at least one piece and overlap ≥ 1");
  }

  void enter(int host) override {
    if (host < 0 || static_cast<std::size_t>(host) >= hosts_.size())
      throw std::out_of_range(fmt::format("payload round: no host {}", host));
    after(framing_.staging_s, [this, host] { launch_ready(host); });  // device → host copy
  }

 private:
  struct Host {
    int launched = 0, finished = 0;
  };

  // Runs `action` after `delay`, at once when there is none (no event: the plain round's event
  // count stays what it was).
  template <class Action> void after(double delay, Action action) {
    if (delay > 0) engine_.schedule_in(delay, std::move(action));
    else action();
  }

  int count() const { return static_cast<int>(framing_.pieces.size()); }

  Collective& piece(int p) {
    auto& c = pieces_[static_cast<std::size_t>(p)];
    if (!c) c = make_piece_(framing_.pieces[static_cast<std::size_t>(p)], [this](int h) { piece_done(h); });
    return *c;
  }

  // Launches this host's next pieces while fewer than `overlap` are in flight.
  void launch_ready(int host) {
    Host& x = hosts_[static_cast<std::size_t>(host)];
    while (x.launched < count() && x.launched - x.finished < framing_.overlap) {
      const int p = x.launched++;
      after(framing_.overhead_s, [this, p, host] { piece(p).enter(host); });
    }
  }

  void piece_done(int host) {
    Host& x = hosts_[static_cast<std::size_t>(host)];
    if (++x.finished == count()) return after(framing_.staging_s, [this, host] { done_(host); });  // host → device
    launch_ready(host);
  }

  EventEngine& engine_;
  RoundFraming framing_;
  PieceFactory make_piece_;
  HostDone done_;
  std::vector<Host> hosts_;
  std::vector<std::unique_ptr<Collective>> pieces_;  // made when first launched
};

}  // namespace

std::unique_ptr<Collective> make_payload_round(EventEngine& engine, int N, RoundFraming framing,
                                               PieceFactory make_piece, HostDone done) {
  return std::make_unique<PayloadRound>(engine, N, std::move(framing), std::move(make_piece), std::move(done));
}

}  // namespace csgd
