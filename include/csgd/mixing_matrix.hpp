#pragma once
// The mixing matrix W of Algorithm 2 (Assumption 2) and the graphs it is built from.
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "csgd/graphs.hpp"

namespace csgd {

// Settings of algorithm.mixing.
struct MixingSpec {
  std::string topology = "auto";  // auto | network | ring | line | torus | complete | file
                                  // auto: the network's host graph under the flow model when it
                                  // has no switches, else ring; network: that host graph
  int rows = 0, cols = 0;         // torus: rows × cols must equal N (0 = pick the squarest)
  std::string file;               // file: whitespace-separated N×N matrix, '#' comments

  void validate() const;
};

struct MixingMatrix {
  Eigen::MatrixXd W;  // N × N, symmetric, doubly stochastic, non-negative
  // in_weights[i] = {(j, W_ji) : W_ji ≠ 0}, j ascending: the terms of eq. (18) for worker i.
  std::vector<std::vector<std::pair<int, double>>> in_weights;
  double lambda2 = 0, lambdaN = 0;  // second largest and smallest eigenvalue
  double sqrt_rho = 0;              // max(|λ2|, |λN|), eq. (15)
  std::string source;               // e.g. "ring(8), Metropolis-Hastings"

  int N() const { return static_cast<int>(W.rows()); }
  double spectral_gap() const { return 1.0 - sqrt_rho; }
  std::vector<int> out_degrees() const;  // neighbours j ≠ i with W_ij ≠ 0
};

// Metropolis–Hastings weights: W_ij = 1/(1+max(d_i, d_j)) on edges, W_ii = 1 − Σ_j W_ij.
Eigen::MatrixXd metropolis_hastings_weights(const Graph& g);
// Checks Assumption 2 (tolerance 1e-9), computes the spectrum and the sparse form.
// Throws ValidationError with the rule broken (field "mixing").
MixingMatrix make_mixing_matrix(Eigen::MatrixXd W, std::string source);
// The one place `mixing: auto` is resolved: the physical host graph when there is one (flow
// model, a topology without switches: `network`), else ring. Every command that shows or uses W
// (the run, csgd bound, csgd topo, the theory checks) goes through build_mixing_matrix.
MixingSpec resolve_mixing(const MixingSpec& spec, const Graph* network);
// From algorithm.mixing for N workers; `network` is the physical host graph for "network".
// Throws ValidationError / InputError.
MixingMatrix build_mixing_matrix(const MixingSpec& spec, int N, const Graph* network = nullptr);
// Reads an N×N matrix from a text file. Throws InputError naming file and line.
Eigen::MatrixXd read_matrix_file(const std::string& path);

}  // namespace csgd
