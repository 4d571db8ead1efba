// The optimal single-neuron policy of docs/model.md section 2, recomputed on demand from
// w = E_x'[v] and the firing marginals q (never stored as an n x S table):
//
//   pi_i(+1 | sigma, x) = sigmoid( (w(sigma_i=+1, ., x) - w(sigma_i=-1, ., x)) / lambda
//                                  + log q_i(+1) - log q_i(-1) )
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nirl/core/network.hpp"

namespace nirl {

// log q_i(+1) and log q_i(-1) for every neuron. A dead neuron has log_on = -inf,
// log_off = 0, which makes every formula below treat it as clamped silent.
struct LogMarginals {
  std::vector<double> log_on, log_off;

  static LogMarginals uniform(const Network& net) {
    LogMarginals q;
    for (int i = 0; i < net.n(); ++i) {
      q.log_on.push_back(net.is_dead(i) ? -std::numeric_limits<double>::infinity() : std::log(0.5));
      q.log_off.push_back(net.is_dead(i) ? 0.0 : std::log(0.5));
    }
    return q;
  }
  // From probabilities q_i(+1) in [0, 1]; dead neurons are forced silent.
  static LogMarginals from_probabilities(const Network& net, const std::vector<double>& on) {
    LogMarginals q = uniform(net);
    for (int i = 0; i < net.n(); ++i)
      if (!net.is_dead(i)) {
        q.log_on[std::size_t(i)] = std::log(on[std::size_t(i)]);
        q.log_off[std::size_t(i)] = std::log1p(-on[std::size_t(i)]);
      }
    return q;
  }
  std::vector<double> on_probabilities() const {
    std::vector<double> on;
    for (double l : log_on) on.push_back(std::exp(l));
    return on;
  }
};

// Logit of pi_i(+1 | s); w is E_x'[v] over the full state space, s = sigma + base.
inline double flip_logit(const double* w, std::size_t base, std::uint64_t sigma, int i,
                         double inv_lambda, const LogMarginals& q) {
  const std::uint64_t bit = std::uint64_t(1) << i;
  const double dw = w[base + (sigma | bit)] - w[base + (sigma & ~bit)];
  return dw * inv_lambda + (q.log_on[std::size_t(i)] - q.log_off[std::size_t(i)]);
}

}  // namespace nirl
