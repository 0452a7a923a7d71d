// One neighbour-exchange round: per-worker counters of messages received.
#include "timing/neighbour_exchange.hpp"

#include <utility>

namespace csgd {
namespace {

class NeighbourExchange final : public Collective, private Receiver {
 public:
  NeighbourExchange(std::span<const std::vector<int>> out, std::span<const int> in_degree, NetworkModel& network,
                    double M, HostDone done, TrafficBooks* books)
      : out_(out), in_degree_(in_degree), network_(network), M_(M), done_(std::move(done)), books_(books),
        workers_(in_degree.size()) {}

  void enter(int w) override {
    workers_[at(w)].entered = true;
    if (!out_.empty())  // a lone worker has no neighbour lists
      for (const int j : out_[at(w)]) {
        if (books_) books_->will_send(w, j, M_);
        network_.send(w, j, M_, *this, static_cast<std::uint64_t>(w) << 32 | static_cast<std::uint32_t>(j));
      }
    finish_if_complete(w);
  }

 private:
  struct Worker {
    int received = 0;
    bool entered = false, finished = false;
  };
  static std::size_t at(int w) { return static_cast<std::size_t>(w); }

  void delivered(std::uint64_t tag) override {  // (sender, receiver)
    const int src = static_cast<int>(tag >> 32), dst = static_cast<int>(tag & 0xFFFFFFFFU);
    if (books_) books_->landed(src, dst);
    arrive(dst);
  }

  void arrive(int w) {
    ++workers_[at(w)].received;
    finish_if_complete(w);
  }

  void finish_if_complete(int w) {
    Worker& x = workers_[at(w)];
    if (x.finished || !x.entered || x.received < in_degree_[at(w)]) return;
    x.finished = true;
    done_(w);
  }

  std::span<const std::vector<int>> out_;
  std::span<const int> in_degree_;
  NetworkModel& network_;
  double M_;
  HostDone done_;
  TrafficBooks* books_;
  std::vector<Worker> workers_;
};

}  // namespace

std::unique_ptr<Collective> make_neighbour_exchange(std::span<const std::vector<int>> out_neighbours,
                                                    std::span<const int> in_degree, NetworkModel& network,
                                                    double M, HostDone done, TrafficBooks* books) {
  return std::make_unique<NeighbourExchange>(out_neighbours, in_degree, network, M, std::move(done), books);
}

}  // namespace csgd
