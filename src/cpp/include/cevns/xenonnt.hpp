/// \file xenonnt.hpp
/// \brief Solar 8B CEvNS on natural xenon through the XENONnT mono-energetic
///        efficiency templates (2026 release): the physics route.
///
/// The expectation in bin b of science run r is
///   mu_rb = exposure_r sum_k x_k mono_rk[b](t_ly, t_qy),
///   x_k   = int dT hat_k(T) dR/dT(T)        [events / (t yr)],
/// where hat_k is the linear-interpolation ("hat") basis function of the k-th
/// template energy E_k (0.5, 0.6, ..., 5.0 keV): the efficiency is taken
/// linear in T between neighbouring template energies. The x_k are the
/// "bins" of an ordinary BinnedRate (rate.hpp): the flux components of the
/// solar source (SolarSource::components, one per flavour), the isotopes of
/// natural xenon from the nuclei table (natural_element("Xe")), and the
/// TemplateNodeResponse below, with the template energies as recoil
/// breakpoints of the Gauss-Legendre quadrature (the hat functions' kinks).
/// So the node inputs are exactly N0 + g^2 N1 + g^4 N2 at fixed mediator mass,
/// the physics parameters (sin^2 theta_W, R_n, NSI, mu_nu, <r^2>) act as for
/// COHERENT, and scans cost the same. Recoils below the first template energy
/// have no template and are not counted (quantified in the tests); above the
/// last one the efficiency of the last template is kept.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cevns/experiment.hpp"
#include "cevns/options.hpp"
#include "cevns/rate.hpp"
#include "cevns/response.hpp"
#include "cevns/solar.hpp"
#include "cevns/xenon_chi2.hpp"
#include "cevns/xenonnt_release.hpp"

namespace cevns {

/// Response onto template nodes: the analysis "bin" [E_k, E_k+1) [keV] is the
/// k-th template energy E_k, and P(bin k | T) = hat_k(T) (1 at E_k, falling
/// linearly to 0 at the neighbouring energies; the last node is flat above
/// its energy). Bins are looked up by their lower edge.
class TemplateNodeResponse final : public ResponseModel {
 public:
  /// \param node_energy_keV template energies, increasing (>= 2)
  /// \throws std::invalid_argument otherwise
  explicit TemplateNodeResponse(std::vector<double> node_energy_keV);
  double bin_probability(double T_MeV, double lo_keV, double hi_keV) const override;
  /// The edges of a BinnedRate over the nodes: E_0, ..., E_n-1 and E_n-1 + its step.
  std::vector<double> edges() const;

 private:
  std::vector<double> e_;
};

/// Options of the xenon rate.
struct XenonntRateOptions {
  int panels_per_segment = 2;  ///< Gauss-Legendre panels between recoil breakpoints
  FormFactorModel form_factor = FormFactorModel::Helm;
  double seconds_per_year = 365.25 * 86400.0;  ///< the "yr" of t yr (Julian year)
};

/// Nuclei of natural xenon per tonne (isotopes of the nuclei table, abundances
/// renormalised, molar mass from their atomic masses).
std::vector<Target> natural_xenon_per_tonne();

/// The BinnedRate of solar neutrinos on one tonne of natural xenon over one
/// year, binned on the template energies: predictions are the node inputs x_k
/// [events / (t yr)].
BinnedRate xenonnt_rate(const SolarSource &source, const std::vector<double> &node_energy_keV,
                        const XenonntRateOptions &options = {});
/// The same with several solar sources, each (name, source): their flux
/// components (one per flavour each) add up in every node input.
BinnedRate xenonnt_rate(const std::vector<std::pair<std::string, SolarSource>> &sources,
                        const std::vector<double> &node_energy_keV,
                        const XenonntRateOptions &options = {});

/// The solar 8B source of a data directory (hash-checked): Winter et al. shape
/// (refined to 10 keV nodes for the flavour mixing), the B16 8B production
/// profile ("gs98" or "agss09"), total flux [cm^-2 s^-1].
SolarSource solar_b8_source(const std::string &data_dir, double flux = kSnoB8Flux,
                            const OscillationParameters &osc = {},
                            const std::string &solar_model = "gs98");

/// The solar hep source of a data directory (hash-checked): Bahcall's shape
/// (Phys. Rev. C 56 (1997) 3391, refined to 10 keV nodes), the B16 hep
/// production profile and flux of `solar_model` ("gs98": kB16HepFluxGs98,
/// "agss09": kB16HepFluxAgss09).
SolarSource solar_hep_source(const std::string &data_dir, const OscillationParameters &osc = {},
                             const std::string &solar_model = "gs98");

/// The XENONnT likelihood of the physics route for some science runs (0, 1,
/// 2): signal inputs are the node inputs x_k [events / (t yr)] of xenonnt_rate,
/// folded with exposure x mono templates; backgrounds x exposure.
XenonChi2 xenonnt_chi2(const XenonntRelease &release, const std::vector<int> &runs,
                       XenonSigmas sigmas = {},
                       XenonMorphing morphing = XenonMorphing::rate_times_shape);

/// The XENONnT solar 8B experiment of some science runs from data_dir (holding
/// xenonnt/ with the converted templates, and solar/): the rate's "bins" are the
/// template energies (node inputs, events per t yr), the chi2 XenonChi2 folds
/// them into the 81 observed bins per run; the loader of the registry's
/// definitions xenonnt (SR0+SR1), xenonnt_sr0, xenonnt_sr1, xenonnt_sr2
/// (experiments/xenonnt.cpp).
/// \throws MissingDataError, HashMismatchError, MalformedDataError (naming the file)
Experiment load_xenonnt(const std::string &data_dir, const std::vector<int> &runs,
                        const XenonntOptions &options = {});

}  // namespace cevns
