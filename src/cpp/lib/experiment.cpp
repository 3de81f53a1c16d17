// Experiment (the data set every loader builds) and the combinations; the
// registry is in experiment_registry.cpp, the loaders in experiments/<name>.cpp.
#include "cevns/experiment.hpp"

#include <cmath>
#include <exception>
#include <stdexcept>

#include "threads.hpp"

namespace cevns {

// ---------------------------------------------------------------------------
// Experiment
// ---------------------------------------------------------------------------
Experiment::Experiment(ExperimentInputs inputs) : in_(std::move(inputs)) {
  const auto fail = [this](const std::string& m) {
    throw std::invalid_argument("Experiment " + in_.name + ": " + m);
  };
  if (in_.energy_edges.size() < 2 || in_.time_edges.size() < 2) fail("needs >= 2 edges per axis");
  if (!in_.rate || !in_.chi2) fail("needs a rate engine and a chi2");
  const std::size_t n = n_bins(), n_obs = in_.chi2->n_observed();
  if (in_.observed.size() != n_obs) fail("observed has the wrong number of bins");
  for (const auto& kv : in_.backgrounds)
    if (kv.second.size() != n_obs) fail("background " + kv.first + " has the wrong number of bins");
  if (in_.rate->n_energy() != n_energy() || in_.rate->n_time() != n_time())
    fail("the rate engine's bins differ from the edges");
  if (in_.chi2->n_bins() != n) fail("the chi2's number of bins differs from the edges");
}

const std::vector<double>& Experiment::background(const std::string& name) const {
  const auto it = in_.backgrounds.find(name);
  if (it == in_.backgrounds.end()) {
    std::string known;
    for (const auto& kv : in_.backgrounds) known += (known.empty() ? "" : ", ") + kv.first;
    throw std::invalid_argument(in_.name + ": no background named '" + name + "'; known: " + known);
  }
  return it->second;
}

std::vector<std::string> Experiment::background_names() const {
  std::vector<std::string> out;
  for (const auto& kv : in_.backgrounds) out.push_back(kv.first);
  return out;
}

std::vector<double> Experiment::predict(const Mediator& m, double coupling) const {
  if (!std::isfinite(coupling)) throw std::invalid_argument(in_.name + ": coupling must be finite");
  return in_.rate->predict(m, coupling);
}

Templates Experiment::templates(const Mediator& m) const { return in_.rate->templates(m); }

ProfileResult Experiment::profile(const std::vector<double>& prediction) const {
  if (prediction.size() != n_bins())
    throw std::invalid_argument(in_.name + ": the prediction has " +
                                std::to_string(prediction.size()) + " bins, expected " +
                                std::to_string(n_bins()) + " [energy * time]");
  return in_.chi2->profile(prediction.data());
}

double Experiment::chi2(const Mediator& m, double coupling) const {
  return profile(predict(m, coupling)).chi2;
}

// ---------------------------------------------------------------------------
// Loaders
// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------
// Combinations
// ---------------------------------------------------------------------------
double chi2(const std::vector<const Experiment*>& experiments, const Mediator& m, double coupling) {
  if (experiments.empty()) throw std::invalid_argument("chi2: no experiments given");
  double total = 0.0;
  for (const Experiment* e : experiments) {
    if (e == nullptr) throw std::invalid_argument("chi2: null experiment pointer");
    total += e->chi2(m, coupling);
  }
  return total;
}

CombinedExperiments::CombinedExperiments(std::vector<Experiment> experiments)
    : experiments_(std::move(experiments)) {
  if (experiments_.empty()) throw std::invalid_argument("CombinedExperiments: no experiments");
}

double CombinedExperiments::chi2(const Mediator& m, double coupling) const {
  double total = 0.0;
  for (const auto& e : experiments_) total += e.chi2(m, coupling);
  return total;
}

std::vector<ProfileResult> CombinedExperiments::profile(const Mediator& m, double coupling) const {
  std::vector<ProfileResult> out;
  for (const auto& e : experiments_) out.push_back(e.profile(e.predict(m, coupling)));
  return out;
}

std::vector<Templates> CombinedExperiments::templates(const Mediator& m) const {
  std::vector<Templates> out;
  for (const auto& e : experiments_) out.push_back(e.templates(m));
  return out;
}

double CombinedExperiments::chi2(const std::vector<Templates>& templates, double coupling) const {
  if (templates.size() != experiments_.size())
    throw std::invalid_argument("CombinedExperiments::chi2: need one Templates per experiment");
  double total = 0.0;
  for (std::size_t k = 0; k < experiments_.size(); ++k)
    total += experiments_[k].profile(templates[k].evaluate(coupling)).chi2;
  return total;
}

std::vector<double> CombinedExperiments::chi2_many(const std::vector<ModelPoint>& points,
                                                   int n_threads) const {
  std::vector<double> out(points.size(), 0.0);
  detail::parallel_for(
      static_cast<long long>(points.size()), n_threads, "",
      [&](long long i) {
        out[static_cast<std::size_t>(i)] = chi2(points[static_cast<std::size_t>(i)]);
      },
      4);
  return out;
}

}  // namespace cevns
