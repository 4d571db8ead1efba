#include "nirl/study/study_measures.hpp"

#include "nirl/core/error.hpp"

namespace nirl {

const std::vector<MeasureInfo>& study_measures() {
  using L = MeasureLevel;
  using E = MeasureExtent;
  static const std::vector<MeasureInfo> all = {
      {"r2", L::task, E::one, "1", "aligned r2 of the inferred reward against the true one (states with true p > threshold); NaN where undefined (fewer than 2 such states, or a true reward constant within each x)"},
      {"r2_weighted", L::task, E::one, "1", "aligned r2 weighted by the true stationary probability"},
      {"scale", L::task, E::one, "1", "fitted a in r_true = a r_hat + b(x)"},
      {"converged", L::task, E::one, "1", "1 if the maximum-likelihood fit met its tolerance, else 0"},
      {"log_likelihood", L::task, E::one, "nats", "log-likelihood of the observed steps at the inferred reward"},
      {"kl_predicted", L::task, E::perturbation, "nats",
       "KL(true adapted || predicted) per perturbation; +inf if the prediction gives 0 to a state the truth visits"},
      {"aligned_reward", L::task, E::state, "reward", "inferred reward after the fit a r_hat + b(x)"},
      {"kl_baseline", L::point, E::perturbation, "nats", "KL(true adapted || unperturbed): the no-adaptation baseline"},
      {"true_reward", L::point, E::state, "reward", "the true reward r(sigma, x)"},
      {"true_stationary", L::point, E::state, "probability", "stationary distribution of the true optimum"},
      {"true_value", L::point, E::one, "reward per step", "L = E[r] - lambda E[cost] at the true optimum"},
  };
  return all;
}

const MeasureInfo& find_measure(const std::string& name) {
  std::string names;
  for (const MeasureInfo& m : study_measures()) {
    if (name == m.name) return m;
    names += (names.empty() ? "" : ", ") + std::string(m.name);
  }
  fail("study.measures: unknown measure '", name, "' (expected some of: ", names, ")");
}

std::size_t measure_size(const MeasureInfo& m, std::size_t perturbations, std::size_t states) {
  switch (m.extent) {
    case MeasureExtent::perturbation: return perturbations;
    case MeasureExtent::state: return states;
    default: return 1;
  }
}

void append_task_measure(const MeasureInfo& m, const TaskOutcome& o, std::vector<double>& record) {
  const std::string name = m.name;
  if (name == "r2") record.push_back(o.fit.r2);
  else if (name == "r2_weighted") record.push_back(o.fit_weighted.r2);
  else if (name == "scale") record.push_back(o.fit.scale);
  else if (name == "converged") record.push_back(o.inverse.converged ? 1.0 : 0.0);
  else if (name == "log_likelihood") record.push_back(o.inverse.log_likelihood);
  else if (name == "kl_predicted") record.insert(record.end(), o.kl_predicted.begin(), o.kl_predicted.end());
  else if (name == "aligned_reward") record.insert(record.end(), o.aligned_reward.begin(), o.aligned_reward.end());
  else fail("measure ", name, " is not a task measure");
}

void append_point_measure(const MeasureInfo& m, const StudyTruth& t, std::vector<double>& record) {
  const std::string name = m.name;
  if (name == "kl_baseline") record.insert(record.end(), t.kl_baseline.begin(), t.kl_baseline.end());
  else if (name == "true_reward") record.insert(record.end(), t.net.reward.data(), t.net.reward.data() + t.net.reward.size());
  else if (name == "true_stationary")
    record.insert(record.end(), t.solution.stationary.data(), t.solution.stationary.data() + t.solution.stationary.size());
  else if (name == "true_value") record.push_back(t.solution.L);
  else fail("measure ", name, " is not a point measure");
}

}  // namespace nirl
