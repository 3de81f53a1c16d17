/// \file solar.cpp
/// \brief Solar 8B / hep source: tabulated spectra, B16 production profiles,
///        adiabatic LMA-MSW survival probability (solar.hpp).
#include "cevns/solar.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cevns/data.hpp"

namespace cevns {
namespace {

[[noreturn]] void malformed(const std::string &path, int line, const std::string &what) {
  throw MalformedDataError(path + ":" + std::to_string(line) + ": " + what);
}

std::ifstream open_or_throw(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw MissingDataError("cannot open " + path);
  return in;
}

/// Split a line on commas and white space into numbers; false if a token is
/// not a number.
bool numbers(const std::string &line, std::vector<double> &out) {
  out.clear();
  std::string s = line;
  std::replace(s.begin(), s.end(), ',', ' ');
  std::istringstream is(s);
  std::string tok;
  while (is >> tok) {
    char *end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0' || !std::isfinite(v)) return false;
    out.push_back(v);
  }
  return true;
}

}  // namespace

TabulatedSpectrum read_spectrum_table(const std::string &path, double refine) {
  std::ifstream in = open_or_throw(path);
  struct {
    std::vector<double> energy, density;
  } t;
  std::string line;
  std::vector<double> v;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (!numbers(line, v) || v.size() < 2 || v.size() > 3)
      malformed(path, n, "expected 'E, dN/dE[, error]'");
    if (!t.energy.empty() && !(v[0] > t.energy.back()))
      malformed(path, n, "energies must increase");
    if (v[1] < 0.0) malformed(path, n, "negative density");
    t.energy.push_back(v[0]);
    t.density.push_back(v[1]);
  }
  if (t.energy.size() < 2) malformed(path, n, "fewer than two rows");
  if (refine > 0.0) {  // the same piecewise-linear density on finer nodes
    std::vector<double> e, d;
    for (std::size_t i = 0; i + 1 < t.energy.size(); ++i) {
      const double a = t.energy[i], b = t.energy[i + 1];
      const int m = std::max(1, static_cast<int>(std::ceil((b - a) / refine - 1e-9)));
      for (int k = 0; k < m; ++k) {
        const double w = static_cast<double>(k) / m;
        e.push_back(a + w * (b - a));
        d.push_back((1.0 - w) * t.density[i] + w * t.density[i + 1]);
      }
    }
    e.push_back(t.energy.back());
    d.push_back(t.density.back());
    t.energy = std::move(e);
    t.density = std::move(d);
  }
  try {
    return TabulatedSpectrum(t.energy, t.density);
  } catch (const std::invalid_argument &e) {
    malformed(path, n, e.what());
  }
}

SolarProfile read_solar_profile(const std::string &path, const std::string &source) {
  static const char *names[] = {"pp", "pep", "hep", "7Be", "8B", "13N", "15O", "17F"};
  int column = -1;
  for (int k = 0; k < 8; ++k)
    if (source == names[k]) column = 4 + k;
  if (column < 0)
    throw std::invalid_argument("source '" + source +
                                "' is not one of pp, pep, hep, 7Be, 8B, 13N, 15O, 17F");
  std::ifstream in = open_or_throw(path);
  SolarProfile p;
  std::string line;
  std::vector<double> v;
  int n = 0;
  double sum = 0.0;
  while (std::getline(in, line)) {
    ++n;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (!numbers(line, v) || v.size() != 12) malformed(path, n, "expected 12 numbers");
    if (v[column] < 0.0) malformed(path, n, "negative production fraction");
    p.radius.push_back(v[0]);
    p.electron_density.push_back(std::pow(10.0, v[2]));
    p.weight.push_back(v[column]);
    sum += v[column];
  }
  if (p.radius.empty() || !(sum > 0.0)) malformed(path, n, "no production in any zone");
  for (double &w : p.weight) w /= sum;  // equal zone widths: the density is the weight
  return p;
}

double survival_probability(double e_mev, double n_e, const OscillationParameters &osc) {
  const double s13 = osc.sin2_theta13, c13 = 1.0 - s13;
  const double cos2 = 1.0 - 2.0 * osc.sin2_theta12;
  const double sin2_2 = 4.0 * osc.sin2_theta12 * (1.0 - osc.sin2_theta12);
  const double a = 2.0 * e_mev * 1e6 * kMswPotentialPerMolCm3 * n_e * c13 / osc.dm2_21;
  const double cos2m = (cos2 - a) / std::sqrt((cos2 - a) * (cos2 - a) + sin2_2);
  return c13 * c13 * (0.5 + 0.5 * cos2m * cos2) + s13 * s13;
}

double survival_probability(double e_mev, const SolarProfile &profile,
                            const OscillationParameters &osc) {
  double p = 0.0;
  for (std::size_t i = 0; i < profile.weight.size(); ++i)
    if (profile.weight[i] > 0.0)
      p += profile.weight[i] * survival_probability(e_mev, profile.electron_density[i], osc);
  return p;
}

SolarSource::SolarSource(TabulatedSpectrum spectrum, SolarProfile profile, double flux,
                         OscillationParameters osc)
    : spectrum_(std::move(spectrum)), profile_(std::move(profile)), flux_(flux), osc_(osc) {
  if (!(flux_ > 0.0) || !std::isfinite(flux_))
    throw std::invalid_argument("flux: must be finite and > 0 [cm^-2 s^-1]");
  if (profile_.weight.empty()) throw std::invalid_argument("profile: no zones");
}

std::array<double, 3> SolarSource::flavour_fractions(double e_mev) const {
  return solar_flavour_probabilities([this](double e) { return p_ee(e); },
                                     osc_.sin2_theta23)(e_mev);
}

double SolarSource::flux_density(double e_mev, int flavour) const {
  if (flavour < 0 || flavour > 2)
    throw std::invalid_argument("flavour: 0 (e), 1 (mu) or 2 (tau), got " +
                                std::to_string(flavour));
  return flux_ * spectrum_.density(e_mev) *
         flavour_fractions(e_mev)[static_cast<std::size_t>(flavour)];
}

double SolarSource::endpoint() const {
  const auto &e = spectrum_.energies();
  const auto &d = spectrum_.densities();
  for (std::size_t i = d.size(); i-- > 0;)
    if (d[i] > 0.0) return i + 1 < e.size() ? e[i + 1] : e[i];
  return e.front();
}

std::vector<FluxComponent> SolarSource::components(const std::string &name, double seconds) const {
  if (!(seconds > 0.0)) throw std::invalid_argument("seconds: must be > 0");
  const SolarProfile &prof = profile_;
  const OscillationParameters osc = osc_;
  return mix_flavours(
      name, spectrum_, flux_ * seconds, false,
      solar_flavour_probabilities(
          [prof, osc](double e) { return survival_probability(e, prof, osc); }, osc.sin2_theta23));
}

}  // namespace cevns
