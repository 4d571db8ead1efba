// Reward descriptions for model choice: linear families of rewards r(sigma)
// over the 2^n patterns of a network without input (docs/model.md sections 2-3a):
//  - tabular:  a free r(sigma), the closed form of docs/model.md 3a (2^n - 1 parameters);
//  - pairwise: r = sum_i a_i s_i + sum_{i<j} b_ij s_i s_j with spins s_i = +-1
//              (n + n(n-1)/2 parameters; the reward of docs/model.md section 5's Ising family);
//  - global:   r = f(number of active neurons) (n parameters).
// Each family also holds the constants (the reward is defined up to one). A reward
// is put into a family by least squares weighted by state frequencies (project_reward).
// The pairwise projection solves its normal equations exactly from Walsh-Hadamard
// transforms of w and w r (walsh_hadamard.hpp), for any n up to 24.
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace nirl {

enum class RewardFamily { tabular, pairwise, global };

inline const std::vector<RewardFamily>& all_reward_families() {
  static const std::vector<RewardFamily> all = {RewardFamily::tabular, RewardFamily::pairwise, RewardFamily::global};
  return all;
}
std::string family_name(RewardFamily family);
// Free parameters besides the additive constant.
double family_parameters(RewardFamily family, int n);

// argmin_{g in family} sum_sigma w(sigma) (r(sigma) - g(sigma))^2, returned as a table of
// length 2^n (tabular: r itself). Weights must be > 0 (use smoothed frequencies).
Eigen::VectorXd project_reward(RewardFamily family, int n, const Eigen::VectorXd& reward, const Eigen::VectorXd& weights);

// Members of the families, for synthetic truths: a (length n), b (n x n, upper triangle used).
Eigen::VectorXd pairwise_reward(int n, const Eigen::VectorXd& a, const Eigen::MatrixXd& b);
// f has length n + 1: f[k] = reward of every pattern with k active neurons.
Eigen::VectorXd global_reward(int n, const Eigen::VectorXd& f);

}  // namespace nirl
