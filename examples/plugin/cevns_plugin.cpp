// A likelihood plugin for global-fit frameworks: the combined COHERENT CsI 2021 +
// Ar 2020 log-likelihood of a light mediator of one of the paper's models,
//
//   ln L(M, g) = -chi2(M, g) / 2,   chi2 = sum over CsI (eq. 6) and Ar (eq. 7-9)
//
// with every nuisance profiled (chi2 = -2 ln L + const, as cevns::chi2).
//
// The host calls the initialiser
//   extern "C" void cevns_plugin_init(const char* name, cevns_plugin_register_fcn reg)
// with name = "<anything>:<model>", e.g. "coherent:B-L"; the model is one of
// universal, B-L, By+Lmu+Ltau, B-3Le, B-3Lmu, B-2Le-Lmu, B-Le-2Lmu, Le-Lmu,
// Le-Ltau, Lmu-Ltau, scalar. The data directory is $CEVNS_DATA_DIR (every file is
// hash-checked). The registered function reads the parameters "M_MeV" (mediator
// mass, MeV) and "g" (coupling) and writes "chi2_csi2021" and "chi2_ar2020".
// Up to kSlots models can be registered in one process, each under its own name.
//
// Errors: a failed initialisation prints one line to stderr and registers nothing;
// a point without "M_MeV" or "g", or with an invalid value, throws
// std::invalid_argument (the host decides whether that point is invalid).
//
// Threads: frameworks parallelise over parameter points; the core's own OpenMP
// team would multiply that (cevns/threading.hpp), so the initialiser calls
// cevns::set_num_threads(1) once the data are loaded, unless
// $CEVNS_PLUGIN_KEEP_THREADS is set.
#include <array>
#include <cevns/cevns.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "plugin_interface.h"

namespace {

struct Likelihood {
  std::string model_name;
  cevns::NamedModel model;
  std::shared_ptr<const cevns::Experiment> csi, ar;  // shared by every slot
};

constexpr std::size_t kSlots = 16;
std::array<std::unique_ptr<Likelihood>, kSlots> slots;
std::mutex init_mutex;

double parameter(const std::map<std::string, double>& in, const char* key) {
  const auto it = in.find(key);
  if (it == in.end())
    throw std::invalid_argument(std::string("cevns plugin: the point has no parameter '") + key +
                                "' (needs M_MeV and g)");
  return it->second;
}

template <std::size_t K>
double loglike(const std::map<std::string, double>& in, std::map<std::string, double>& out) {
  const Likelihood& lik = *slots[K];
  const double mass = parameter(in, "M_MeV"), g = parameter(in, "g");
  const cevns::Mediator m = lik.model.mediator(mass);
  const double chi2 = cevns::chi2({lik.csi.get(), lik.ar.get()}, m, g);
  out["chi2_csi2021"] = cevns::chi2({lik.csi.get()}, m, g);
  out["chi2_ar2020"] = cevns::chi2({lik.ar.get()}, m, g);
  return -0.5 * chi2;
}

template <std::size_t... K>
constexpr std::array<cevns_plugin_loglike_fcn, kSlots> make_table(std::index_sequence<K...>) {
  return {&loglike<K>...};
}
constexpr std::array<cevns_plugin_loglike_fcn, kSlots> loglike_table =
    make_table(std::make_index_sequence<kSlots>{});

}  // namespace

extern "C" __attribute__((visibility("default"))) void cevns_plugin_init(
    const char* name, cevns_plugin_register_fcn register_fcn) try {
  const std::lock_guard<std::mutex> lock(init_mutex);
  if (name == nullptr || register_fcn == nullptr)
    throw std::invalid_argument("null name or registration function");
  const std::string full = name;
  const std::size_t colon = full.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("the name '" + full + "' has no ':<model>' (e.g. coherent:B-L)");
  const std::string model_name = full.substr(colon + 1);
  const char* data_dir = std::getenv("CEVNS_DATA_DIR");
  if (data_dir == nullptr || *data_dir == '\0')
    throw std::invalid_argument("set CEVNS_DATA_DIR to the COHERENT data directory");

  std::size_t k = 0;
  while (k < kSlots && slots[k]) ++k;
  if (k == kSlots) throw std::invalid_argument("more than 16 likelihoods registered");
  auto lik = std::make_unique<Likelihood>();
  lik->model_name = model_name;
  lik->model = cevns::paper_model(model_name);  // throws for an unknown model
  if (k > 0) {                                  // the data are loaded once
    lik->csi = slots[0]->csi;
    lik->ar = slots[0]->ar;
  } else {
    lik->csi =
        std::make_shared<const cevns::Experiment>(cevns::load_experiment("csi2021", data_dir));
    lik->ar = std::make_shared<const cevns::Experiment>(cevns::load_experiment("ar2020", data_dir));
    if (std::getenv("CEVNS_PLUGIN_KEEP_THREADS") == nullptr) cevns::set_num_threads(1);
  }
  slots[k] = std::move(lik);
  if (register_fcn(name, reinterpret_cast<void*>(loglike_table[k])) != 0) slots[k].reset();
} catch (const std::exception& e) {
  std::fprintf(stderr, "cevns plugin: %s: %s\n", name != nullptr ? name : "(null)", e.what());
}
