// Algorithm 2, decentralized momentum SGD: every iteration each worker takes the local step
// (16)/(17) to x̃_i, ũ_i, then replaces both by the neighbourhood averages of eq. (18):
// u_i = Σ_j ũ_j W_ji, x_i = Σ_j x̃_j W_ji. β = 0 is D-PSGD.
#include <map>
#include <set>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "csgd/algorithm_registry.hpp"
#include "numerics/algorithms/algorithm_variants.hpp"

namespace csgd {
namespace {

constexpr Eigen::Index kBlock = 4096;

template <class S>
class DecentralizedMomentum final : public Algorithm<S> {
 public:
  DecentralizedMomentum(const AlgorithmSpec& spec, MixingMatrix W)
      : Algorithm<S>(static_cast<S>(spec.beta), spec.nesterov), W_(std::move(W)) {}

  std::string name() const override { return "decentralized-momentum"; }

  std::optional<CommRound> round_after(std::int64_t, double model_bytes) const override {
    return CommRound{RoundKind::neighbour_exchange, 2 * model_bytes};  // x̃ and ũ
  }

  void prepare(WorkerState<S>& w) const override {
    w.mix_x.resize(w.x.size());
    w.mix_u.resize(w.u.size());
  }

  void communicate(const WorkerBlock<S>& workers) const override {
    // Eq. (18) reads every x̃_j before any x_i changes, so mix into the buffers, then swap.
    const std::span<WorkerState<S>> local = workers.local;
    const Halo& halo = fetch_neighbours(workers);
    const auto source = [&](int j) -> const WorkerState<S>& {
      const int k = j - workers.first;
      return k >= 0 && k < static_cast<int>(local.size()) ? local[static_cast<std::size_t>(k)]
                                                          : halo.states[halo.slot.at(j)];
    };
    const Eigen::Index m = local.front().x.size();
    const Eigen::Index blocks = (m + kBlock - 1) / kBlock;
    const auto tasks = static_cast<Eigen::Index>(local.size()) * blocks;
    tbb::parallel_for(Eigen::Index{0}, tasks, [&](Eigen::Index task) {
      const auto k = static_cast<std::size_t>(task / blocks);
      const int i = workers.first + static_cast<int>(k);
      const Eigen::Index begin = (task % blocks) * kBlock, len = std::min(kBlock, m - begin);
      mix(source, i, local[k].mix_x.segment(begin, len), begin, len, &WorkerState<S>::x);
      mix(source, i, local[k].mix_u.segment(begin, len), begin, len, &WorkerState<S>::u);
    });
    for (auto& w : local) {
      w.x.swap(w.mix_x);
      w.u.swap(w.mix_u);
    }
  }

  const MixingMatrix* mixing() const override { return &W_; }

 private:
  // Copies of x̃_j, ũ_j of the workers other ranks hold that this rank's workers mix with.
  struct Halo {
    std::vector<WorkerState<S>> states;
    std::map<int, std::size_t> slot;  // worker j → states index
    std::vector<std::pair<int, std::vector<int>>> sends;  // (rank, its in-neighbours held here, ascending)
    std::vector<std::pair<int, std::vector<int>>> receives;  // (rank, workers of it needed here, ascending)
    int first = -1, rank = -1;
  };

  // Point-to-point, only between ranks that hold neighbours in W (never all-to-all): rank r sends
  // x̃_j, ũ_j of each worker j it holds to every rank holding some i with W_ji ≠ 0.
  const Halo& fetch_neighbours(const WorkerBlock<S>& w) const {
    const RankTeam& team = *w.team;
    if (team.size() == 1) return halo_;
    if (halo_.first != w.first || halo_.rank != team.rank()) plan_halo(w);
    std::vector<RankTeam::Outgoing> out;
    std::vector<RankTeam::Incoming> in;
    const auto bytes = [](const Vector<S>& v) { return std::as_bytes(std::span<const S>(v.data(), static_cast<std::size_t>(v.size()))); };
    const auto writable = [](Vector<S>& v) { return std::as_writable_bytes(std::span<S>(v.data(), static_cast<std::size_t>(v.size()))); };
    // MPI keeps the order of messages between two ranks: the j's pair up in ascending order.
    for (const auto& [rank, js] : halo_.receives)
      for (const int j : js) {
        WorkerState<S>& h = halo_.states[halo_.slot.at(j)];
        in.push_back({rank, writable(h.x)});
        in.push_back({rank, writable(h.u)});
      }
    for (const auto& [rank, js] : halo_.sends)
      for (const int j : js) {
        const WorkerState<S>& s = w.local[static_cast<std::size_t>(j - w.first)];
        out.push_back({rank, bytes(s.x)});
        out.push_back({rank, bytes(s.u)});
      }
    team.exchange(out, in);
    return halo_;
  }

  void plan_halo(const WorkerBlock<S>& w) const {
    const RankTeam& team = *w.team;
    const auto m = w.local.front().x.size();
    halo_ = Halo{};
    halo_.first = w.first;
    halo_.rank = team.rank();
    const RankTeam::Block mine = team.block(w.N);
    for (int r = 0; r < team.size(); ++r) {
      if (r == team.rank()) continue;
      const RankTeam::Block theirs = team.block(w.N, r);
      std::set<int> need, give;  // ascending
      for (auto i = mine.first; i < mine.end(); ++i)
        for (const auto& [j, weight] : W_.in_weights[static_cast<std::size_t>(i)])
          if (theirs.holds(j)) need.insert(j);
      for (auto i = theirs.first; i < theirs.end(); ++i)
        for (const auto& [j, weight] : W_.in_weights[static_cast<std::size_t>(i)])
          if (mine.holds(j)) give.insert(j);
      if (!need.empty()) halo_.receives.emplace_back(r, std::vector<int>(need.begin(), need.end()));
      if (!give.empty()) halo_.sends.emplace_back(r, std::vector<int>(give.begin(), give.end()));
      for (const int j : need) {
        halo_.slot[j] = halo_.states.size();
        halo_.states.push_back(WorkerState<S>{Vector<S>(m), Vector<S>(m), {}, {}, Rng(0, 0)});
      }
    }
  }

  // out_i = Σ_j W_ji in_j over one block of coordinates, j ascending (fixed order).
  template <class Source, class Target>
  void mix(const Source& source, int i, Target target, Eigen::Index begin, Eigen::Index len,
           Vector<S> WorkerState<S>::*in) const {
    bool first = true;
    for (const auto& [j, weight] : W_.in_weights[static_cast<std::size_t>(i)]) {
      const auto from = (source(j).*in).segment(begin, len);
      if (first) {
        target = static_cast<S>(weight) * from;
        first = false;
      } else {
        target += static_cast<S>(weight) * from;
      }
    }
  }

  MixingMatrix W_;
  mutable Halo halo_;  // communicate() runs on one thread at a time
};

template <class S> std::unique_ptr<Algorithm<S>> make(const AlgorithmSpec& spec, const MixingMatrix* W) {
  return std::make_unique<DecentralizedMomentum<S>>(spec, *W);
}

const bool registered = AlgorithmRegistry::add({
    .name = "decentralized-momentum",
    .help = "Algorithm 2: every step mix x and u with the doubly stochastic W (eqs. 16-18)",
    .mixes = true,
    .make_float = make<float>,
    .make_double = make<double>,
});

}  // namespace
}  // namespace csgd
