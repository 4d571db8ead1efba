// The fast Walsh-Hadamard transform over the 2^n patterns of n neurons:
//   (H x)[A] = sum_s (-1)^{popcount(s & A)} x[s],
// in place, n 2^(n-1) butterflies. With spins s_i = +1 for an active neuron, the Walsh
// function of a set A of neurons is phi_A(s) = prod_{i in A} s_i = (-1)^{|A|} H[s, A], so
// sum_s x(s) phi_A(s) = (-1)^{|A|} (H x)[A], and phi_A phi_B = phi_{A xor B}. H H = 2^n I.
// Each output is the same sequence of additions for any thread count.
#pragma once
#include <Eigen/Dense>

namespace nirl {

// x.size() must be a power of two.
void walsh_hadamard(Eigen::VectorXd& x);

}  // namespace nirl
