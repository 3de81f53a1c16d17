#include "cevns/flux.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cevns/constants.hpp"

namespace cevns {

using namespace constants;

Neutrino species(DarComponent f) {
  switch (f) {
    case DarComponent::NuMu: return {Lepton::Mu, false};
    case DarComponent::NuE: return {Lepton::E, false};
    case DarComponent::NuMuBar: return {Lepton::Mu, true};
  }
  return {Lepton::Mu, false};
}

std::string to_string(DarComponent f) {
  switch (f) {
    case DarComponent::NuMu: return "numu";
    case DarComponent::NuE: return "nue";
    case DarComponent::NuMuBar: return "numubar";
  }
  return "unknown";
}

double numu_line_energy() { return (m_pi * m_pi - m_mu * m_mu) / (2.0 * m_pi); }
double delayed_endpoint_energy() { return 0.5 * m_mu; }

double dar_spectrum(DarComponent f, double E) {
  if (E < 0.0 || E > delayed_endpoint_energy()) return 0.0;
  const double m3 = m_mu * m_mu * m_mu;
  switch (f) {
    case DarComponent::NuMuBar: return 64.0 * E * E / m3 * (0.75 - E / m_mu);
    case DarComponent::NuE: return 192.0 * E * E / m3 * (0.5 - E / m_mu);
    case DarComponent::NuMu: return 0.0;
  }
  return 0.0;
}

namespace {
// Antiderivatives of phi(E) (F0), phi(E)/E (F1) and phi(E)/E^2 (F2) of the delayed spectra.
double F0(DarComponent f, double E) {
  const double m3 = m_mu * m_mu * m_mu;
  const double E3 = E * E * E;
  if (f == DarComponent::NuMuBar) return 64.0 / m3 * (E3 / 4.0 - E3 * E / (4.0 * m_mu));
  return 192.0 / m3 * (E3 / 6.0 - E3 * E / (4.0 * m_mu));
}
double F1(DarComponent f, double E) {
  const double m3 = m_mu * m_mu * m_mu;
  const double E2 = E * E;
  if (f == DarComponent::NuMuBar) return 64.0 / m3 * (0.375 * E2 - E2 * E / (3.0 * m_mu));
  return 192.0 / m3 * (0.25 * E2 - E2 * E / (3.0 * m_mu));
}
double F2(DarComponent f, double E) {
  const double m3 = m_mu * m_mu * m_mu;
  if (f == DarComponent::NuMuBar) return 64.0 / m3 * (0.75 * E - E * E / (2.0 * m_mu));
  return 192.0 / m3 * (0.5 * E - E * E / (2.0 * m_mu));
}
}  // namespace

KinematicFactors kinematic_factors(DarComponent f, double T, double M) {
  if (!(T >= 0.0) || !(M > 0.0))
    throw std::invalid_argument("kinematic_factors: need T >= 0 and M > 0");
  const double e_min = std::sqrt(M * T / 2.0);
  if (f == DarComponent::NuMu) {
    const double E = numu_line_energy();
    if (E <= e_min) return {0.0, 0.0};
    return {1.0 - M * T / (2.0 * E * E), 1.0 / (E * E)};
  }
  const double e_max = delayed_endpoint_energy();
  if (e_min >= e_max) return {0.0, 0.0};
  const double d0 = F0(f, e_max) - F0(f, e_min);
  const double d2 = F2(f, e_max) - F2(f, e_min);
  return {d0 - 0.5 * M * T * d2, d2};
}

double magnetic_kinematic_factor(DarComponent f, double T, double M) {
  if (!(T > 0.0) || !(M > 0.0))
    throw std::invalid_argument("magnetic_kinematic_factor: need T > 0 and M > 0");
  const double e_min = std::sqrt(M * T / 2.0);
  if (f == DarComponent::NuMu) {
    const double E = numu_line_energy();
    if (E <= e_min) return 0.0;
    return 1.0 / T - 1.0 / E;
  }
  const double e_max = delayed_endpoint_energy();
  if (e_min >= e_max) return 0.0;
  return (F0(f, e_max) - F0(f, e_min)) / T - (F1(f, e_max) - F1(f, e_min));
}

double flux_normalisation(double nu_per_pot, double n_pot, double baseline_m) {
  if (!(nu_per_pot > 0.0) || !(n_pot > 0.0) || !(baseline_m > 0.0))
    throw std::invalid_argument("flux_normalisation: r, N_POT and L must be > 0");
  const double L_cm = baseline_m * 100.0;
  return nu_per_pot * n_pot / (4.0 * pi * L_cm * L_cm);
}

BeamTiming::BeamTiming() : tau_pi_us(tau_pi_ns * 1e-3), tau_mu_us(tau_mu_ns * 1e-3) {}

namespace {
double norm_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Gaussian(mu, sigma) convolved with an exponential of mean life tau:
// the exponentially modified gaussian. pdf and cdf in closed form.
double emg_pdf(double t, double mu, double sigma, double tau) {
  const double x = t - mu;
  const double z = x / sigma - sigma / tau;
  const double expo = sigma * sigma / (2.0 * tau * tau) - x / tau;
  // exp(expo) * Phi(z): combine in log space to avoid overflow * underflow.
  const double phi = norm_cdf(z);
  if (phi <= 0.0) return 0.0;
  return std::exp(expo + std::log(phi)) / tau;
}
double emg_cdf(double t, double mu, double sigma, double tau) {
  const double x = t - mu;
  const double z = x / sigma - sigma / tau;
  const double expo = sigma * sigma / (2.0 * tau * tau) - x / tau;
  const double phi = norm_cdf(z);
  const double tail = phi <= 0.0 ? 0.0 : std::exp(expo + std::log(phi));
  return norm_cdf(x / sigma) - tail;
}
}  // namespace

// Delayed: the sum of two exponential times (pion then muon) has density
// [tau_mu e^{-t/tau_mu} - tau_pi e^{-t/tau_pi}] / (tau_mu - tau_pi) / (..), a
// signed mixture of exponentials, so its convolution with the gaussian is the
// same mixture of EMGs.
double arrival_time_pdf(DarComponent f, double t, const BeamTiming& b) {
  if (f == DarComponent::NuMu) return emg_pdf(t, b.pot_mean_us, b.pot_sigma_us, b.tau_pi_us);
  const double w = 1.0 / (b.tau_mu_us - b.tau_pi_us);
  return w * (b.tau_mu_us * emg_pdf(t, b.pot_mean_us, b.pot_sigma_us, b.tau_mu_us) -
              b.tau_pi_us * emg_pdf(t, b.pot_mean_us, b.pot_sigma_us, b.tau_pi_us));
}

double arrival_time_cdf(DarComponent f, double t, const BeamTiming& b) {
  if (f == DarComponent::NuMu) return emg_cdf(t, b.pot_mean_us, b.pot_sigma_us, b.tau_pi_us);
  const double w = 1.0 / (b.tau_mu_us - b.tau_pi_us);
  return w * (b.tau_mu_us * emg_cdf(t, b.pot_mean_us, b.pot_sigma_us, b.tau_mu_us) -
              b.tau_pi_us * emg_cdf(t, b.pot_mean_us, b.pot_sigma_us, b.tau_pi_us));
}

double TimingEfficiency::operator()(double t) const {
  if (rate_per_us <= 0.0 || t < t0_us) return 1.0;
  return std::exp(-rate_per_us * (t - t0_us));
}

std::vector<double> time_bin_fractions(DarComponent f, const std::vector<double>& edges,
                                       const BeamTiming& timing, const TimingEfficiency& eff) {
  if (edges.size() < 2) throw std::invalid_argument("time_bin_fractions: need >= 2 edges");
  for (std::size_t j = 1; j < edges.size(); ++j)
    if (!(edges[j] > edges[j - 1]))
      throw std::invalid_argument("time_bin_fractions: edges must increase");
  std::vector<double> out(edges.size() - 1);
  for (std::size_t j = 0; j + 1 < edges.size(); ++j) {
    const double a = edges[j], b = edges[j + 1];
    if (eff.rate_per_us <= 0.0) {
      out[j] = arrival_time_cdf(f, b, timing) - arrival_time_cdf(f, a, timing);
      continue;
    }
    // Efficiency-weighted: composite Simpson on a 1 ns grid (the prompt pdf
    // varies on the 26 ns pion lifetime), plus the exact piece before t0.
    double lo = a;
    double sum = 0.0;
    if (lo < eff.t0_us) {
      const double mid = std::min(b, eff.t0_us);
      sum += arrival_time_cdf(f, mid, timing) - arrival_time_cdf(f, lo, timing);
      lo = mid;
    }
    if (b > lo) {
      const int n = 2 * std::max(1, static_cast<int>(std::ceil((b - lo) / 0.002)));
      const double h = (b - lo) / n;
      double s = 0.0;
      for (int k = 0; k <= n; ++k) {
        const double t = lo + k * h;
        const double wk = (k == 0 || k == n) ? 1.0 : (k % 2 ? 4.0 : 2.0);
        s += wk * arrival_time_pdf(f, t, timing) * eff(t);
      }
      sum += s * h / 3.0;
    }
    out[j] = sum;
  }
  return out;
}

}  // namespace cevns
