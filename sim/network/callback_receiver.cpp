// Callbacks waiting for their message, in reused slots; and NetworkModel's callback send on top.
#include <utility>

#include "base/free_slots.hpp"
#include "csgd/network.hpp"

namespace csgd {

std::uint64_t CallbackReceiver::hold(std::function<void()> done) {
  const std::uint64_t tag = take_slot(free_, held_);
  held_[tag] = std::move(done);
  return tag;
}

void CallbackReceiver::release(std::uint64_t tag) {
  held_[tag] = nullptr;
  free_.push_back(tag);
}

void CallbackReceiver::delivered(std::uint64_t tag) {
  std::function<void()> done = std::move(held_[tag]);
  release(tag);  // before the call: `done` may send again, reusing the slot
  if (done) done();
}

void NetworkModel::send(int src_host, int dst_host, double bytes, std::function<void()> done) {
  const std::uint64_t tag = callbacks_.hold(std::move(done));
  try {
    send(src_host, dst_host, bytes, callbacks_, tag);
  } catch (...) {
    callbacks_.release(tag);
    throw;
  }
}

}  // namespace csgd
