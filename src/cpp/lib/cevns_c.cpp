// The extern "C" facade (cevns/cevns_c.h): handles around cevns::Experiment.
#include "cevns/cevns_c.h"

#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cevns/experiment.hpp"
#include "cevns/models.hpp"
#include "cevns/options.hpp"
#include "cevns/parameters.hpp"

struct cevns_experiment {
  cevns::Experiment experiment;
};

struct cevns_dataset {
  std::vector<std::unique_ptr<cevns_experiment>> owned;
  std::vector<const cevns_experiment*> list;  // owned's pointers, for cevns_chi2
};

namespace {

std::string& last_error() {
  thread_local std::string message;  // per thread: no shared mutable state
  return message;
}

template <class F>
int guarded(F&& f) {
  try {
    f();
    last_error().clear();
    return 0;
  } catch (const std::exception& e) {
    last_error() = e.what();
  } catch (...) {
    last_error() = "unknown C++ exception";
  }
  return -1;
}

/// "key=value" pairs separated by ';' (NULL or "": none).
std::map<std::string, std::string> option_pairs(const char* options, const char* who) {
  std::map<std::string, std::string> opts;
  const std::string text = options ? options : "";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    const std::string item = text.substr(start, end - start);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        throw std::invalid_argument(std::string(who) + ": expected key=value, got '" + item + "'");
      opts[item.substr(0, eq)] = item.substr(eq + 1);
    }
    start = end + 1;
  }
  return opts;
}

}  // namespace

extern "C" {

cevns_experiment* cevns_experiment_load(const char* name, const char* data_dir) {
  cevns_experiment* out = nullptr;
  guarded([&] {
    if (!name || !data_dir) throw std::invalid_argument("cevns_experiment_load: NULL argument");
    out = new cevns_experiment{cevns::load_experiment(name, data_dir)};
  });
  return out;
}

cevns_experiment* cevns_experiment_load_with(const char* name, const char* data_dir,
                                             const char* options) {
  cevns_experiment* out = nullptr;
  guarded([&] {
    if (!name || !data_dir)
      throw std::invalid_argument("cevns_experiment_load_with: NULL argument");
    const auto opts = option_pairs(options, "cevns_experiment_load_with");
    out = new cevns_experiment{cevns::load_experiment(name, data_dir, opts)};
  });
  return out;
}

cevns_dataset* cevns_dataset_load(const char* dataset, const char* data_dir, const char* options) {
  cevns_dataset* out = nullptr;
  guarded([&] {
    if (!dataset || !data_dir) throw std::invalid_argument("cevns_dataset_load: NULL argument");
    std::map<std::string, cevns::OptionText> per_experiment;
    for (const auto& kv : option_pairs(options, "cevns_dataset_load")) {
      const std::size_t dot = kv.first.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == kv.first.size())
        throw std::invalid_argument("cevns_dataset_load: expected experiment.key=value, got '" +
                                    kv.first + "=" + kv.second + "'");
      per_experiment[kv.first.substr(0, dot)][kv.first.substr(dot + 1)] = kv.second;
    }
    auto d = std::make_unique<cevns_dataset>();
    for (cevns::Experiment& e : cevns::load_experiments(dataset, data_dir, per_experiment)) {
      d->owned.push_back(std::make_unique<cevns_experiment>(cevns_experiment{std::move(e)}));
      d->list.push_back(d->owned.back().get());
    }
    out = d.release();
  });
  return out;
}

unsigned long cevns_dataset_size(const cevns_dataset* dataset) {
  return dataset ? static_cast<unsigned long>(dataset->list.size()) : 0UL;
}

const cevns_experiment* const* cevns_dataset_experiments(const cevns_dataset* dataset) {
  return dataset ? dataset->list.data() : nullptr;
}

void cevns_dataset_free(cevns_dataset* dataset) { delete dataset; }

const char* cevns_option_table(const char* name) {
  thread_local std::string text;  // per thread, like the error message
  const int rc = guarded([&] {
    if (!name) throw std::invalid_argument("cevns_option_table: NULL argument");
    text.clear();
    for (const cevns::OptionSpec& o : cevns::option_table(name)) {
      const auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
      text += o.name + "\t" + cevns::to_string(o.type) + "\t" + or_dash(o.default_value) + "\t" +
              o.accepted() + "\t" + or_dash(o.unit) + "\t" + o.doc + "\n";
    }
  });
  return rc == 0 ? text.c_str() : nullptr;
}

