// Predictions follow the network (docs/model.md 4, "Which optimum a prediction is";
// docs/optima.md, "Predictions follow the network"). The
// objective has several local optima (docs/model.md 2), so "re-solve in the changed context"
// is ambiguous: the network adapts from the optimum it is at. follow_optimum moves the
// context from the original network (t = 0) to the changed one (t = 1) along a path and
// re-solves at each point from the previous point's q (warm start), so the result is the
// optimum continuously connected to the original one:
//   lambda(t) = lambda_0^(1-t) lambda_1^t            (geometric),
//   P(t)      = (1-t) P_0 + t P_1                     (per 2x2 factor for pixel chains),
//   a neuron that dies: held at q_k(t) = (1-t) q_k(0) (it still acts and pays its
//                       coding cost against that q), dead at t = 1.
// Steps start at 1/min_steps; a step whose solution moves some living neuron's
// logit q (clamped to +-40) by more than max_logit_change (the branch bends fast or ends) is
// retried at half the length, down to 2^-max_halvings of the first length (at least 2^-30),
// where it is taken as it is.
#pragma once
#include <functional>

#include "nirl/core/forward_solver.hpp"
#include "nirl/core/network.hpp"
#include "nirl/core/optimum_search.hpp"

namespace nirl {

struct FollowOptions {
  int min_steps = 4;
  int max_halvings = 4;
  double max_logit_change = 1.0;
};

struct FollowProgress {
  double t;  // the context reached, 0..1
  int solves;
};

// The context a fraction t of the way from base to changed (same n, nx and reward; the
// changed network's dead neurons include base's). held receives the neurons that are
// fading out (empty when none) and q their held values, from q0 (base's operating point).
Network context_between(const Network& base, const Network& changed, double t, const std::vector<double>& q0,
                        std::vector<bool>& held, std::vector<double>& q);

// The optimum of `changed` reached from `start` (an optimum of `base`) along the path.
// progress is called after each accepted step.
Solution follow_optimum(const Network& base, const Network& changed, const Solution& start,
                        const SolverOptions& options, const FollowOptions& follow = {},
                        const std::function<void(const FollowProgress&)>& progress = {});

// Which optimum a prediction reports: follow (default) the one connected to the original
// network's optimum, or the global one (the best the search of optimum_search.hpp finds in
// the changed context). And whether the firing marginals q adapt:
//   adapt     q is re-optimised (the model's rule, docs/model.md 2);
//   held      every living neuron keeps its q of the operating point (the policy adapts,
//             the marginals the coding cost refers to do not), so each context has one
//             solution and the changed one is solved directly;
//   automatic held for a prediction from data, adapt for a model's own optimum. The inverse
//             takes q from the data (docs/model.md 3b), so (reward, observed q) is what the data
//             determine; the q the inferred reward's optimum implies is a nonlinear function
//             of a noisy reward whose self-consistency map amplifies the noise up to freezing
//             (KL = inf below 1e5 steps in Fig 3), while the truth's q moves little.
enum class PredictionTarget { follow, global };
enum class Rates { automatic, adapt, held };
struct PredictionOptions {
  PredictionTarget target = PredictionTarget::follow;
  Rates rates = Rates::automatic;
  FollowOptions follow;
  SearchOptions search;
};

// The adapted network of a model (the truth of a synthetic study): `changed` solved under
// the target above from `original`, the optimum of `base` the network is at; q adapts.
Solution adapted_optimum(const Network& base, const Solution& original, const Network& changed,
                         const SolverOptions& options, const PredictionOptions& prediction);

// A prediction from a reward and an operating point (q_i(+1) observed, e.g. the firing
// rates of a recording): `base` solved from that point, then followed into `changed`; with
// held rates `changed` solved directly at that q. from_data: the reward was
// inferred from data (Rates::automatic then holds the rates). A synthetic study's truth is
// adapted_optimum with the true reward and the true optimum.
Solution predict_adapted(const Network& base, const std::vector<double>& operating_q, const Network& changed,
                         const SolverOptions& options, const PredictionOptions& prediction, bool from_data,
                         const std::function<void(const FollowProgress&)>& progress = {});

}  // namespace nirl
