#pragma once
// The ranks that train one run together: under `mpirun -n R csgd run FILE` all R ranks, under
// `--sweep-ranks G` the G consecutive ranks of one sweep group. A run's workers, evaluation chunks
// and files are dealt over the team (see training_run.cpp); everything else about the job is
// MpiJob's. A process outside mpirun is a team of one, and every operation below is then a no-op
// that never touches MPI.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace csgd {

struct TeamComm;  // the team's MPI communicator (sim/base/rank_team.cpp)

class RankTeam {
 public:
  RankTeam() = default;  // a team of one
  RankTeam(int rank, int size, int index, int teams, std::shared_ptr<const TeamComm> comm)
      : rank_(rank), size_(size), index_(index), teams_(teams), comm_(std::move(comm)) {}

  int rank() const { return rank_; }    // within the team
  int size() const { return size_; }
  bool leads() const { return rank_ == 0; }  // the team's rank 0 writes its runs' files
  int index() const { return index_; }  // which team of the job (0 … teams − 1)
  int teams() const { return teams_; }
  // Round-robin dealing of the job's items (training groups) to teams: item k to team k mod teams().
  bool deals_here(std::size_t k) const { return static_cast<int>(k % static_cast<std::size_t>(teams_)) == index_; }

  // Contiguous shares of `count` items (workers, evaluation chunks) in rank order; the first
  // count mod size ranks hold one more.
  struct Block {
    std::int64_t first = 0, count = 0;
    std::int64_t end() const { return first + count; }
    bool holds(std::int64_t k) const { return k >= first && k < end(); }
  };
  Block block(std::int64_t count, int rank) const;
  Block block(std::int64_t count) const { return block(count, rank_); }

  // Blocking point-to-point messages (any size: cut into pieces MPI's int counts can carry).
  void send(std::span<const std::byte> bytes, int to) const;
  void receive(std::span<std::byte> bytes, int from) const;
  // Posts every send and receive at once, then waits for all (no ordering deadlock).
  struct Outgoing {
    int to;
    std::span<const std::byte> bytes;
  };
  struct Incoming {
    int from;
    std::span<std::byte> bytes;
  };
  void exchange(std::span<const Outgoing> sends, std::span<const Incoming> receives) const;
  void broadcast(std::span<std::byte> bytes, int root) const;  // root's bytes on every rank
  unsigned flags_or(unsigned flags) const;                     // bitwise OR over the team
  // Every rank's bytes in rank order on the team's rank 0; an empty list elsewhere.
  std::vector<std::string> gather(const std::string& mine) const;

  template <class T> void send_values(std::span<const T> v, int to) const { send(std::as_bytes(v), to); }
  template <class T> void receive_values(std::span<T> v, int from) const { receive(std::as_writable_bytes(v), from); }
  template <class T> void broadcast_values(std::span<T> v, int root) const { broadcast(std::as_writable_bytes(v), root); }
  // Every rank's values concatenated in rank order on the team's rank 0 (trivially copyable T).
  template <class T> std::vector<T> gather_values(std::span<const T> mine) const {
    const auto bytes = std::as_bytes(mine);
    std::vector<T> all;
    for (const std::string& part : gather(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()))) {
      const std::size_t at = all.size();
      all.resize(at + part.size() / sizeof(T));
      std::memcpy(all.data() + at, part.data(), part.size());
    }
    return all;
  }
  template <class T> T broadcast_value(T v, int root) const {
    broadcast_values(std::span<T>(&v, 1), root);
    return v;
  }

 private:
  int rank_ = 0, size_ = 1, index_ = 0, teams_ = 1;
  std::shared_ptr<const TeamComm> comm_;
};

}  // namespace csgd