void cevns_free(cevns_experiment* experiment) { delete experiment; }

unsigned long cevns_n_bins(const cevns_experiment* experiment) {
  return experiment ? static_cast<unsigned long>(experiment->experiment.n_bins()) : 0UL;
}

int cevns_chi2(const cevns_experiment* const* experiments, unsigned long n, const char* model,
               double mass_MeV, double coupling, double* chi2) {
  return guarded([&] {
    if (!experiments || !model || !chi2 || n == 0)
      throw std::invalid_argument("cevns_chi2: NULL argument or no experiments");
    const std::string name = model;
    const cevns::Mediator m = (name == "SM") ? cevns::Mediator::standard_model()
                                             : cevns::paper_model(name).mediator(mass_MeV);
    std::vector<const cevns::Experiment*> list;
    for (unsigned long i = 0; i < n; ++i) {
      if (!experiments[i]) throw std::invalid_argument("cevns_chi2: NULL experiment handle");
      list.push_back(&experiments[i]->experiment);
    }
    *chi2 = cevns::chi2(list, m, coupling);
  });
}

int cevns_profile(const cevns_experiment* experiment, const double* prediction, double* chi2) {
  return guarded([&] {
    if (!experiment || !prediction || !chi2)
      throw std::invalid_argument("cevns_profile: NULL argument");
    const auto& e = experiment->experiment;
    *chi2 = e.profile(std::vector<double>(prediction, prediction + e.n_bins())).chi2;
  });
}

}  // extern "C"

namespace {
// The model and physics parameters of the *_params functions, by name.
cevns::Mediator mediator_by_name(const char* model, double mass_MeV) {
  const std::string name = model;
  return name == "SM" ? cevns::Mediator::standard_model()
                      : cevns::paper_model(name).mediator(mass_MeV);
}

cevns::PhysicsParameters parameters_by_name(const char* who, const char* const* names,
                                            const double* values, unsigned long n_params) {
  if (n_params > 0 && (!names || !values))
    throw std::invalid_argument(std::string(who) + ": NULL parameter names or values");
  cevns::PhysicsParameters params;
  for (unsigned long i = 0; i < n_params; ++i) {
    if (!names[i]) throw std::invalid_argument(std::string(who) + ": NULL parameter name");
    params.set(names[i], values[i]);
  }
  return params;
}
}  // namespace

extern "C" {

int cevns_chi2_params(const cevns_experiment* const* experiments, unsigned long n,
                      const char* model, double mass_MeV, double coupling, const char* const* names,
                      const double* values, unsigned long n_params, double* chi2) {
  return guarded([&] {
    if (!experiments || !model || !chi2 || n == 0)
      throw std::invalid_argument("cevns_chi2_params: NULL argument or no experiments");
    const cevns::Mediator m = mediator_by_name(model, mass_MeV);
    const cevns::PhysicsParameters params =
        parameters_by_name("cevns_chi2_params", names, values, n_params);
    double total = 0.0;
    for (unsigned long i = 0; i < n; ++i) {
      if (!experiments[i]) throw std::invalid_argument("cevns_chi2_params: NULL experiment handle");
      const cevns::Experiment& e = experiments[i]->experiment;
      total += e.profile(e.rate().predict(m, coupling, params)).chi2;
    }
    *chi2 = total;
  });
}

int cevns_flux_averaged_cross_section(const cevns_experiment* experiment, const char* model,
                                      double mass_MeV, double coupling, const char* const* names,
                                      const double* values, unsigned long n_params,
                                      double* sigma_cm2) {
  return guarded([&] {
    if (!experiment || !model || !sigma_cm2)
      throw std::invalid_argument("cevns_flux_averaged_cross_section: NULL argument");
    const cevns::Mediator m = mediator_by_name(model, mass_MeV);
    // no names: the experiment's own radii (as the C++ overload without parameters)
    const cevns::BinnedRate& rate = experiment->experiment.rate();
    *sigma_cm2 =
        n_params == 0
            ? rate.flux_averaged_cross_section(m, coupling)
            : rate.flux_averaged_cross_section(
                  m, coupling,
                  parameters_by_name("cevns_flux_averaged_cross_section", names, values, n_params));
  });
}

const char* cevns_last_error(void) { return last_error().c_str(); }

}  // extern "C"
