// Fig 5: the ring network in the pairwise family (pairwise_study.hpp).
#include "nirl/study/pairwise_study.hpp"

#include <cmath>
#include <map>
#include <set>

#include "nirl/core/error.hpp"
#include "nirl/measures/measures.hpp"
#include "nirl/core/reward.hpp"

namespace nirl {
namespace {

IsingReward table_reward(Eigen::VectorXd table) {
  IsingReward r;
  r.table = std::move(table);
  return r;
}

// The optimum in a changed context (ising_forward.hpp), with the study's starts.
IsingForwardResult solve(const RingStudyOptions& o, const IsingFamily& family, const IsingReward& reward, double lambda,
                         const Eigen::VectorXd& start) {
  return optimise_in_context(family, reward, lambda, start, o.random_starts, o.seed, o.forward);
}

// The three Fig 5 perturbations: (family, lambda) of the changed context.
std::vector<std::pair<IsingFamily, double>> perturbations(const RingStudyOptions& o) {
  const IsingFamily ring = IsingFamily::ring_tied(o.n);
  Eigen::VectorXd field = Eigen::VectorXd::Zero(o.n);
  for (int i : o.pinned) {
    if (i < 0 || i >= o.n) fail("pinned neuron ", i, " is outside [0, ", o.n, ")");
    field[i] = o.pin_field;
  }
  return {{ring, o.lambda_high}, {ring.without_couplings_beyond(o.max_distance), o.lambda},
          {ring.with_extra_field(field), o.lambda}};
}

Eigen::VectorXd true_reward(const RingStudyOptions& o) { return ring_reward(StateSpace(o.n, 1), o.m); }

void write_vector(hid_t f, const std::string& name, const Eigen::VectorXd& v) {
  h5::write_doubles(f, name, v.data(), {hsize_t(v.size())});
}

// Distribution of the number of separate runs of active neurons around the ring (0 for
// the silent state, 1 for a single hill; Fig 5 C: "uncoordinated peaks" are >= 2 runs).
Eigen::VectorXd cluster_distribution(const Eigen::VectorXd& p, int n) {
  Eigen::VectorXd c = Eigen::VectorXd::Zero(n / 2 + 1);
  for (Eigen::Index s = 0; s < p.size(); ++s) {
    const std::uint64_t sigma = std::uint64_t(s), mask = (std::uint64_t(1) << n) - 1;
    const std::uint64_t rotated = ((sigma << 1) | (sigma >> (n - 1))) & mask;  // bit i: neuron i - 1
    c[__builtin_popcountll(sigma & ~rotated)] += p[s];  // runs start where i is on and i - 1 off
  }
  if (p.size() > 0 && p[p.size() - 1] > 0.0) {  // all on: one run without a start
    c[0] -= p[p.size() - 1];
    c[1] += p[p.size() - 1];
  }
  return c;
}

}  // namespace

IsingForwardResult ring_optimum(const RingStudyOptions& o, double lambda) {
  const IsingFamily family = IsingFamily::ring_tied(o.n);
  IsingForwardOptions f = o.forward;
  f.lambda = lambda;
  f.exact = true;
  return optimise_ising_multistart(family, table_reward(true_reward(o)), default_ring_starts(family), f);
}

std::vector<int> hill_positions(const std::vector<std::uint8_t>& raster, int n) {
  const std::size_t T = raster.size() / std::size_t(n);
  std::vector<int> pos(T, -1);
  for (std::size_t t = 0; t < T; ++t) {
    double c = 0.0, s = 0.0;
    for (int i = 0; i < n; ++i)
      if (raster[t * std::size_t(n) + std::size_t(i)]) {
        c += std::cos(2 * M_PI * i / n);
        s += std::sin(2 * M_PI * i / n);
      }
    if (c * c + s * s < 1e-12) continue;
    const double angle = std::atan2(s, c);
    pos[t] = int(std::lround(angle / (2 * M_PI) * n + n)) % n;
  }
  return pos;
}

Fig5Summary run_fig5(const RingStudyOptions& o, std::size_t raster_steps, std::size_t infer_steps,
                     const h5::OutputFile& out) {
  const hid_t f = out.id();
  const StateSpace space(o.n, 1);
  const Eigen::VectorXd truth = true_reward(o);
  Fig5Summary s;
  const IsingForwardResult opt = ring_optimum(o, o.lambda);
  s.F = opt.F;
  write_vector(f, "/fig5/theta", opt.theta);
  write_vector(f, "/fig5/distribution", opt.distribution);
  write_vector(f, "/fig5/reward", truth);
  for (const auto& [attr, value] : std::map<std::string, double>{
           {"F", opt.F}, {"mean_reward", opt.mean_reward}, {"cost", opt.cost}, {"lambda", o.lambda},
           {"lambda_high", o.lambda_high}, {"pin_field", o.pin_field}})
    h5::set_attribute(f, "/fig5/theta", attr, value);
  h5::set_attribute(f, "/fig5/theta", "converged", (long long)opt.converged);
  h5::set_attribute(f, "/fig5/theta", "iterations", (long long)opt.iterations);
  h5::set_attribute(f, "/fig5/theta", "max_distance", (long long)o.max_distance);

  // Panel A: raster of the dynamics (random-scan Glauber), and where the hill goes.
  const std::vector<std::uint8_t> raster = glauber_raster(opt.params, raster_steps, 10 * std::size_t(o.n), o.seed, 0);
  h5::write_uint8(f, "/fig5/raster", raster.data(), {hsize_t(raster_steps), hsize_t(o.n)});
  const std::vector<int> pos = hill_positions(raster, o.n);
  h5::write_int32(f, "/fig5/hill_position", pos.data(), {hsize_t(pos.size())});
  s.positions_visited = int(std::set<int>(pos.begin(), pos.end()).size()) - (std::count(pos.begin(), pos.end(), -1) ? 1 : 0);
  h5::set_attribute(f, "/fig5/hill_position", "positions_visited", (long long)s.positions_visited);

  // Panel A right: reward inferred from a raster of the dynamics.
  const std::vector<std::uint8_t> data =
      glauber_raster(opt.params, infer_steps, 10 * std::size_t(o.n), o.seed, 1, o.sample_interval);
  const PseudoLikelihoodFit fit = fit_pseudo_likelihood(count_states(data, infer_steps, o.n), o.fit);
  const ConstraintSet c = build_constraints(fit.params, o.lambda);
  std::vector<Eigen::VectorXd> inferred;
  for (Assumption a : kAssumptions) {
    const InferredReward r = infer_pairwise_reward(c, a, o.infer);
    inferred.push_back(reward_table(c, r));
    const AlignedFit fit2 = aligned_r2(space, truth, inferred.back(), opt.distribution, kIdentifiedProbability);
    const std::string name = std::string("/fig5/inferred/") + assumption_name(a);
    write_vector(f, name, inferred.back());
    h5::set_attribute(f, name, "r2", fit2.r2);
    h5::set_attribute(f, name, "scale", fit2.scale);
    h5::set_attribute(f, name, "states", (long long)fit2.states);
    if (a == Assumption::sparse) {
      s.r2_sparse = fit2.r2;
      h5::set_attribute(f, name, "support", (long long)r.support);
      h5::set_attribute(f, name, "mu", r.mu);
    }
  }
  h5::set_attribute(f, "/fig5/inferred/sparse", "samples", (long long)infer_steps);
  h5::set_attribute(f, "/fig5/inferred/sparse", "sample_interval", (long long)o.sample_interval);

  // Panels B-D: predictions with the inferred (sparse) reward vs the truth.
  const char* names[] = {"higher_lambda", "removed_couplings", "pinned"};
  const auto cases = perturbations(o);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const auto& [family, lambda] = cases[k];
    const IsingForwardResult t = solve(o, family, table_reward(truth), lambda, opt.theta);
    const IsingForwardResult p = solve(o, family, table_reward(inferred[0]), lambda, opt.theta);
    s.kl.push_back(kl_divergence(t.distribution, p.distribution));
    s.kl_baseline.push_back(kl_divergence(t.distribution, opt.distribution));
    const std::string g = std::string("/fig5/predictions/") + names[k];
    write_vector(f, g + "/true_theta", t.theta);
    write_vector(f, g + "/predicted_theta", p.theta);
    write_vector(f, g + "/true_rates", firing_probabilities(space, t.distribution));
    write_vector(f, g + "/predicted_rates", firing_probabilities(space, p.distribution));
    const Eigen::MatrixXd tc = count_distribution(space, t.distribution), pc = count_distribution(space, p.distribution);
    write_vector(f, g + "/true_counts", tc.row(0).transpose());
    write_vector(f, g + "/predicted_counts", pc.row(0).transpose());
    const Eigen::VectorXd tk = cluster_distribution(t.distribution, o.n), pk = cluster_distribution(p.distribution, o.n);
    write_vector(f, g + "/true_clusters", tk);
    write_vector(f, g + "/predicted_clusters", pk);
    h5::set_attribute(f, g + "/true_clusters", "p_two_or_more", tk.tail(tk.size() - 2).sum());
    h5::set_attribute(f, g + "/predicted_clusters", "p_two_or_more", pk.tail(pk.size() - 2).sum());
    const std::vector<std::uint8_t> r = glauber_raster(t.params, raster_steps, 10 * std::size_t(o.n), o.seed, 2 + k);
    h5::write_uint8(f, g + "/true_raster", r.data(), {hsize_t(raster_steps), hsize_t(o.n)});
    h5::set_attribute(f, g + "/true_theta", "kl", s.kl.back());
    h5::set_attribute(f, g + "/true_theta", "kl_baseline", s.kl_baseline.back());
    h5::set_attribute(f, g + "/true_theta", "F", t.F);
  }
  write_vector(f, "/fig5/rates", firing_probabilities(space, opt.distribution));
  const Eigen::VectorXd clusters = cluster_distribution(opt.distribution, o.n);
  write_vector(f, "/fig5/clusters", clusters);
  h5::set_attribute(f, "/fig5/clusters", "p_two_or_more", clusters.tail(clusters.size() - 2).sum());
  return s;
}

}  // namespace nirl
