#pragma once
// Vector and matrix aliases shared by every numerics component.
#include <Eigen/Core>
#include <span>

namespace csgd {

template <class S> using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <class S> using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;  // column-major

template <class S> Eigen::Map<const Vector<S>> as_vector(std::span<const S> s) {
  return {s.data(), static_cast<Eigen::Index>(s.size())};
}
template <class S> Eigen::Map<Vector<S>> as_vector(std::span<S> s) {
  return {s.data(), static_cast<Eigen::Index>(s.size())};
}

}  // namespace csgd
