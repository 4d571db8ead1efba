// Multi-start search for the network optimum (optimum_search.hpp, docs/model.md 2).
#include "nirl/core/optimum_search.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "nirl/core/error.hpp"
#include "nirl/core/frozen_states.hpp"
#include "nirl/core/random_stream.hpp"
#include "nirl/core/solve_runner.hpp"
#include "nirl/detail/parallel_reduce.hpp"

namespace nirl {
namespace {

constexpr std::uint64_t kSearchStreams = std::uint64_t(4) << 40;
constexpr double kNearFrozen = 0.01, kPolishMargin = 1e-6;

// q with every living neuron's entry clamped into [margin, 1 - margin] (a valid start).
std::vector<double> inside(const Network& net, std::vector<double> q, double margin) {
  for (int i = 0; i < net.n(); ++i)
    if (!net.is_dead(i)) q[std::size_t(i)] = std::min(std::max(q[std::size_t(i)], margin), 1.0 - margin);
  return q;
}

struct Start {
  std::string name;
  std::vector<double> q;         // initial q_i(+1); empty = uniform
  FrozenState frozen = {};       // for kind frozen_state: the state and its L
  enum Kind { alternation, frozen_state, continuation } kind = alternation;
};

bool same_optimum(const LocalOptimum& a, double L, const std::vector<double>& q) {
  if (std::fabs(a.L - L) > kSameL * std::max(1.0, std::fabs(a.L))) return false;
  for (std::size_t i = 0; i < q.size(); ++i)
    if (std::fabs(a.q[i] - q[i]) > kSameQ) return false;
  return true;
}

// Threads for `count` independent solves: on a network whose sweeps run serially (S below
// kParallelMinStates) the solves run side by side, each still serial, so their solutions
// are those of one after the other; otherwise 1 (the sweeps themselves use the threads).
int search_threads(std::size_t count, std::size_t states) {
  if (states >= kParallelMinStates || omp_in_parallel()) return 1;
  return int(std::min<std::size_t>(std::size_t(omp_get_max_threads()), count));
}

}  // namespace

Solution search_optimum(const Network& net, const SolverOptions& options, const SearchOptions& search,
                        const std::function<void(const SearchProgress&)>& progress, const SolveRunner& runner) {
  if (search.random_starts < 0 || search.frozen_starts < 0 || search.lambda_steps < 0 || search.polish_rounds < 0)
    fail("search: random_starts, frozen_starts, lambda_steps and polish_rounds must be >= 0");
  if (!options.held.empty()) fail("search: held neurons are not searched over");
  const int n = net.n();
  std::vector<Start> starts;
  starts.push_back({options.initial_q.empty() ? "uniform" : "given", options.initial_q});
  const bool full = net.space.size <= search.max_states;
  for (int k = 0; full && k < search.random_starts; ++k) {
    const RandomStream stream(search.seed, kSearchStreams | std::uint64_t(k));
    std::vector<double> q(std::size_t(n), 0.5);
    for (int i = 0; i < n; ++i) q[std::size_t(i)] = 0.05 + 0.9 * RandomStream::uniform(stream.words(std::uint64_t(i))[0]);
    starts.push_back({"random " + std::to_string(k), q});
  }
  const std::vector<FrozenState> frozen =
      best_frozen_states(net, std::size_t(full ? search.frozen_starts : std::min(search.frozen_starts, 1)));
  for (std::size_t k = 0; k < frozen.size(); ++k) {
    Start exact{"frozen " + std::to_string(k), {}, frozen[k], Start::frozen_state};
    starts.push_back(exact);
    std::vector<double> q = frozen_q(net, frozen[k].sigma);
    for (double& qi : q) qi = qi > 0.5 ? 1.0 - kNearFrozen : kNearFrozen;
    if (full) starts.push_back({"near frozen " + std::to_string(k), q});
  }
  if (full && search.lambda_steps > 0) starts.push_back({"continuation", {}, {}, Start::continuation});

  Solution best;
  bool have_best = false;
  std::vector<LocalOptimum> optima;
  int done = 0, planned = int(starts.size());
  // Lists a fixed point once (counting the starts that reach it).
  auto record = [&](double L, const std::vector<double>& q, const std::string& name) {
    auto known = std::find_if(optima.begin(), optima.end(), [&](const LocalOptimum& a) { return same_optimum(a, L, q); });
    if (known == optima.end())
      optima.push_back({L, q, name, 1});
    else
      ++known->hits;
    ++done;
  };
  auto beats_best = [&](double L) { return !have_best || L > best.L + kSameL * std::max(1.0, std::fabs(best.L)); };
  // Records a solution; a later one replaces the best only when it is better beyond the
  // solver's noise, so optima of equal L (symmetric copies) resolve to the earliest start.
  auto consider = [&](Solution&& sol, const std::string& name) {
    record(sol.L, sol.q.on_probabilities(), name);
    const bool better = beats_best(sol.L);
    if (better) {
      best = std::move(sol);
      have_best = true;
    }
    if (progress) progress({done, std::max(done, planned), name, best.L});
    return better;
  };
  const auto solve_start = [&](const Start& start) {
    if (start.kind == Start::continuation) {
      Solution sol;
      for (int step = search.lambda_steps; step >= 0; --step) {
        Network path = net;
        path.lambda = std::ldexp(net.lambda, step);
        sol = step == search.lambda_steps ? optimise(path, options) : optimise_from(path, options, sol.q.on_probabilities());
      }
      return sol;
    }
    SolverOptions o = options;
    o.initial_q = start.q;
    return optimise(net, o);
  };
  // Side by side, every start but the frozen states (whose solve depends on the best so far)
  // is solved first; the starts are then taken in order either way.
  std::vector<std::size_t> independent;
  for (std::size_t k = 0; k < starts.size(); ++k)
    if (starts[k].kind != Start::frozen_state) independent.push_back(k);
  const int threads = search_threads(independent.size(), net.space.size);
  const bool mapped = runner || threads > 1;  // else each start is solved in turn below
  std::vector<Solution> solved;
  if (mapped)
    solved = run_solves(runner, independent.size(), threads,
                        [&](std::size_t j) { return solve_start(starts[independent[j]]); });
  std::size_t next_solved = 0;
  for (const Start& start : starts) {
    Solution sol;
    if (start.kind == Start::frozen_state) {
      if (!beats_best(start.frozen.L)) {  // its L is known (O(S)): solve it only if it wins
        record(start.frozen.L, frozen_q(net, start.frozen.sigma), start.name);
        if (progress) progress({done, std::max(done, planned), start.name, best.L});
        continue;
      }
      sol = frozen_solution(net, start.frozen.sigma, options);
    } else {
      sol = mapped ? std::move(solved[next_solved++]) : solve_start(start);
    }
    consider(std::move(sol), start.name);
  }
  // Polish: from the best fixed point, move one neuron to the other regime (a frozen neuron
  // back to 0.5, a moving one next to always-on and next to silent) and re-solve; keep any
  // improvement and repeat until a round improves nothing.
  for (int round = 0; full && round < search.polish_rounds; ++round) {
    const std::vector<double> base = inside(net, best.q.on_probabilities(), kPolishMargin);
    std::vector<std::pair<std::string, std::vector<double>>> moves;
    std::vector<int> moved;
    for (int i = 0; i < n; ++i) {
      if (net.is_dead(i)) continue;
      const double qi = base[std::size_t(i)];
      const bool frozen = qi <= kPolishMargin || qi >= 1.0 - kPolishMargin;
      for (double to : frozen ? std::vector<double>{0.5} : std::vector<double>{1.0 - kNearFrozen, kNearFrozen}) {
        std::vector<double> q = base;
        q[std::size_t(i)] = to;
        moves.push_back({"polish " + std::to_string(round) + ": neuron " + std::to_string(i) + " to " +
                             (to == 0.5 ? "0.5" : to > 0.5 ? "on" : "off"),
                         q});
        moved.push_back(i);
      }
    }
    planned = done + int(moves.size());
    bool improved = false;
    const auto polish = [&](std::size_t m) {
      SolverOptions o = options;
      o.initial_q = moves[m].second;
      o.held.assign(std::size_t(n), false);
      o.held[std::size_t(moved[m])] = true;  // the others adapt to the move first
      const Solution adapted = optimise(net, o);
      o.held.clear();
      o.initial_q = inside(net, adapted.q.on_probabilities(), kPolishMargin);
      return optimise(net, o);
    };
    const int polish_threads = search_threads(moves.size(), net.space.size);
    const bool polish_mapped = runner || polish_threads > 1;
    std::vector<Solution> polished;
    if (polish_mapped) polished = run_solves(runner, moves.size(), polish_threads, polish);
    for (std::size_t m = 0; m < moves.size(); ++m)
      improved = consider(polish_mapped ? std::move(polished[m]) : polish(m), moves[m].first) || improved;
    if (!improved) break;
  }
  // Best first, the returned one ahead of any of equal L.
  const std::vector<double> best_q = best.q.on_probabilities();
  const auto returned = std::find_if(optima.begin(), optima.end(),
                                     [&](const LocalOptimum& a) { return same_optimum(a, best.L, best_q); });
  if (returned != optima.end()) std::rotate(optima.begin(), returned, returned + 1);
  std::stable_sort(optima.begin() + 1, optima.end(), [](const LocalOptimum& a, const LocalOptimum& b) { return a.L > b.L; });
  best.optima = std::move(optima);
  return best;
}

}  // namespace nirl
