/// \file chi2.cpp
/// \brief Profiled chi2 of the paper: CsI eq. (6) (NLopt) and Ar eq. (7)-(9)
///        (exact normal equations).
#include "cevns/chi2.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <nlopt.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "threads.hpp"

namespace cevns {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Two doubles added and multiplied lane by lane (a GCC/Clang vector: one SSE2
/// instruction per operation on x86-64, two scalar ones elsewhere). The sums over bins
/// of the profiles run over pairs of bins, the even and the odd ones summed apart (a
/// fixed order on every machine); an odd count's last bin is paired with a padding lane
/// of zeros, which adds nothing to any of them.
using Lanes2 = double __attribute__((vector_size(16)));
/// p[0], p[1] (any alignment); with `pair` false, p[0] and 0 (the padding lane).
inline Lanes2 load_lanes(const double *p, bool pair = true) {
  if (!pair) return Lanes2{p[0], 0.0};
  Lanes2 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
/// v[0], v[1] into p[0], p[1]; with `pair` false, v[0] into p[0] only.
inline void store_lanes(double *p, Lanes2 v, bool pair = true) {
  if (!pair) {
    p[0] = v[0];
    return;
  }
  std::memcpy(p, &v, sizeof v);
}
/// body(j, pair) for the pairs of bins (j, j + 1) of 0..n-1 (pair true), then for the
/// last bin of an odd count (pair false: with its padding lane), in that order.
template <class Body>
inline void for_pairs(std::size_t n, Body &&body) {
  std::size_t j = 0;
  for (; j + 1 < n; j += 2) body(j, true);
  if (j < n) body(j, false);
}
/// Lane masks of comparisons (-1: true, 0: false), and whether any lane is true.
using Mask2 = long long __attribute__((vector_size(16)));
inline bool any_lane(Mask2 m) { return (m[0] | m[1]) != 0; }

/// Throw std::invalid_argument unless v has n entries, all finite (and >= 0
/// when non_negative).
void check_vector(const std::vector<double> &v, std::size_t n, const char *name,
                  bool non_negative) {
  if (v.size() != n) {
    throw std::invalid_argument(std::string(name) + ": expected " + std::to_string(n) +
                                " bins, got " + std::to_string(v.size()));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) {
      throw std::invalid_argument(std::string(name) + ": non-finite value at bin " +
                                  std::to_string(i));
    }
    if (non_negative && v[i] < 0.0) {
      throw std::invalid_argument(std::string(name) + ": negative value " + std::to_string(v[i]) +
                                  " at bin " + std::to_string(i));
    }
  }
}

void check_prediction(const double *p, std::size_t n, const char *name) {
  if (p == nullptr) throw std::invalid_argument(std::string(name) + ": null pointer");
  // one comparison per bin in the common case (every profile checks its prediction):
  // NaN fails the first, +inf the second
  bool fine = true;
  for (std::size_t i = 0; i < n && fine; ++i) fine = p[i] >= 0.0 && p[i] <= kMaxPredictionEvents;
  if (fine) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(p[i])) {
      throw std::invalid_argument(std::string(name) + ": non-finite value at bin " +
                                  std::to_string(i));
    }
    if (p[i] < 0.0) {
      throw std::invalid_argument(std::string(name) + ": negative value " + std::to_string(p[i]) +
                                  " at bin " + std::to_string(i));
    }
    if (p[i] > kMaxPredictionEvents) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    ": %.3g events at bin %zu; accepted: at most %.0e events per bin", p[i], i,
                    kMaxPredictionEvents);
      throw std::invalid_argument(std::string(name) + buf);
    }
  }
}

void check_size(std::size_t got, std::size_t want, const char *name) {
  if (got != want) {
    throw std::invalid_argument(std::string(name) + ": expected " + std::to_string(want) +
                                " values, got " + std::to_string(got));
  }
}

void check_sigmas(const std::array<double, 4> &s) {
  for (std::size_t z = 0; z < s.size(); ++z) {
    if (!std::isfinite(s[z]) || s[z] < 0.0) {
      throw std::invalid_argument("sigmas: entry " + std::to_string(z) +
                                  " must be finite and >= 0, got " + std::to_string(s[z]));
    }
  }
}

void check_nuisances(const double *eta, std::size_t n) {
  if (eta == nullptr) throw std::invalid_argument("nuisances: null pointer");
  for (std::size_t k = 0; k < n; ++k) {
    if (std::isnan(eta[k])) {
      throw std::invalid_argument("nuisances: NaN at index " + std::to_string(k));
    }
  }
}

/// Gaussian prior (eta/sigma)^2; sigma = 0 means eta is fixed at 0.
inline double prior(double eta, double sigma) {
  if (sigma > 0.0) return (eta / sigma) * (eta / sigma);
  return eta == 0.0 ? 0.0 : kInf;
}

/// In-place Cholesky factor L (lower triangle of a) of the symmetric positive-definite
/// N x N matrix A (only its lower triangle is read). Returns false if A is not
/// positive definite.
template <std::size_t N>
bool cholesky_factor(std::array<std::array<double, N>, N> &a, std::size_t n = N) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j][j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j][k] * a[j][k];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    a[j][j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i][j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i][k] * a[j][k];
      a[i][j] = s / d;
    }
  }
  return true;
}

/// Solves L L^T x = b in place (b becomes x) with the factor of cholesky_factor.
template <std::size_t N>
void cholesky_substitute(const std::array<std::array<double, N>, N> &a, std::array<double, N> &b,
                         std::size_t n = N) {
  for (std::size_t i = 0; i < n; ++i) {  // L y = b
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= a[i][k] * b[k];
    b[i] = s / a[i][i];
  }
  for (std::size_t i = n; i-- > 0;) {  // L^T x = y
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[k][i] * b[k];
    b[i] = s / a[i][i];
  }
}

/// In-place Cholesky solve of the symmetric positive-definite N x N system
/// A x = b (only the lower triangle of A is read; a becomes its factor). Returns
/// false if A is not positive definite.
template <std::size_t N>
bool cholesky_solve(std::array<std::array<double, N>, N> &a, std::array<double, N> &b,
                    std::size_t n = N) {
  if (!cholesky_factor(a, n)) return false;
  cholesky_substitute(a, b, n);
  return true;
}

}  // namespace

void BinnedChi2::profile_many(const double *cevns, std::size_t n_points, double *chi2_out,
                              double *nuisances_out, int n_threads) const {
  if (n_points == 0) return;
  if (chi2_out == nullptr) throw std::invalid_argument("chi2_out: null pointer");
  const std::size_t n = n_bins(), nn = nuisance_count();
  for (std::size_t p = 0; p < n_points; ++p) check_prediction(cevns + p * n, n, "cevns");
  detail::parallel_for(
      static_cast<long long>(n_points), n_threads, "",
      [&](long long p) {
        const ProfileResult r = profile(cevns + static_cast<std::size_t>(p) * n);
        chi2_out[p] = r.chi2;
        if (nuisances_out != nullptr)
          std::copy(r.nuisances.begin(), r.nuisances.end(),
                    nuisances_out + static_cast<std::size_t>(p) * nn);
      },
      16);
}

std::vector<NamedComponent> BinnedChi2::components(const double *cevns,
                                                   const double *nuisances) const {
  std::vector<double> total(n_bins());
  expected(cevns, nuisances, total.data());
  return {{"total", std::move(total)}};
}

void BinnedChi2::auxiliary_expected(const double *cevns, const double *nuisances,
                                    double *out) const {
  (void)cevns;
  (void)nuisances;
  (void)out;  // no auxiliary measurement: nothing to write
}

std::vector<double> BinnedChi2::constraint_widths() const {
  return std::vector<double>(nuisance_count(), 1.0);
}

// ===========================================================================
// ArChi2, eq. (7)-(9)
// ===========================================================================

ArChi2::ArChi2(std::vector<double> observed, std::vector<double> ss, std::vector<double> prompt_brn,
               std::vector<double> delayed_brn,
               std::array<std::vector<double>, n_cevns_shapes> cevns_shape,
               std::array<std::vector<double>, n_brn_shapes> brn_shape,
               std::array<double, 4> sigmas)
    : n_(observed.size()), sigmas_(sigmas) {
  if (n_ == 0) throw std::invalid_argument("observed: no bins");
  check_vector(observed, n_, "observed", true);
  check_vector(ss, n_, "ss", true);
  check_vector(prompt_brn, n_, "prompt_brn", true);
  check_vector(delayed_brn, n_, "delayed_brn", true);
  check_vector(cevns_shape[0], n_, "cevns_shape[0] (F90 energy dependence)", false);
  check_vector(cevns_shape[1], n_, "cevns_shape[1] (t_trig mean)", false);
  check_vector(brn_shape[0], n_, "brn_shape[0] (energy)", false);
  check_vector(brn_shape[1], n_, "brn_shape[1] (t_trig mean)", false);
  check_vector(brn_shape[2], n_, "brn_shape[2] (t_trig width)", false);
  check_sigmas(sigmas_);

  f1_ = std::move(cevns_shape[0]);
  f2_ = std::move(cevns_shape[1]);
  for (auto &col : bkg_) col.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    bkg_[1][i] = prompt_brn[i];
    bkg_[2][i] = delayed_brn[i];
    bkg_[3][i] = prompt_brn[i] * brn_shape[0][i];
    bkg_[4][i] = prompt_brn[i] * brn_shape[1][i];
    bkg_[5][i] = prompt_brn[i] * brn_shape[2][i];
  }
  set_data(observed.data(), ss.data());
}

void ArChi2::set_data(const double *observed, const double *ss) {
  w_.resize(n_);
  d_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    const double var = observed[i] + ss[i] / 5.0;  // eq. (8)
    // Empty bin (no observed, no SS events): sigma^2 := 1 event^2, so the bin
    // contributes 0 for a zero prediction and prediction^2 otherwise.
    w_[i] = var > 0.0 ? 1.0 / var : 1.0;
    d_[i] = observed[i] - (ss[i] + bkg_[1][i] + bkg_[2][i]);
    bkg_[0][i] = ss[i];
  }
  // Background-only blocks of A^T W A, A^T W d and d^T W d.
  for (auto &row : hbb_) row.fill(0.0);
  rhs_b_.fill(0.0);
  rr_b_ = 0.0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double w = w_[i];
    for (std::size_t a = 0; a < 6; ++a) {
      const double wa = w * bkg_[a][i];
      rhs_b_[a] += wa * d_[i];
      for (std::size_t b = 0; b <= a; ++b) hbb_[a][b] += wa * bkg_[b][i];
    }
    rr_b_ += w * d_[i] * d_[i];
  }
  // curve()'s moments are sums over the bins of these times the templates
  moment_cols_.assign(kMomentColumns * n_, 0.0);
  for (std::size_t i = 0; i < n_; ++i) {
    const double g[3] = {1.0, f1_[i], f2_[i]};
    std::size_t c = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const double wg = w_[i] * g[k];
      moment_cols_[c++ * n_ + i] = wg * d_[i];
      for (std::size_t b = 0; b < 6; ++b) moment_cols_[c++ * n_ + i] = wg * bkg_[b][i];
    }
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t l = 0; l <= k; ++l) moment_cols_[c++ * n_ + i] = w_[i] * g[k] * g[l];
  }
}

std::vector<std::string> ArChi2::nuisance_names() {
  return {"eta_cevns",          "eta_ss",
          "eta_prompt_brn",     "eta_delayed_brn",
          "eps_cevns_f90",      "eps_cevns_ttrig_mean",
          "eps_brn_energy",     "eps_brn_ttrig_mean",
          "eps_brn_ttrig_width"};
}

double ArChi2::chi2_at(const double *cevns, const double *eta) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  double chi2 = 0.0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double c = cevns[i];
    const double shift = (eta[0] + eta[4] * f1_[i] + eta[5] * f2_[i]) * c + eta[1] * bkg_[0][i] +
                         eta[2] * bkg_[1][i] + eta[3] * bkg_[2][i] + eta[6] * bkg_[3][i] +
                         eta[7] * bkg_[4][i] + eta[8] * bkg_[5][i];
    const double r = d_[i] - c - shift;
    chi2 += w_[i] * r * r;
  }
  for (std::size_t z = 0; z < 4; ++z) chi2 += prior(eta[z] - centres_[z], sigmas_[z]);
  for (std::size_t k = 4; k < n_nuisances; ++k)
    chi2 += (eta[k] - centres_[k]) * (eta[k] - centres_[k]);
  return chi2;
}

void ArChi2::expected(const double *cevns, const double *eta, double *out) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  if (out == nullptr) throw std::invalid_argument("out: null pointer");
  for (std::size_t i = 0; i < n_; ++i) {
    const double c = cevns[i];
    // N_exp - d_ = SS + PBRN + DBRN: the same design matrix as chi2_at
    out[i] = c * (1.0 + eta[0] + eta[4] * f1_[i] + eta[5] * f2_[i]) + (1.0 + eta[1]) * bkg_[0][i] +
             (1.0 + eta[2]) * bkg_[1][i] + (1.0 + eta[3]) * bkg_[2][i] + eta[6] * bkg_[3][i] +
             eta[7] * bkg_[4][i] + eta[8] * bkg_[5][i];
  }
}

std::vector<NamedComponent> ArChi2::components(const double *cevns, const double *eta) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  std::vector<double> c(n_), ss(n_), pbrn(n_), dbrn(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    c[i] = cevns[i] * (1.0 + eta[0] + eta[4] * f1_[i] + eta[5] * f2_[i]);
    ss[i] = (1.0 + eta[1]) * bkg_[0][i];
    pbrn[i] = (1.0 + eta[2]) * bkg_[1][i] + eta[6] * bkg_[3][i] + eta[7] * bkg_[4][i] +
              eta[8] * bkg_[5][i];
    dbrn[i] = (1.0 + eta[3]) * bkg_[2][i];
  }
  return {{"cevns", std::move(c)},
          {"ss", std::move(ss)},
          {"prompt_brn", std::move(pbrn)},
          {"delayed_brn", std::move(dbrn)}};
}

std::vector<AuxiliaryMeasurement> ArChi2::auxiliary_measurements() const {
  return {{"ss", "steady-state background estimate N_SS (variance N_SS / 5, eq. 8)", bkg_[0], 5.0}};
}

void ArChi2::auxiliary_expected(const double *cevns, const double *eta, double *out) const {
  (void)cevns;  // the SS estimate does not depend on the CEvNS prediction
  check_nuisances(eta, n_nuisances);
  if (out == nullptr) throw std::invalid_argument("out: null pointer");
  for (std::size_t i = 0; i < n_; ++i) out[i] = std::max((1.0 + eta[1]) * bkg_[0][i], 0.0);
}

std::vector<double> ArChi2::constraint_widths() const {
  std::vector<double> out(n_nuisances, 1.0);
  std::copy(sigmas_.begin(), sigmas_.end(), out.begin());
  return out;
}

std::unique_ptr<BinnedChi2> ArChi2::with_data(const double *observed, const double *ss,
                                              const double *centres) const {
  if (observed == nullptr || ss == nullptr || centres == nullptr)
    throw std::invalid_argument("with_data: null pointer");
  const std::vector<double> obs(observed, observed + n_), s(ss, ss + n_);
  check_vector(obs, n_, "observed", true);
  check_vector(s, n_, "ss", true);
  auto out = std::make_unique<ArChi2>(*this);
  out->set_data(observed, ss);
  for (std::size_t k = 0; k < n_nuisances; ++k) {
    if (!std::isfinite(centres[k]))
      throw std::invalid_argument("centres: non-finite value at index " + std::to_string(k));
    out->centres_[k] = (k < 4 && !(sigmas_[k] > 0.0)) ? 0.0 : centres[k];
  }
  return out;
}

double ArChi2::chi2_at(const std::vector<double> &cevns,
                       const std::vector<double> &nuisances) const {
  check_size(cevns.size(), n_, "cevns");
  check_size(nuisances.size(), n_nuisances, "nuisances");
  return chi2_at(cevns.data(), nuisances.data());
}

ProfileResult ArChi2::profile(const double *cevns) const {
  check_prediction(cevns, n_, "cevns");
  // Design-matrix columns: 0 = C, 1..3 = SS, PBRN, DBRN, 4 = C f1, 5 = C f2,
  // 6..8 = PBRN g1..g3. The background columns' blocks are precomputed; here
  // only the sums involving the CEvNS prediction C are accumulated.
  CevnsSums m;
  for (std::size_t i = 0; i < n_; ++i) {
    const double c = cevns[i];
    if (c == 0.0) continue;
    const double wc = w_[i] * c;
    const double g[3] = {1.0, f1_[i], f2_[i]};
    for (std::size_t k = 0; k < 3; ++k) {
      const double wcg = wc * g[k];
      m.cd[k] += wcg * d_[i];
      for (std::size_t l = 0; l <= k; ++l) m.hcc[k][l] += wcg * c * g[l];
      for (std::size_t b = 0; b < 6; ++b) m.hcb[k][b] += wcg * bkg_[b][i];
    }
  }
  return solve(m, cevns);
}

/// Column index of the nuisance multiplying CEvNS-like column k (C, C f1, C f2)
/// and background column m (SS, PBRN, DBRN, PBRN g1..g3).
constexpr std::size_t kArCevnsIdx[3] = {0, 4, 5};
constexpr std::size_t kArBkgIdx[6] = {1, 2, 3, 6, 7, 8};

using ArMatrix = std::array<std::array<double, ArChi2::n_nuisances>, ArChi2::n_nuisances>;
using ArVector = std::array<double, ArChi2::n_nuisances>;

/// The entries of the normal equations that involve the CEvNS prediction (lower
/// triangle of h, and b) placed from the sums m.
void place_cevns_sums(const ArChi2::CevnsSums &m, ArMatrix &h, ArVector &b) {
  for (std::size_t k = 0; k < 3; ++k) {
    for (std::size_t l = 0; l <= k; ++l) {
      h[std::max(kArCevnsIdx[k], kArCevnsIdx[l])][std::min(kArCevnsIdx[k], kArCevnsIdx[l])] =
          m.hcc[k][l];
    }
    for (std::size_t a = 0; a < 6; ++a) {
      h[std::max(kArCevnsIdx[k], kArBkgIdx[a])][std::min(kArCevnsIdx[k], kArBkgIdx[a])] =
          m.hcb[k][a];
    }
    // b_k = sum w a_k d: the CEvNS scale a0 = 1 + eta_0 is solved for
    // directly (not eta_0), so that a0 -> 0 for a huge prediction keeps its
    // relative precision instead of being lost in 1 + eta_0.
    b[kArCevnsIdx[k]] = m.cd[k];
  }
}

/// theta^T h theta (h symmetric, its lower triangle given).
double quad_form(const ArMatrix &h, const ArVector &t) {
  double q = 0.0;
  for (std::size_t k = 0; k < ArChi2::n_nuisances; ++k) {
    q += t[k] * t[k] * h[k][k];
    for (std::size_t l = 0; l < k; ++l) q += 2.0 * t[k] * t[l] * h[k][l];
  }
  return q;
}

ProfileResult ArChi2::solve(const CevnsSums &m, const double *cevns) const {
  return solve_impl(m, cevns, nullptr, nullptr, nullptr);
}

ProfileResult ArChi2::solve(const CevnsSums &m, const CevnsSums &d1, const CevnsSums &d2,
                            double slope[2]) const {
  return solve_impl(m, nullptr, &d1, &d2, slope);
}

ProfileResult ArChi2::solve_impl(const CevnsSums &m, const double *cevns, const CevnsSums *d1,
                                 const CevnsSums *d2, double *slope) const {
  ArMatrix h{};
  ArVector b{};
  place_cevns_sums(m, h, b);
  for (std::size_t a = 0; a < 6; ++a) {
    for (std::size_t c = 0; c <= a; ++c) h[kArBkgIdx[a]][kArBkgIdx[c]] = hbb_[a][c];
    b[kArBkgIdx[a]] = rhs_b_[a];
  }
  // without cevns: chi2 = d^T W d - 2 theta^T A^T W d + theta^T A^T W A theta, from
  // the normal equations before the priors (lower triangles)
  const std::array<std::array<double, n_nuisances>, n_nuisances> ata = h;
  const std::array<double, n_nuisances> atd = b;

  // priors: (a0 - 1)^2/sigma_0^2 and (eta_z/sigma_z)^2; sigma = 0 fixes the
  // variable (a0 at 1, eta_z at 0), moved to the right-hand side.
  for (std::size_t z = 0; z < 4; ++z) {
    // prior centre of a0 = 1 + eta_0 is 1 + c_0; of eta_z, c_z (0 for the data)
    const double centre = (z == 0 ? 1.0 : 0.0) + centres_[z];
    if (sigmas_[z] > 0.0) {
      const double iv = 1.0 / (sigmas_[z] * sigmas_[z]);
      h[z][z] += iv;
      b[z] += iv * centre;
    } else {
      for (std::size_t j = 0; j < n_nuisances; ++j) {
        if (j != z) b[j] -= h[std::max(j, z)][std::min(j, z)] * centre;
        h[z][j] = 0.0;
        h[j][z] = 0.0;
      }
      h[z][z] = 1.0;
      b[z] = centre;
    }
  }
  for (std::size_t k = 4; k < n_nuisances; ++k) {
    h[k][k] += 1.0;
    b[k] += centres_[k];
  }

  // Jacobi scaling: a huge CEvNS prediction (a large coupling) makes the
  // columns differ by many orders of magnitude; scaled, the system stays
  // well conditioned.
  std::array<double, n_nuisances> scale{};
  for (std::size_t k = 0; k < n_nuisances; ++k)
    scale[k] = h[k][k] > 0.0 ? 1.0 / std::sqrt(h[k][k]) : 1.0;
  for (std::size_t k = 0; k < n_nuisances; ++k) {
    for (std::size_t l = 0; l <= k; ++l) h[k][l] *= scale[k] * scale[l];
    b[k] *= scale[k];
  }
  ProfileResult res;
  res.n_eval = 1;
  res.converged = cholesky_solve<n_nuisances>(h, b);  // h: its factor (the slope's solve)
  for (std::size_t k = 0; k < n_nuisances; ++k) b[k] *= scale[k];
  if (!res.converged) {  // cannot happen with the unit/σ priors, kept as a guard
    b.fill(0.0);
    b[0] = 1.0;
  }
  double chi2 = 0.0;
  if (cevns != nullptr) {
    // chi2 from the residuals themselves, not from the expansion
    // rr - theta^T b, which cancels catastrophically for large predictions.
    for (std::size_t i = 0; i < n_; ++i) {
      const double c = cevns[i];
      double r = d_[i] - c * (b[0] + b[4] * f1_[i] + b[5] * f2_[i]);
      for (std::size_t a = 0; a < 6; ++a) r -= b[kArBkgIdx[a]] * bkg_[a][i];
      chi2 += w_[i] * r * r;
    }
  } else {
    // the expansion (a coupling curve: no prediction per bin); its round-off is
    // ~1e-16 of d^T W d and of the prediction's own terms
    double quad = 0.0, lin = 0.0;
    for (std::size_t k = 0; k < n_nuisances; ++k) {
      lin += b[k] * atd[k];
      quad += b[k] * b[k] * ata[k][k];
      for (std::size_t l = 0; l < k; ++l) quad += 2.0 * b[k] * b[l] * ata[k][l];
    }
    chi2 = std::max(rr_b_ - 2.0 * lin + quad, 0.0);
  }
  const double eta0 = b[0] - 1.0;
  if (sigmas_[0] > 0.0) {
    const double u = (eta0 - centres_[0]) / sigmas_[0];
    chi2 += u * u;
  }
  for (std::size_t z = 1; z < 4; ++z) {
    if (sigmas_[z] > 0.0) {
      const double u = (b[z] - centres_[z]) / sigmas_[z];
      chi2 += u * u;
    }
  }
  for (std::size_t k = 4; k < n_nuisances; ++k) chi2 += (b[k] - centres_[k]) * (b[k] - centres_[k]);
  res.chi2 = chi2;
  res.nuisances.assign(b.begin(), b.end());
  res.nuisances[0] = eta0;
  if (slope != nullptr) {
    // chi2 = min over theta of Q = rr - 2 theta^T beta(x) + theta^T H(x) theta + priors:
    // Q_x = theta^T (H' theta - 2 beta'), Q_theta,x = 2 v with v = H' theta - beta' (0
    // for the fixed nuisances), Q_theta,theta = 2 (H + priors), so that
    // d2 chi2 / dx2 = Q_xx - 2 v^T (H + priors)^-1 v
    slope[0] = slope[1] = kNaN;
    if (res.converged) {
      ArMatrix h1{}, h2{};
      ArVector b1{}, b2{};
      place_cevns_sums(*d1, h1, b1);
      place_cevns_sums(*d2, h2, b2);
      ArVector v{};
      double tb1 = 0.0, tb2 = 0.0;
      for (std::size_t k = 0; k < n_nuisances; ++k) {
        tb1 += b[k] * b1[k];
        tb2 += b[k] * b2[k];
        for (std::size_t l = 0; l < n_nuisances; ++l)
          v[k] += h1[std::max(k, l)][std::min(k, l)] * b[l];
        v[k] -= b1[k];
      }
      for (std::size_t z = 0; z < 4; ++z)
        if (!(sigmas_[z] > 0.0)) v[z] = 0.0;
      ArVector y{};
      for (std::size_t k = 0; k < n_nuisances; ++k) y[k] = v[k] * scale[k];
      cholesky_substitute<n_nuisances>(h, y);
      double vhv = 0.0;
      for (std::size_t k = 0; k < n_nuisances; ++k) vhv += v[k] * scale[k] * y[k];
      slope[0] = quad_form(h1, b) - 2.0 * tb1;
      slope[1] = quad_form(h2, b) - 2.0 * tb2 - 2.0 * vhv;
    }
  }
  return res;
}

namespace {

/// The prediction N0 + g^2 N1 + g^4 N2 into pred (its size: the bins; a sum of
/// squares, negatives are round-off, counted as 0) and, where d1 and d2 are given,
/// its first and second derivatives in g (0 where clamped).
void fill_prediction(double g, const double *n0, const double *n1, const double *n2,
                     std::vector<double> &pred, std::vector<double> *d1, std::vector<double> *d2) {
  const double g2 = g * g, g4 = g2 * g2;
  if (d1 != nullptr) {
    d1->resize(pred.size());
    d2->resize(pred.size());
  }
  for (std::size_t i = 0; i < pred.size(); ++i) {
    const double v = n0[i] + g2 * n1[i] + g4 * n2[i];
    pred[i] = v > 0.0 ? v : 0.0;
    if (d1 != nullptr) {
      (*d1)[i] = v > 0.0 ? 2.0 * g * n1[i] + 4.0 * g * g2 * n2[i] : 0.0;
      (*d2)[i] = v > 0.0 ? 2.0 * n1[i] + 12.0 * g2 * n2[i] : 0.0;
    }
  }
}

/// The profiled chi2 of a prediction N0 + g^2 N1 + g^4 N2, computed at each g and
/// profiled by `profile` (BinnedChi2::curve's default: profile_from).
class PredictionCurve final : public CouplingCurve {
 public:
  using Profile = std::function<ProfileResult(const double *cevns, const double *start)>;
  PredictionCurve(std::size_t n_bins, const double *n0, const double *n1, const double *n2,
                  Profile profile)
      : n0_(n0), n1_(n1), n2_(n2), pred_(n_bins), profile_(std::move(profile)) {}
  ProfileResult at(double g, const double *start) const override {
    fill_prediction(g, n0_, n1_, n2_, pred_, nullptr, nullptr);
    return profile_(pred_.data(), start);
  }

 private:
  const double *n0_, *n1_, *n2_;
  mutable std::vector<double> pred_;
  Profile profile_;
};

/// \throws std::invalid_argument unless the three templates are given
void check_templates_given(const double *n0, const double *n1, const double *n2) {
  if (n0 == nullptr || n1 == nullptr || n2 == nullptr)
    throw std::invalid_argument("curve: null template");
}

}  // namespace

std::unique_ptr<CouplingCurve> BinnedChi2::curve(const double *n0, const double *n1,
                                                 const double *n2) const {
  check_templates_given(n0, n1, n2);
  return std::make_unique<PredictionCurve>(
      n_bins(), n0, n1, n2,
      [this](const double *cevns, const double *start) { return profile_from(cevns, start); });
}

namespace {

/// Eq. (7) along g from polynomial moments: with C = N0 + x N1 + x^2 N2 (x = g^2)
/// every sum of ArChi2::profile is a polynomial in x whose coefficients are sums
/// over the bins computed once, so each coupling costs the 9 x 9 solve only.
class ArCurve final : public CouplingCurve {
 public:
  ArCurve(const ArChi2 &c, ArChi2::CevnsSums (&moments)[5]) : c_(c) {
    for (int p = 0; p < 5; ++p) m_[p] = moments[p];
  }
  ProfileResult at(double g, const double *start) const override {
    (void)start;
    return c_.solve(sums(g * g, 0), nullptr);
  }
  ProfileResult at_slope(double g, const double *start, double slope[2]) const override {
    (void)start;
    const double x = g * g;
    double sx[2];
    ProfileResult r = c_.solve(sums(x, 0), sums(x, 1), sums(x, 2), sx);
    // u = ln g, x = e^(2u): d/du = 2x d/dx
    slope[0] = 2.0 * x * sx[0];
    slope[1] = 4.0 * x * sx[0] + 4.0 * x * x * sx[1];
    if (!(g > 0.0) || !std::isfinite(r.chi2)) slope[0] = slope[1] = kNaN;
    return r;
  }

 private:
  /// The sums at x, or their derivative of order `deriv` (0..2) in x (Horner).
  ArChi2::CevnsSums sums(double x, int deriv) const {
    // coefficient of x^(p - deriv) in the derivative: m_p p! / (p - deriv)!
    const auto c = [deriv](int p) { return deriv == 0 ? 1.0 : deriv == 1 ? p : p * (p - 1.0); };
    ArChi2::CevnsSums s{};
    for (int p = 4; p >= deriv; --p) {
      const double f = c(p);
      for (std::size_t k = 0; k < 3; ++k) {
        s.cd[k] = s.cd[k] * x + f * m_[p].cd[k];
        for (std::size_t l = 0; l <= k; ++l) s.hcc[k][l] = s.hcc[k][l] * x + f * m_[p].hcc[k][l];
        for (std::size_t b = 0; b < 6; ++b) s.hcb[k][b] = s.hcb[k][b] * x + f * m_[p].hcb[k][b];
      }
    }
    return s;
  }

  const ArChi2 &c_;
  ArChi2::CevnsSums m_[5];  // coefficient of x^p
};

}  // namespace

namespace {

/// Eq. (6) along g: profile_along at each coupling's prediction (the last Newton
/// step's chi2 predicted rather than evaluated: one evaluation fewer per coupling),
/// with the derivatives in ln g where asked.
class CsiCurve final : public CouplingCurve {
 public:
  CsiCurve(const CsiChi2 &c, const double *n0, const double *n1, const double *n2)
      : c_(c), n0_(n0), n1_(n1), n2_(n2), pred_(c.n_bins()) {
    for (std::size_t i = 0; i < pred_.size(); ++i) {
      sum_[0] += n0[i];
      sum_[1] += n1[i];
      sum_[2] += n2[i];
    }
  }
  /// The CEvNS scale s_0 = 1 + eta_0 carried as the fitted CEvNS events over the SM's,
  /// s_0 C(g) / C(0) (minus 1), with C(g) = sum N0 + g^2 sum N1 + g^4 sum N2: where the
  /// prediction is far above the data s_0 falls as g^-4 and the fitted events stay put.
  void carry(double g, double *nuisances) const override {
    const double r = total(g) / sum_[0];
    if (std::isfinite(r) && r > 0.0) nuisances[0] = (1.0 + nuisances[0]) * r - 1.0;
  }
  void land(double g, double *nuisances) const override {
    const double r = total(g) / sum_[0];
    if (std::isfinite(r) && r > 0.0) nuisances[0] = (1.0 + nuisances[0]) / r - 1.0;
  }
  /// The share of the predicted CEvNS events beyond the SM's, 1 - C(0) / C(g): the
  /// profiled nuisances follow the prediction's shape, which moves from the SM's to the
  /// mediator's as this share goes from 0 to 1 (~1.13x fewer evaluations per toy than
  /// extrapolating in ln g, which overshoots where the shape saturates).
  double sweep_coordinate(double g) const override { return 1.0 - sum_[0] / total(g); }
  /// A warm start (start given) also starts the measured model's SS rates from those
  /// of this curve's last warm-started profile (a neighbouring coupling's).
  ProfileResult at(double g, const double *start) const override {
    return at_above(g, start, kInf, nullptr);
  }
  ProfileResult at_slope(double g, const double *start, double slope[2]) const override {
    return at_above(g, start, kInf, slope);
  }
  /// The profile stops once it proves chi2 above `floor` (CsiChi2::profile_along).
  ProfileResult at_above(double g, const double *start, double floor,
                         double *slope) const override {
    if (slope == nullptr) {
      fill_prediction(g, n0_, n1_, n2_, pred_, nullptr, nullptr);
      if (start == nullptr && !(floor < kInf)) return c_.profile_along(pred_.data(), start);
      return c_.profile_along(pred_.data(), start, rates_, nullptr, nullptr, nullptr, floor);
    }
    fill_prediction(g, n0_, n1_, n2_, pred_, &d1_, &d2_);
    double sg[2];
    ProfileResult r =
        start == nullptr && !(floor < kInf)
            ? c_.profile_along(pred_.data(), start, d1_.data(), d2_.data(), sg)
            : c_.profile_along(pred_.data(), start, rates_, d1_.data(), d2_.data(), sg, floor);
    // u = ln g: d/du = g d/dg
    slope[0] = g * sg[0];
    slope[1] = g * g * sg[1] + g * sg[0];
    for (double &v : r.nuisance_slope) v *= g;
    if (!(g > 0.0)) {
      slope[0] = slope[1] = kNaN;
      r.nuisance_slope.clear();
    }
    return r;
  }

 private:
  /// C(g): the predicted total without the clamp at 0 (for the carried start only).
  double total(double g) const {
    const double x = g * g;
    return sum_[0] + x * (sum_[1] + x * sum_[2]);
  }

  const CsiChi2 &c_;
  const double *n0_, *n1_, *n2_;
  double sum_[3] = {0.0, 0.0, 0.0};
  mutable std::vector<double> pred_, d1_, d2_;
  mutable std::vector<double> rates_;  // SS rates of the last warm-started profile
};

}  // namespace

std::unique_ptr<CouplingCurve> CsiChi2::curve(const double *n0, const double *n1,
                                              const double *n2) const {
  check_templates_given(n0, n1, n2);
  return std::make_unique<CsiCurve>(*this, n0, n1, n2);
}

ProfileResult CsiChi2::profile_along(const double *cevns, const double *start) const {
  return profile_impl(cevns, start, true);
}

std::unique_ptr<CouplingCurve> ArChi2::curve(const double *n0, const double *n1,
                                             const double *n2) const {
  check_templates_given(n0, n1, n2);
  check_prediction(n0, n_, "n0");
  const double *t[3] = {n0, n1, n2};
  for (int p = 1; p < 3; ++p)
    for (std::size_t i = 0; i < n_; ++i)
      if (!std::isfinite(t[p][i]))
        throw std::invalid_argument("curve: non-finite template entry at bin " + std::to_string(i));
  CevnsSums m[5];  // coefficient of x^p: C^2 has p = 0..4, C alone p = 0..2
  // sums over the bins of the data's factors (moment_cols_) times the templates
  // (C = n0 + x n1 + x^2 n2), resp. times the five coefficients of C^2, by pairs of bins
  const std::size_t n = n_;
  // the 21 columns w g_k d, w g_k bkg_0..5 (k = 0..2), three at a time: sums[c][p]
  constexpr std::size_t kLinear = 21, kGroup = 3;
  double sums[kLinear][3];
  for (std::size_t c0 = 0; c0 < kLinear; c0 += kGroup) {
    const double *v[kGroup];
    for (std::size_t e = 0; e < kGroup; ++e) v[e] = &moment_cols_[(c0 + e) * n];
    Lanes2 s[kGroup][3] = {};
    for_pairs(n, [&](std::size_t j, bool pair) {
      const Lanes2 tj[3] = {load_lanes(n0 + j, pair), load_lanes(n1 + j, pair),
                            load_lanes(n2 + j, pair)};
      for (std::size_t e = 0; e < kGroup; ++e) {
        const Lanes2 vj = load_lanes(v[e] + j, pair);
        for (int p = 0; p < 3; ++p) s[e][p] += tj[p] * vj;
      }
    });
    for (std::size_t e = 0; e < kGroup; ++e)
      for (int p = 0; p < 3; ++p) sums[c0 + e][p] = s[e][p][0] + s[e][p][1];
  }
  for (std::size_t k = 0; k < 3; ++k)
    for (int p = 0; p < 3; ++p) {
      m[p].cd[k] = sums[7 * k][p];
      for (std::size_t b = 0; b < 6; ++b) m[p].hcb[k][b] = sums[7 * k + 1 + b][p];
    }
  // the 6 columns w g_k g_l (l <= k) against C^2 = sum_r x^r c_r, c_r = sum_(p+q=r) n_p n_q
  std::size_t c = kLinear;
  for (std::size_t k = 0; k < 3; ++k) {
    for (std::size_t l = 0; l <= k; ++l, ++c) {
      const double *v = &moment_cols_[c * n];
      Lanes2 s[5] = {};
      for_pairs(n, [&](std::size_t j, bool pair) {
        const Lanes2 a = load_lanes(n0 + j, pair), b = load_lanes(n1 + j, pair),
                     e = load_lanes(n2 + j, pair), vj = load_lanes(v + j, pair);
        const Lanes2 cr[5] = {a * a, 2.0 * a * b, b * b + 2.0 * a * e, 2.0 * b * e, e * e};
        for (int r = 0; r < 5; ++r) s[r] += cr[r] * vj;
      });
      for (int r = 0; r < 5; ++r) m[r].hcc[k][l] = s[r][0] + s[r][1];
    }
  }
  return std::make_unique<ArCurve>(*this, m);
}

ProfileResult ArChi2::profile(const std::vector<double> &cevns) const {
  check_size(cevns.size(), n_, "cevns");
  return profile(cevns.data());
}

// ===========================================================================
// CsiChi2, eq. (6)
// ===========================================================================

namespace {

/// Baker-Cousins chi2 of eq. (6) without the priors, as a function of the
/// component scales s_z = 1 + eta_z, with its gradient and (if hess !=
/// nullptr) its Hessian (the same in s and in eta). Returns +inf where an
/// expectation is not positive in a bin with observed events (or negative).
/// The profile works in s: for a huge CEvNS prediction the best s_0 is tiny,
/// and 1 + eta_0 would lose its relative precision.
double csi_data_term(std::size_t n, const double *obs, const double *const tmpl[4],
                     const double *scale, double *grad, double (*hess)[4], bool want_f = true) {
  double chi2 = 0.0;
  double g[4] = {0.0, 0.0, 0.0, 0.0};
  double h[4][4] = {};
  const double s0 = scale[0], s1 = scale[1], s2 = scale[2], s3 = scale[3];
  for (std::size_t i = 0; i < n; ++i) {
    const double t[4] = {tmpl[0][i], tmpl[1][i], tmpl[2][i], tmpl[3][i]};
    const double mu = s0 * t[0] + s1 * t[1] + s2 * t[2] + s3 * t[3];
    const double o = obs[i];
    if (o > 0.0) {
      if (!(mu > 0.0)) return kInf;
      const double r = o / mu;
      if (want_f) chi2 += mu - o + o * std::log(r);
      const double u = 1.0 - r;
      for (int z = 0; z < 4; ++z) g[z] += t[z] * u;
      if (hess != nullptr) {
        const double q = r / mu;
        for (int z = 0; z < 4; ++z) {
          const double tq = t[z] * q;
          for (int y = 0; y <= z; ++y) h[z][y] += tq * t[y];
        }
      }
    } else {
      if (mu < 0.0) return kInf;
      chi2 += mu;
      for (int z = 0; z < 4; ++z) g[z] += t[z];
    }
  }
  if (grad != nullptr) {
    for (int z = 0; z < 4; ++z) grad[z] = 2.0 * g[z];
  }
  if (hess != nullptr) {
    for (int z = 0; z < 4; ++z) {
      for (int y = 0; y <= z; ++y) hess[z][y] = hess[y][z] = 2.0 * h[z][y];
    }
  }
  return 2.0 * chi2;
}

/// The component scales s_z = 1 + eta_z of the public (eta) interface.
std::array<double, 4> scales(const double *eta) {
  return {1.0 + eta[0], 1.0 + eta[1], 1.0 + eta[2], 1.0 + eta[3]};
}

/// The measured SS model's data for csi_measured_term (see CsiSsModel).
struct MeasuredSs {
  std::size_t n_rows;
  std::size_t n_time;
  const double *w;       // time-bin fractions w_j (n_time, sum 1)
  const double *ac_row;  // AC counts per row M_i (n_rows)
  double r;              // AC exposure / C exposure
};

/// The profiled SS rates' first-order dependence on the scales at the last
/// evaluation (warm starts of the row solves within one profile).
struct RateTracker {
  std::vector<double> db_ds;  // n_rows x 3
  double s[3] = {0.0, 0.0, 0.0};
  bool valid = false;
};

/// Profiled SS rate of one energy row: the root b >= 0 of
///   F(b) = (1 + r) - sum_j n_j w_j / (a_j + b w_j) - M / b,
/// (half the derivative of the row's C + AC Poisson chi2 in b), with a_j the
/// row's other components. F is increasing and concave in b > 0, so the root
/// is unique, b = 0 when F(0+) >= 0, and Newton steps from the left never
/// overshoot; steps from the right that leave the bracket are replaced by a
/// geometric cut. b0 is a start (<= 0: from the AC counts).
double row_rate(const double *obs, const double *a, const double *w, std::size_t nt, double m,
                double r, double b0) {
  const double one_r = 1.0 + r;
  if (m == 0.0) {  // the boundary b = 0 is the minimum when F(0+) >= 0
    double f0 = one_r;
    for (std::size_t j = 0; j < nt; ++j) {
      if (obs[j] > 0.0) {
        if (!(a[j] > 0.0)) {
          f0 = -kInf;
          break;
        }
        f0 -= obs[j] * w[j] / a[j];
      }
    }
    if (f0 >= 0.0) return 0.0;
  }
  double lo = 0.0, hi = kInf;
  double b = b0 > 0.0 && std::isfinite(b0) ? b0 : (m > 0.0 ? m / r : 1.0);
  for (int it = 0; it < 200; ++it) {
    double f = one_r, fp = 0.0;
    if (m > 0.0) {
      f -= m / b;
      fp += m / (b * b);
    }
    // by pairs of bins (bins without counts add 0: their denominator is set to 1)
    Lanes2 fv = {}, fpv = {};
    const Lanes2 one = {1.0, 1.0};
    for_pairs(nt, [&](std::size_t j, bool pair) {
      const Lanes2 o = load_lanes(obs + j, pair), wj = load_lanes(w + j, pair);
      const Lanes2 inv = 1.0 / (o > 0.0 ? load_lanes(a + j, pair) + b * wj : one);
      const Lanes2 q = o * wj * inv;
      fv += q;
      fpv += q * wj * inv;
    });
    f -= fv[0] + fv[1];
    fp += fpv[0] + fpv[1];
    if (f == 0.0 || !(fp > 0.0)) return b;
    if (f < 0.0) {
      lo = b;
    } else {
      hi = b;
    }
    double nb = b - f / fp;
    // converged: after a step of relative size 1e-5 the quadratic convergence of
    // Newton leaves a relative error ~1e-10 in b (F is smooth and concave); chi2 is
    // stationary in b, so it moves by ~1e-20 of the row's AC counts
    if (std::abs(nb - b) <= 1e-5 * b && nb > lo && nb < hi) return nb;
    if (std::abs(nb - b) <= 1e-13 * b) return nb > 0.0 ? nb : b;
    if (!(nb > lo && nb < hi))
      nb = std::isfinite(hi) ? (lo > 0.0 ? 0.5 * (lo + hi) : 0.1 * hi) : 2.0 * b;
    b = nb;
  }
  return b;
}

/// The AC term of row i, r b - M + M ln(M / (r b)) (r b where M = 0), added to chi2 (M > 0:
/// only with want_f); false where M > 0 and b is not (chi2 is +inf).
inline bool add_ac_term(double m, double r, double b, bool want_f, double &chi2) {
  if (m > 0.0) {
    if (!(b > 0.0)) return false;
    if (want_f) chi2 += r * b - m + m * std::log(m / (r * b));
  } else {
    chi2 += r * b;
  }
  return true;
}

/// A pair of bins' Baker-Cousins terms (halved): mu - o into cv (counted bins: only with
/// want_f) and o ln(o / mu) into chi2 where o > 0 (with want_f); `bad` set where a bin
/// with counts has no positive expectation or one is negative (chi2 +inf). Returns
/// 1 / mu where counted, 1 elsewhere.
inline Lanes2 add_poisson_pair(Lanes2 o, Lanes2 mu, bool want_f, Lanes2 &cv, double &chi2,
                               bool &bad) {
  const Mask2 counted = o > 0.0;
  bad = bad || any_lane(counted ? ~(mu > 0.0) : mu < 0.0);
  const Lanes2 inv = 1.0 / (counted ? mu : Lanes2{1.0, 1.0});
  if (want_f) {
    cv += mu - o;
    const Lanes2 rr = o * inv;
    for (int e = 0; e < 2; ++e)
      if (o[e] > 0.0) chi2 += o[e] * std::log(rr[e]);
  } else {
    cv += counted ? Lanes2{} : mu;
  }
  return inv;
}

/// The measured SS model's chi2 without the priors at the scales s_0..s_2
/// (CEvNS, BRN, NIN; s_3 is unused): the C counts' Baker-Cousins chi2 with
/// mu_ij = sum_z s_z N_z,ij + b_i w_j plus the AC counts' 2 sum_i [r b_i - M_i
/// + M_i ln(M_i / (r b_i))], the rates b_i profiled exactly (row_rate; `b` is
/// the warm start in and the profiled rates out, n_rows values). The gradient
/// is that of the profiled chi2 (envelope theorem) and the Hessian its exact
/// one, the Schur complement H_ss - H_sb H_bb^-1 H_bs of the diagonal row
/// block; entries of the SS scale (index 3) are 0.
double csi_measured_term(const double *obs, const double *const tmpl[3], const MeasuredSs &ms,
                         const double *scale, double *b, double *grad, double (*hess)[4],
                         RateTracker *track = nullptr, bool want_f = true) {
  double chi2 = 0.0;
  // start each row's Newton from b_i moved to first order with the scales (the
  // root is unique: the start changes the iterations only)
  const bool predict = track != nullptr && track->valid;
  double ds[3] = {0.0, 0.0, 0.0};
  if (predict)
    for (int z = 0; z < 3; ++z) ds[z] = scale[z] - track->s[z];
  if (track != nullptr) track->valid = false;  // until every row is solved at `scale`
  double g[3] = {0.0, 0.0, 0.0};
  double h[3][3] = {};
  const std::size_t nt = ms.n_time;
  double a_small[64];
  std::vector<double> a_big(nt > 64 ? nt : 0);
  double *a = nt > 64 ? a_big.data() : a_small;
  for (std::size_t i = 0; i < ms.n_rows; ++i) {
    const std::size_t off = i * nt;
    for_pairs(nt, [&](std::size_t j, bool pair) {
      const std::size_t k = off + j;
      store_lanes(a + j,
                  scale[0] * load_lanes(tmpl[0] + k, pair) +
                      scale[1] * load_lanes(tmpl[1] + k, pair) +
                      scale[2] * load_lanes(tmpl[2] + k, pair),
                  pair);
    });
    const double m = ms.ac_row[i];
    double start = b[i];
    if (predict && start > 0.0) {
      const double *d = &track->db_ds[3 * i];
      const double moved = start + d[0] * ds[0] + d[1] * ds[1] + d[2] * ds[2];
      start = moved > 0.5 * start ? moved : 0.5 * start;
    }
    const double bi = row_rate(obs + off, a, ms.w, nt, m, ms.r, start);
    b[i] = bi;
    if (!add_ac_term(m, ms.r, bi, want_f, chi2)) return kInf;
    double hbb = m > 0.0 ? m / (bi * bi) : 0.0;
    double hsb[3] = {0.0, 0.0, 0.0};
    // by pairs of bins; a bin without counts has rr = q = 0 (its mu divided by 1): it
    // adds mu to chi2 and t_z to the gradient only. First u = 1 - rr and q = rr / mu per
    // pair, then the sums in two passes (few enough accumulators for the registers)
    {
      const std::size_t pairs = (nt + 1) / 2;
      Lanes2 uq[2][32];
      std::vector<Lanes2> big(pairs > 32 ? 2 * pairs : 0);
      Lanes2 *uv = pairs > 32 ? big.data() : uq[0];
      Lanes2 *qv = pairs > 32 ? big.data() + pairs : uq[1];
      Lanes2 cv = {};
      bool bad = false;
      for_pairs(nt, [&](std::size_t j, bool pair) {
        const std::size_t p = j / 2;
        const Lanes2 o = load_lanes(obs + off + j, pair);
        const Lanes2 mu = load_lanes(a + j, pair) + bi * load_lanes(ms.w + j, pair);
        const Lanes2 inv = add_poisson_pair(o, mu, want_f, cv, chi2, bad);
        const Lanes2 rr = o * inv;
        uv[p] = 1.0 - rr;
        qv[p] = rr * inv;
      });
      if (bad) return kInf;
      chi2 += cv[0] + cv[1];
      Lanes2 gv[3] = {}, hsbv[3] = {}, hbbv = {};
      for_pairs(nt, [&](std::size_t j, bool pair) {
        const std::size_t p = j / 2;
        const Lanes2 wj = load_lanes(ms.w + j, pair), wq = wj * qv[p];
        for (int z = 0; z < 3; ++z) {
          const Lanes2 t = load_lanes(tmpl[z] + off + j, pair);
          gv[z] += t * uv[p];
          hsbv[z] += t * wq;
        }
        hbbv += wj * wq;
      });
      Lanes2 hv[3][3] = {};
      for_pairs(nt, [&](std::size_t j, bool pair) {
        const std::size_t p = j / 2;
        const Lanes2 t[3] = {load_lanes(tmpl[0] + off + j, pair),
                             load_lanes(tmpl[1] + off + j, pair),
                             load_lanes(tmpl[2] + off + j, pair)};
        for (int z = 0; z < 3; ++z) {
          const Lanes2 tq = t[z] * qv[p];
          for (int y = 0; y <= z; ++y) hv[z][y] += tq * t[y];
        }
      });
      for (int z = 0; z < 3; ++z) {
        g[z] += gv[z][0] + gv[z][1];
        for (int y = 0; y <= z; ++y) h[z][y] += hv[z][y][0] + hv[z][y][1];
        hsb[z] += hsbv[z][0] + hsbv[z][1];
      }
      hbb += hbbv[0] + hbbv[1];
    }
    if (bi > 0.0 && hbb > 0.0) {  // b_i moves with the scales: Schur complement
      for (int z = 0; z < 3; ++z)
        for (int y = 0; y <= z; ++y) h[z][y] -= hsb[z] * hsb[y] / hbb;
    }
    if (track != nullptr)  // d b_i / d s_z = -H_bz / H_bb (0 on the boundary b_i = 0)
      for (int z = 0; z < 3; ++z)
        track->db_ds[3 * i + z] = bi > 0.0 && hbb > 0.0 ? -hsb[z] / hbb : 0.0;
  }
  if (track != nullptr) {
    for (int z = 0; z < 3; ++z) track->s[z] = scale[z];
    track->valid = true;
  }
  if (grad != nullptr) {
    for (int z = 0; z < 3; ++z) grad[z] = 2.0 * g[z];
    grad[3] = 0.0;
  }
  if (hess != nullptr) {
    for (int z = 0; z < 4; ++z)
      for (int y = 0; y < 4; ++y) hess[z][y] = 0.0;
    for (int z = 0; z < 3; ++z)
      for (int y = 0; y <= z; ++y) hess[z][y] = hess[y][z] = 2.0 * h[z][y];
  }
  return 2.0 * chi2;
}

/// csi_measured_term's chi2 at given rates b_i (no profile, no derivatives): the same
/// sums in the same order, so the same value where b holds the profiled rates.
double csi_measured_chi2(const double *obs, const double *const tmpl[3], const MeasuredSs &ms,
                         const double *scale, const double *b) {
  double chi2 = 0.0;
  const std::size_t nt = ms.n_time;
  for (std::size_t i = 0; i < ms.n_rows; ++i) {
    const double bi = b[i];
    if (!add_ac_term(ms.ac_row[i], ms.r, bi, true, chi2)) return kInf;
    Lanes2 cv = {};
    bool bad = false;
    for_pairs(nt, [&](std::size_t j, bool pair) {
      const std::size_t k = i * nt + j;
      const Lanes2 a = scale[0] * load_lanes(tmpl[0] + k, pair) +
                       scale[1] * load_lanes(tmpl[1] + k, pair) +
                       scale[2] * load_lanes(tmpl[2] + k, pair);
      add_poisson_pair(load_lanes(obs + k, pair), a + bi * load_lanes(ms.w + j, pair), true, cv,
                       chi2, bad);
    });
    if (bad) return kInf;
    chi2 += cv[0] + cv[1];
  }
  return 2.0 * chi2;
}

struct CsiProblem {
  std::size_t n;
  const double *obs;
  const double *tmpl[4];
  std::array<double, 4> sigmas;
  const double *centres;  // prior centres c_z of eta_z
  std::array<std::size_t, 4> free_idx;
  std::size_t n_free;
  int n_eval;
  const MeasuredSs *ms = nullptr;  // measured SS model (nullptr: paper)
  std::vector<double> rates{};     // measured: warm start / profiled b_i
  RateTracker track{};             // measured: how the b_i moved with the scales

  /// chi2 (with the priors (s_z - 1)^2 / sigma_z^2) at the full scale vector
  /// s; gradient/Hessian of the free scales if requested. want_f false: chi2 is
  /// not computed (no logarithms), NaN is returned where it is finite (+inf where it
  /// is not), the derivatives (and the measured model's rates) as always.
  double eval(const double *s, double *grad, double (*hess)[4], bool want_f = true) {
    ++n_eval;
    double g[4];
    double chi2 = ms != nullptr
                      ? csi_measured_term(obs, tmpl, *ms, s, rates.data(),
                                          grad != nullptr ? g : nullptr, hess, &track, want_f)
                      : csi_data_term(n, obs, tmpl, s, grad != nullptr ? g : nullptr, hess, want_f);
    if (!want_f && chi2 < kInf) chi2 = std::numeric_limits<double>::quiet_NaN();
    add_priors(s, chi2, grad != nullptr ? g : nullptr, hess);
    if (grad != nullptr) {
      for (std::size_t k = 0; k < n_free; ++k) grad[k] = g[free_idx[k]];
    }
    return chi2;
  }

  /// chi2 (with the priors) at s, the measured model's rates b given (those profiled
  /// there: an evaluation's), without derivatives.
  double chi2_at(const double *s, const std::vector<double> &b) const {
    double chi2 = ms != nullptr ? csi_measured_chi2(obs, tmpl, *ms, s, b.data())
                                : csi_data_term(n, obs, tmpl, s, nullptr, nullptr);
    add_priors(s, chi2, nullptr, nullptr);
    return chi2;
  }

  /// The priors (s_z - 1 - c_z)^2 / sigma_z^2 added to chi2, and their derivatives to
  /// g (all 4 scales) and hess where given.
  void add_priors(const double *s, double &chi2, double *g, double (*hess)[4]) const {
    for (std::size_t z = 0; z < 4; ++z) {
      if (sigmas[z] > 0.0) {
        const double iv = 1.0 / (sigmas[z] * sigmas[z]);
        const double eta = s[z] - 1.0 - centres[z];
        chi2 += eta * eta * iv;
        if (g != nullptr) g[z] += 2.0 * eta * iv;
        if (hess != nullptr) hess[z][z] += 2.0 * iv;
      }
    }
  }

  /// Full scale vector from the free ones (fixed nuisances: s = 1).
  void expand(const double *x, double *s) const {
    for (std::size_t z = 0; z < 4; ++z) s[z] = 1.0;
    for (std::size_t k = 0; k < n_free; ++k) s[free_idx[k]] = x[k];
  }
};

double csi_nlopt_objective(unsigned nx, const double *x, double *grad, void *data) {
  auto *p = static_cast<CsiProblem *>(data);
  double s[4];
  p->expand(x, s);
  (void)nx;
  const double f = p->eval(s, grad, nullptr);
  return std::isfinite(f) ? f : std::numeric_limits<double>::max();
}

/// A scale counts as sitting on its bound s = 0 when moving it there changes
/// chi2 by less than this (s * dchi2/ds) and the gradient pushes outwards.
constexpr double kBoundChi2 = 1e-10;

}  // namespace

CsiChi2::CsiChi2(std::vector<double> observed, std::vector<double> brn, std::vector<double> nin,
                 std::vector<double> ss, std::array<double, 4> sigmas, CsiSsModel ss_model)
    : n_(observed.size()), sigmas_(sigmas), model_(std::move(ss_model)) {
  if (n_ == 0) throw std::invalid_argument("observed: no bins");
  check_vector(observed, n_, "observed", true);
  check_vector(brn, n_, "brn", true);
  check_vector(nin, n_, "nin", true);
  check_vector(ss, n_, "ss", true);
  check_sigmas(sigmas_);
  obs_ = std::move(observed);
  brn_ = std::move(brn);
  nin_ = std::move(nin);
  ss_ = std::move(ss);
  for (double o : obs_) {
    obs_sum_ += o;
    if (o > 0.0) nlnn_sum_ += o * std::log(o);
  }
  if (model_.kind == CsiSsModel::Kind::measured) {
    n_time_ = model_.time_widths.size();
    if (n_time_ == 0 || n_ % n_time_ != 0)
      throw std::invalid_argument("ss_model: " + std::to_string(n_time_) +
                                  " time-bin widths do not divide the " + std::to_string(n_) +
                                  " bins into energy rows");
    double total = 0.0;
    for (double v : model_.time_widths) {
      if (!std::isfinite(v) || !(v > 0.0))
        throw std::invalid_argument("ss_model: time-bin widths must be finite and > 0");
      total += v;
    }
    if (!std::isfinite(model_.ac_exposure) || !(model_.ac_exposure > 0.0))
      throw std::invalid_argument("ss_model: the AC exposure must be finite and > 0");
    w_.resize(n_time_);
    for (std::size_t j = 0; j < n_time_; ++j) w_[j] = model_.time_widths[j] / total;
    ac_row_.assign(n_ / n_time_, 0.0);
    for (std::size_t k = 0; k < n_; ++k) ac_row_[k / n_time_] += ss_[k];
    sigmas_[3] = 0.0;  // the AC counts constrain the SS themselves
  }
}

/// Profiled SS rates b_i at the scales of eta (measured model), and the
/// b-profiled chi2 without the priors.
double CsiChi2::measured_rates(const double *cevns, const double *eta,
                               std::vector<double> &rates) const {
  const MeasuredSs ms{ac_row_.size(), n_time_, w_.data(), ac_row_.data(), model_.ac_exposure};
  const double *tmpl[3] = {cevns, brn_.data(), nin_.data()};
  const std::array<double, 4> scale = scales(eta);
  rates.assign(ac_row_.size(), -1.0);
  return csi_measured_term(obs_.data(), tmpl, ms, scale.data(), rates.data(), nullptr, nullptr);
}

std::vector<std::string> CsiChi2::nuisance_names() {
  return {"eta_cevns", "eta_brn", "eta_nin", "eta_ss"};
}

double CsiChi2::chi2_at(const double *cevns, const double *eta) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  const double *tmpl[4] = {cevns, brn_.data(), nin_.data(), ss_.data()};
  const std::array<double, 4> scale = scales(eta);
  const bool measured = model_.kind == CsiSsModel::Kind::measured;
  std::vector<double> rates;
  double chi2 = measured ? measured_rates(cevns, eta, rates)
                         : csi_data_term(n_, obs_.data(), tmpl, scale.data(), nullptr, nullptr);
  for (std::size_t z = 0; z < (measured ? 3u : 4u); ++z)
    chi2 += prior(eta[z] - centres_[z], sigmas_[z]);
  return chi2;
}

void CsiChi2::expected(const double *cevns, const double *eta, double *out) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  if (out == nullptr) throw std::invalid_argument("out: null pointer");
  const std::array<double, 4> s = scales(eta);
  if (model_.kind == CsiSsModel::Kind::measured) {
    std::vector<double> rates;
    measured_rates(cevns, eta, rates);
    for (std::size_t i = 0; i < n_; ++i)
      out[i] =
          s[0] * cevns[i] + s[1] * brn_[i] + s[2] * nin_[i] + rates[i / n_time_] * w_[i % n_time_];
    return;
  }
  for (std::size_t i = 0; i < n_; ++i)
    out[i] = s[0] * cevns[i] + s[1] * brn_[i] + s[2] * nin_[i] + s[3] * ss_[i];
}

void CsiChi2::auxiliary_expected(const double *cevns, const double *eta, double *out) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  if (out == nullptr) throw std::invalid_argument("out: null pointer");
  if (model_.kind == CsiSsModel::Kind::measured) {
    std::vector<double> rates;
    measured_rates(cevns, eta, rates);
    for (std::size_t i = 0; i < n_; ++i)
      out[i] = model_.ac_exposure * rates[i / n_time_] * w_[i % n_time_];
    return;
  }
  for (std::size_t i = 0; i < n_; ++i) out[i] = std::max((1.0 + eta[3]) * ss_[i], 0.0);
}

std::vector<double> CsiChi2::ss_rates(const double *cevns, const double *eta) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  std::vector<double> rates;
  if (model_.kind == CsiSsModel::Kind::measured) measured_rates(cevns, eta, rates);
  return rates;
}

std::vector<NamedComponent> CsiChi2::components(const double *cevns, const double *eta) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  const std::array<double, 4> s = scales(eta);
  std::vector<double> c(n_), brn(n_), nin(n_), ss(n_), rates;
  const bool measured = model_.kind == CsiSsModel::Kind::measured;
  if (measured) measured_rates(cevns, eta, rates);  // the SS rates profiled at eta
  for (std::size_t i = 0; i < n_; ++i) {
    c[i] = s[0] * cevns[i];
    brn[i] = s[1] * brn_[i];
    nin[i] = s[2] * nin_[i];
    ss[i] = measured ? rates[i / n_time_] * w_[i % n_time_] : s[3] * ss_[i];
  }
  return {{"cevns", std::move(c)},
          {"brn", std::move(brn)},
          {"nin", std::move(nin)},
          {"ss", std::move(ss)}};
}

std::vector<AuxiliaryMeasurement> CsiChi2::auxiliary_measurements() const {
  // measured: the AC counts themselves (their mean r b_i w_j includes the AC/C exposure r)
  return {
      {"ss", "steady-state background: the beam-off (anti-coincidence) window, counted", ss_, 1.0}};
}

std::vector<double> CsiChi2::constraint_widths() const {
  return std::vector<double>(sigmas_.begin(), sigmas_.end());
}

std::unique_ptr<BinnedChi2> CsiChi2::with_data(const double *observed, const double *ss,
                                               const double *centres) const {
  if (observed == nullptr || ss == nullptr || centres == nullptr)
    throw std::invalid_argument("with_data: null pointer");
  auto out = std::make_unique<CsiChi2>(std::vector<double>(observed, observed + n_), brn_, nin_,
                                       std::vector<double>(ss, ss + n_), sigmas_, model_);
  for (std::size_t k = 0; k < n_nuisances; ++k) {
    if (!std::isfinite(centres[k]))
      throw std::invalid_argument("centres: non-finite value at index " + std::to_string(k));
    out->centres_[k] = sigmas_[k] > 0.0 ? centres[k] : 0.0;
  }
  return out;
}

double CsiChi2::chi2_at(const std::vector<double> &cevns,
                        const std::vector<double> &nuisances) const {
  check_size(cevns.size(), n_, "cevns");
  check_size(nuisances.size(), n_nuisances, "nuisances");
  return chi2_at(cevns.data(), nuisances.data());
}

double CsiChi2::gradient(const double *cevns, const double *eta, double *grad) const {
  check_prediction(cevns, n_, "cevns");
  check_nuisances(eta, n_nuisances);
  if (grad == nullptr) throw std::invalid_argument("grad: null pointer");
  const double *tmpl[4] = {cevns, brn_.data(), nin_.data(), ss_.data()};
  const std::array<double, 4> scale = scales(eta);
  double chi2;
  if (model_.kind == CsiSsModel::Kind::measured) {
    const MeasuredSs ms{ac_row_.size(), n_time_, w_.data(), ac_row_.data(), model_.ac_exposure};
    std::vector<double> rates(ac_row_.size(), -1.0);
    chi2 = csi_measured_term(obs_.data(), tmpl, ms, scale.data(), rates.data(), grad, nullptr);
  } else {
    chi2 = csi_data_term(n_, obs_.data(), tmpl, scale.data(), grad, nullptr);
  }
  if (!std::isfinite(chi2)) {
    for (std::size_t z = 0; z < 4; ++z) grad[z] = std::numeric_limits<double>::quiet_NaN();
    return chi2;
  }
  for (std::size_t z = 0; z < 4; ++z) {
    if (z == 3 && model_.kind == CsiSsModel::Kind::measured) break;  // eta_ss: output only
    chi2 += prior(eta[z] - centres_[z], sigmas_[z]);
    // sigma = 0 (fixed nuisance): only the data part of the derivative
    if (sigmas_[z] > 0.0) grad[z] += 2.0 * (eta[z] - centres_[z]) / (sigmas_[z] * sigmas_[z]);
  }
  return chi2;
}

std::vector<double> CsiChi2::gradient(const std::vector<double> &cevns,
                                      const std::vector<double> &nuisances) const {
  check_size(cevns.size(), n_, "cevns");
  check_size(nuisances.size(), n_nuisances, "nuisances");
  std::vector<double> g(n_nuisances);
  gradient(cevns.data(), nuisances.data(), g.data());
  return g;
}

ProfileResult CsiChi2::profile(const double *cevns) const { return profile_from(cevns, nullptr); }

namespace {

/// A point of the CsI profile: the component scales s_z = 1 + eta_z with chi2,
/// its gradient and Hessian there.
struct CsiPoint {
  double s[4] = {1.0, 1.0, 1.0, 1.0};
  double at[4] = {1.0, 1.0, 1.0, 1.0};  ///< where grad, hess and rates were evaluated
  double f = 0.0;
  double grad[4];
  double hess[4][4];
  std::vector<double> rates;  ///< measured model: the profiled SS rates b_i here

  /// Evaluate prob at `cand` into this point (want_f false: f NaN where finite).
  void set(CsiProblem &prob, const double *cand, bool want_f = true) {
    std::copy(cand, cand + 4, s);
    std::copy(cand, cand + 4, at);
    f = prob.eval(s, grad, hess, want_f);
    rates = prob.rates;
  }
  /// f here, computed if an evaluation without it left it NaN.
  void ensure_f(const CsiProblem &prob) {
    if (std::isnan(f)) f = prob.chi2_at(s, rates);
  }
  /// Move here from `cand` if chi2 is lower there.
  void take_if_lower(CsiProblem &prob, const double *cand) {
    double g1[4];
    double h1[4][4];
    const double f1 = prob.eval(cand, g1, h1);
    if (f1 < f) accept(prob, cand, f1, g1, h1);
  }
  /// Move to `cand`, just evaluated (prob.rates are its rates).
  void accept(const CsiProblem &prob, const double *cand, double f1, const double *g1,
              const double (*h1)[4]) {
    std::copy(cand, cand + 4, s);
    std::copy(cand, cand + 4, at);
    std::copy(g1, g1 + 4, grad);
    for (int z = 0; z < 4; ++z) std::copy(h1[z], h1[z] + 4, hess[z]);
    f = f1;
    rates = prob.rates;
  }
};

/// The start of the Newton iteration: a scan's previous point (warm start), or
/// s = 1 without one (or where chi2 is not finite at it) and then, for a
/// prediction far above the data, the CEvNS scale that matches the observed
/// total if chi2 is lower there.
CsiPoint csi_start(CsiProblem &prob, const double *cevns, const double *start,
                   const std::array<double, 4> &sigmas, double obs_sum, bool lazy,
                   const std::vector<double> *rates = nullptr) {
  CsiPoint p;
  const double ones[4] = {1.0, 1.0, 1.0, 1.0};
  // A warm start (a scan's previous point) replaces s = 1 where chi2 is finite
  // there: the problem is convex, so the start changes the path, not the minimum.
  bool warm = false;
  if (start != nullptr) {
    // measured: the rows' SS rates start from the AC estimates scaled by the warm
    // start's eta_ss (the fitted SS total over the AC one)
    // start (or, where given, from those rates: a neighbouring profile's)
    const bool given = prob.ms != nullptr && rates != nullptr &&
                       rates->size() == prob.rates.size() &&
                       std::all_of(rates->begin(), rates->end(),
                                   [](double b) { return std::isfinite(b) && b >= 0.0; });
    if (given) {
      prob.rates = *rates;
    } else if (prob.ms != nullptr && std::isfinite(start[3]) && 1.0 + start[3] > 0.0) {
      for (std::size_t i = 0; i < prob.rates.size(); ++i)
        if (prob.ms->ac_row[i] > 0.0)
          prob.rates[i] = prob.ms->ac_row[i] / prob.ms->r * (1.0 + start[3]);
    }
    double s1[4] = {1.0, 1.0, 1.0, 1.0};
    for (std::size_t k = 0; k < prob.n_free; ++k) {
      const std::size_t z = prob.free_idx[k];
      // 1 + eta rounds to 0 below ~1e-16: start just above the bound then
      if (std::isfinite(start[z])) s1[z] = std::max(1.0 + start[z], 1e-300);
    }
    p.set(prob, s1, !lazy);
    warm = !(p.f >= kInf);  // finite, or NaN: not computed (lazy) but finite
  }
  if (warm) return p;
  p.set(prob, ones);
  if (sigmas[0] > 0.0) {
    double total = 0.0;
    for (std::size_t i = 0; i < prob.n; ++i) total += cevns[i];
    if (total > obs_sum && obs_sum > 0.0) {
      double s1[4] = {p.s[0], p.s[1], p.s[2], p.s[3]};
      s1[0] = obs_sum / total;
      p.take_if_lower(prob, s1);
    }
  }
  return p;
}

/// Newton direction on the free scales: solves H step = -grad and returns the
/// Newton decrement grad^T H^-1 grad (twice the predicted chi2 drop to the
/// minimum of the local quadratic model). Scales on their bound s = 0 (see
/// kBoundChi2) with the gradient pushing out of the box are held fixed.
/// Returns +inf if H is not positive definite.
double csi_newton_direction(const CsiProblem &prob, const double *x, const double *g,
                            const double (*h)[4], double *step, bool *all_free = nullptr) {
  const std::size_t nf = prob.n_free;
  std::array<std::array<double, 4>, 4> a{};
  std::array<double, 4> b{};
  std::array<std::size_t, 4> sel{};
  std::size_t m = 0;
  for (std::size_t k = 0; k < nf; ++k) {
    step[k] = 0.0;
    const std::size_t z = prob.free_idx[k];
    if (g[k] > 0.0 && x[z] * g[k] < kBoundChi2) continue;
    sel[m++] = k;
  }
  for (std::size_t i = 0; i < m; ++i) {
    b[i] = -g[sel[i]];
    for (std::size_t j = 0; j < m; ++j) {
      a[i][j] = h[prob.free_idx[sel[i]]][prob.free_idx[sel[j]]];
    }
  }
  if (all_free != nullptr) *all_free = m == nf;
  if (m == 0) return 0.0;
  if (!cholesky_solve<4>(a, b, m)) return kInf;
  double dec = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    step[sel[i]] = b[i];
    dec -= g[sel[i]] * b[i];
  }
  return dec;
}

constexpr double kDecDone = 1e-8;  // full step from here is exact to ~1e-16
// Below this decrement lambda^2 the minimum along a curve is predicted, f - lambda^2 / 2:
// the chi2 is self-concordant (Poisson terms with integer counts, quadratic priors;
// the profile over the SS rates keeps it so), so f - f_min lies between
// lambda - ln(1 + lambda) and -lambda - ln(1 - lambda), and the prediction is exact to
// lambda^3 / 3 + O(lambda^4) < 4e-10.
constexpr double kDecPredict = 1e-6;
constexpr double kDecConverged = 2e-9;  // final criterion: chi2 within 1e-9
// Along a curve, full Newton steps from a decrement below this are taken without the
// line search (and without chi2 before the last one): lambda < 0.32, where they lower
// a self-concordant function and converge quadratically.
constexpr double kDecTrust = 0.1;
// A full step from a decrement below this lands where the decrement is below
// kDecPredict (self-concordance: lambda+ <= (lambda / (1 - lambda))^2, and lambda <
// 0.0307 gives lambda+ < 1e-3): the next iteration predicts from there, so chi2 is
// computed in that step's evaluation rather than in a pass of its own.
constexpr double kDecLastStep = 9e-4;
// Along a curve with a floor (CsiChi2::profile_along), a profile stops once a decrement
// below this proves its minimum above the floor: lambda < 0.32, where f - f_min lies
// between lambda - ln(1 + lambda) and -lambda - ln(1 - lambda), so that chi2 reported as
// the quadratic model's f - lambda^2 / 2 is within [-0.009, 0.014] of it (the sweeps
// want such points only as "far above": their margin is 10; 1e-2 here cost ~5 % more
// evaluations per toy).
constexpr double kDecFloor = 0.1;
// With a floor, a full step from a decrement below this computes chi2 in its evaluation
// (the next decrement is then below kDecFloor: lambda+ <= (lambda / (1 - lambda))^2);
// elsewhere chi2 is computed only where the floor test needs it.
constexpr double kDecFloorStep = 0.13;

/// Damped projected Newton from p with the analytic gradient and Hessian (the
/// Poisson chi2 is convex in the scales, and nearly quadratic): a handful of
/// evaluations reach the minimum to round-off. Steps stay inside s > 0 (at most
/// 95 % of the way to the bound, so a tiny optimum is approached geometrically)
/// and are backtracked (Armijo). Along a curve (predict_last) a step is first taken
/// without chi2 where convexity proves it lowers chi2 (the gradient at its end does not
/// point back along it; else once more at the secant zero of the derivative along it):
/// ~1 pass with logarithms per profile instead of ~1.7. With a finite `floor` (along
/// a curve only) it also stops where a decrement below kDecFloor, all scales free and
/// the step inside, proves the minimum above `floor` (self-concordance: f - f_min <=
/// -lambda - ln(1 - lambda)); chi2 is then the quadratic model's, to < 0.014.
/// Returns true when converged.
bool csi_newton(CsiProblem &prob, CsiPoint &p, bool predict_last = false, double floor = kInf) {
  constexpr int kMaxNewton = 30;
  const std::size_t nf = prob.n_free;
  const bool floored = predict_last && floor < kInf;
  bool converged = false;
  for (int it = 0; it < kMaxNewton && !converged; ++it) {
    double step[4];
    bool all_free = false;
    const double dec = csi_newton_direction(prob, p.s, p.grad, p.hess, step, &all_free);
    if (!std::isfinite(dec)) break;
    if (dec < 1e-15) {
      converged = true;
      break;
    }
    if (floored && dec < kDecFloor && all_free) {
      bool inside = true;
      for (std::size_t k = 0; k < nf; ++k) inside = inside && p.s[prob.free_idx[k]] + step[k] > 0.0;
      p.ensure_f(prob);
      const double lambda = std::sqrt(dec);
      const double below = -lambda - std::log1p(-lambda);  // f - f_min at most this
      if (inside && std::isfinite(p.f) && p.f - below >= floor) {
        for (std::size_t k = 0; k < nf; ++k) p.s[prob.free_idx[k]] += step[k];
        p.f -= 0.5 * dec;
        converged = true;
        break;
      }
    }
    if (predict_last && dec < kDecPredict) {
      // the full step lands on the minimum: chi2 there is the quadratic model's,
      // f - dec / 2, to < 4e-10 (kDecPredict), without evaluating it (gradient,
      // Hessian and SS rates stay those of the point before)
      bool inside = true;
      for (std::size_t k = 0; k < nf; ++k) inside = inside && p.s[prob.free_idx[k]] + step[k] > 0.0;
      if (inside) {
        p.ensure_f(prob);
        for (std::size_t k = 0; k < nf; ++k) p.s[prob.free_idx[k]] += step[k];
        p.f -= 0.5 * dec;
        converged = true;
        break;
      }
    }
    double t = 1.0;
    for (std::size_t k = 0; k < nf; ++k) {  // stay above the lower bound
      const double room = p.s[prob.free_idx[k]] * 0.95;
      if (step[k] < 0.0 && -step[k] * t > room) t = room / -step[k];
    }
    const bool clipped = t < 1.0;
    // the scales moved by a times the Newton step
    const auto moved = [&](double a, double *trial) {
      std::copy(p.s, p.s + 4, trial);
      for (std::size_t k = 0; k < nf; ++k) trial[prob.free_idx[k]] += a * step[k];
    };
    if (predict_last && dec < kDecTrust && !clipped) {
      // a full step lowers a self-concordant chi2 for sure (by > lambda - ln(1 +
      // lambda) - lambda^2 / 2 ... > 0 for lambda < 0.68): taken without computing
      // chi2 (no logarithms), as the line search below would take it
      double trial[4];
      moved(1.0, trial);
      double gt[4];
      double ht[4][4];
      const double ft = prob.eval(trial, gt, ht, dec < (floored ? kDecFloorStep : kDecLastStep));
      if (!(ft >= kInf)) {  // finite: NaN (not computed) or a number
        p.accept(prob, trial, ft, gt, ht);
        continue;
      }
    } else if (predict_last) {
      // chi2 is convex in the scales: chi2(x + d) <= chi2(x) + grad(x + d)^T d, so a
      // step whose end's gradient does not point back along it lowers chi2. Taken
      // without computing chi2 (no logarithms); else the line search below
      double trial[4];
      moved(t, trial);
      double gt[4];
      double ht[4][4];
      double ft = prob.eval(trial, gt, ht, false);
      double along = 0.0;
      for (std::size_t k = 0; k < nf; ++k) along += gt[k] * t * step[k];
      if (!(ft >= kInf) && along > 0.0) {
        // past the minimum along the step: once more where the derivative along it,
        // -t dec at the start and `along` at the end, interpolates to 0
        const double tau = t * dec / (t * dec + along);
        moved(tau * t, trial);
        ft = prob.eval(trial, gt, ht, false);
        along = 0.0;
        for (std::size_t k = 0; k < nf; ++k) along += gt[k] * tau * t * step[k];
      }
      if (!(ft >= kInf) && along <= 0.0) {
        p.accept(prob, trial, ft, gt, ht);
        continue;
      }
    }
    p.ensure_f(prob);
    bool accepted = false;
    for (int half = 0; half < 30; ++half, t *= 0.5) {
      double trial[4];
      moved(t, trial);
      double gt[4];
      double ht[4][4];
      const double ft = prob.eval(trial, gt, ht);
      if (ft <= p.f - 1e-4 * t * dec || (t == 1.0 && dec < kDecDone && ft <= p.f + 1e-12)) {
        p.accept(prob, trial, ft, gt, ht);
        accepted = true;
        // a full Newton step from a point this close lands on the minimum
        if (t == 1.0 && !clipped && dec < kDecDone) converged = true;
        break;
      }
    }
    if (!accepted) break;
  }
  p.ensure_f(prob);
  return converged;
}

/// NLopt LD_LBFGS (analytic gradient, bounds s >= 0) from p, for where Newton did
/// not converge (flat directions, ...); p moves to its result if that is lower.
/// Returns true when the Newton decrement there says converged.
bool csi_lbfgs(CsiProblem &prob, CsiPoint &p) {
  const std::size_t nf = prob.n_free;
  std::vector<double> x(nf);
  for (std::size_t k = 0; k < nf; ++k) x[k] = p.s[prob.free_idx[k]];
  double fopt = p.f;
  try {
    nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(nf));
    opt.set_lower_bounds(std::vector<double>(nf, 0.0));
    opt.set_min_objective(csi_nlopt_objective, &prob);
    opt.set_ftol_abs(1e-12);
    opt.set_ftol_rel(1e-15);
    opt.set_xtol_rel(1e-12);
    opt.set_maxeval(2000);
    // Luksan's L-BFGS otherwise allocates ~10 MB of history for n = 4
    opt.set_vector_storage(10);
    opt.optimize(x, fopt);
  } catch (const std::exception &) {
    // roundoff_limited / generic failure at the minimum: x holds the best
    // point found; the Newton-decrement test below decides convergence
  }
  double xs[4];
  prob.expand(x.data(), xs);
  p.take_if_lower(prob, xs);
  double step[4];
  const double dec = csi_newton_direction(prob, p.s, p.grad, p.hess, step);
  return std::isfinite(p.f) && dec < kDecConverged;
}

/// d chi2 / dt and d^2 chi2 / dt^2 of the profiled chi2 at its minimum, the
/// prediction's derivatives in t being dc and d2c per bin (CsiChi2::profile_along).
/// From the point p.at where the gradient, Hessian and SS rates were evaluated, with
/// G(s, t) the chi2 profiled over the SS rates (measured: their block eliminated,
/// H_bb diagonal), H = G_ss on the scales off their bounds and delta = -H^-1 G_s the
/// Newton step from there (the step a prediction took):
///   d chi2 / dt = G_t + G_ts delta (to first order in delta),
///   d^2 chi2 / dt^2 = G_tt - G_ts H^-1 G_st.
void csi_slope(const CsiProblem &prob, const CsiPoint &p, const double *dc, const double *d2c,
               double slope[2], std::vector<double> &dscale) {
  const double *s = p.at;
  const bool measured = prob.ms != nullptr;
  const int nz = measured ? 3 : 4;
  const std::size_t nt = measured ? prob.ms->n_time : prob.n;
  const std::size_t rows = measured ? prob.ms->n_rows : 1;
  double gt = 0.0, gtt = 0.0;
  double gts[4] = {0.0, 0.0, 0.0, 0.0};
  const Lanes2 one = {1.0, 1.0};
  const double zeros[2] = {0.0, 0.0};
  for (std::size_t i = 0; i < rows; ++i) {
    const double bi = measured ? p.rates[i] : 0.0;
    // by pairs of bins (the padding lane and the bins without counts have r = 0)
    Lanes2 gtv = {}, gttv = {}, gtsv[4] = {}, ftbv = {}, hbbv = {}, hbsv[3] = {};
    for_pairs(nt, [&](std::size_t j, bool pair) {
      const std::size_t k = i * nt + j;
      const Lanes2 wj = load_lanes(measured ? prob.ms->w + j : zeros, pair);
      Lanes2 t[4];
      Lanes2 mu = bi * wj;
      for (int z = 0; z < nz; ++z) {
        t[z] = load_lanes(prob.tmpl[z] + k, pair);
        mu += s[z] * t[z];
      }
      const Lanes2 o = load_lanes(prob.obs + k, pair);
      // d chi2 / d mu and d^2 chi2 / d mu^2 of the bin (2 and 0 without counts)
      const Lanes2 inv = 1.0 / (o > 0.0 ? mu : one);
      const Lanes2 r = o * inv;
      const Lanes2 fp = 2.0 * (1.0 - r), fpp = 2.0 * r * inv;
      const Lanes2 dck = load_lanes(dc + k, pair);
      const Lanes2 c1 = s[0] * dck;  // d mu / dt
      gtv += fp * c1;
      gttv += fpp * c1 * c1 + fp * s[0] * load_lanes(d2c + k, pair);
      for (int z = 0; z < nz; ++z) gtsv[z] += fpp * t[z] * c1;
      gtsv[0] += fp * dck;
      if (measured) {
        const Lanes2 fw = fpp * wj;
        ftbv += fw * c1;
        hbbv += fw * wj;
        for (int z = 0; z < 3; ++z) hbsv[z] += fw * t[z];
      }
    });
    gt += gtv[0] + gtv[1];
    gtt += gttv[0] + gttv[1];
    for (int z = 0; z < nz; ++z) gts[z] += gtsv[z][0] + gtsv[z][1];
    if (measured) {  // the rate b_i follows t and the scales: its block eliminated
      const double ftb = ftbv[0] + ftbv[1];
      double hbb = hbbv[0] + hbbv[1];
      double hbs[3];
      for (int z = 0; z < 3; ++z) hbs[z] = hbsv[z][0] + hbsv[z][1];
      const double m = prob.ms->ac_row[i];
      if (m > 0.0) hbb += 2.0 * m / (bi * bi);
      if (bi > 0.0 && hbb > 0.0) {
        gtt -= ftb * ftb / hbb;
        for (int z = 0; z < 3; ++z) gts[z] -= ftb * hbs[z] / hbb;
      }
    }
  }
  // the scales off their bounds: as in csi_newton_direction, and the gradient must
  // push it over the bound (s H_zz < dchi2/ds): an interior scale at its minimum has a
  // gradient ~0 of either sign, and dropping it would drop its response to t
  std::array<std::array<double, 4>, 4> h{};
  std::array<double, 4> y{}, gs{};
  std::size_t sel[4];
  std::size_t m = 0;
  for (std::size_t k = 0; k < prob.n_free; ++k) {
    const std::size_t z = prob.free_idx[k];
    if (p.grad[k] > 0.0 && s[z] * p.grad[k] < kBoundChi2 && s[z] * p.hess[z][z] < p.grad[k])
      continue;
    gs[m] = p.grad[k];
    sel[m++] = z;
  }
  for (std::size_t a = 0; a < m; ++a) {
    y[a] = gts[sel[a]];
    for (std::size_t b = 0; b < m; ++b) h[a][b] = p.hess[sel[a]][sel[b]];
  }
  if (m > 0 && !cholesky_solve<4>(h, y, m)) {  // y = H^-1 G_st
    slope[0] = slope[1] = kNaN;
    return;
  }
  // the optimum moves as d s / dt = -H^-1 G_st (implicit function; bound scales stay)
  dscale.assign(4, 0.0);
  for (std::size_t a = 0; a < m; ++a) dscale[sel[a]] = -y[a];
  // G_ts delta = -G_ts H^-1 G_s = -y^T G_s (H symmetric): one solve for both
  slope[0] = gt;
  slope[1] = gtt;
  for (std::size_t a = 0; a < m; ++a) {
    slope[0] -= y[a] * gs[a];
    slope[1] -= gts[sel[a]] * y[a];
  }
}

}  // namespace

ProfileResult CsiChi2::profile_from(const double *cevns, const double *start) const {
  return profile_impl(cevns, start, false);
}

ProfileResult CsiChi2::profile_along(const double *cevns, const double *start, const double *dcevns,
                                     const double *d2cevns, double slope[2]) const {
  if (dcevns == nullptr || d2cevns == nullptr || slope == nullptr)
    throw std::invalid_argument("profile_along: null derivative or slope");
  return profile_impl(cevns, start, true, dcevns, d2cevns, slope);
}

ProfileResult CsiChi2::profile_along(const double *cevns, const double *start,
                                     std::vector<double> &ss_rates, const double *dcevns,
                                     const double *d2cevns, double *slope, double floor) const {
  if ((dcevns == nullptr) != (slope == nullptr) || (d2cevns == nullptr) != (slope == nullptr))
    throw std::invalid_argument("profile_along: give both derivatives and slope, or none");
  if (std::isnan(floor)) throw std::invalid_argument("profile_along: floor is NaN");
  return profile_impl(cevns, start, true, dcevns, d2cevns, slope, &ss_rates, floor);
}

ProfileResult CsiChi2::profile_impl(const double *cevns, const double *start, bool predict_last,
                                    const double *dcevns, const double *d2cevns, double *slope,
                                    std::vector<double> *ss_rates, double floor) const {
  if (slope != nullptr) slope[0] = slope[1] = kNaN;
  check_prediction(cevns, n_, "cevns");

  CsiProblem prob{n_,
                  obs_.data(),
                  {cevns, brn_.data(), nin_.data(), ss_.data()},
                  sigmas_,
                  centres_.data(),
                  {0, 0, 0, 0},
                  0,
                  0};
  const bool measured = model_.kind == CsiSsModel::Kind::measured;
  const MeasuredSs ms{ac_row_.size(), n_time_, w_.data(), ac_row_.data(), model_.ac_exposure};
  if (measured) {
    prob.ms = &ms;
    prob.rates.assign(ac_row_.size(), -1.0);
    prob.track.db_ds.assign(3 * ac_row_.size(), 0.0);
  }
  for (std::size_t z = 0; z < 4; ++z) {
    if (sigmas_[z] > 0.0) prob.free_idx[prob.n_free++] = z;
  }

  ProfileResult res;
  res.nuisances.assign(n_nuisances, 0.0);

  // A bin with observed events and no template at all has mu = 0 for every
  // eta > -1: the likelihood is 0 (chi2 = +inf) whatever the nuisances (the
  // measured model's flat SS covers every bin).
  for (std::size_t i = 0; i < n_ && !measured; ++i) {
    if (obs_[i] > 0.0 && !(cevns[i] + brn_[i] + nin_[i] + ss_[i] > 0.0)) {
      res.chi2 = kInf;
      res.converged = false;
      return res;
    }
  }

  // The unknowns are the scales s_z = 1 + eta_z >= 0 (see csi_data_term).
  // measured: eta_ss reports the fitted SS total over the AC total / r (x: the
  // profiled rates b_i at the minimum)
  auto report_ss = [&](const double *x) {
    if (!measured) return;
    double fitted = 0.0, ac = 0.0;
    for (std::size_t i = 0; i < ac_row_.size(); ++i) {
      fitted += x[i];
      ac += ac_row_[i];
    }
    res.nuisances[3] = ac > 0.0 ? fitted * model_.ac_exposure / ac - 1.0 : 0.0;
  };
  // along a curve (predict_last) chi2 is computed only where it is needed
  CsiPoint p = csi_start(prob, cevns, start, sigmas_, obs_sum_, predict_last, ss_rates);
  if (prob.n_free == 0) {
    p.ensure_f(prob);
    res.chi2 = p.f;
    report_ss(p.rates.data());
    if (ss_rates != nullptr) *ss_rates = p.rates;
    res.n_eval = prob.n_eval;
    res.converged = true;
    if (slope != nullptr && std::isfinite(res.chi2))
      csi_slope(prob, p, dcevns, d2cevns, slope, res.nuisance_slope);
    return res;
  }
  // 1) projected Newton; 2) L-BFGS only where Newton did not converge
  bool converged = csi_newton(prob, p, predict_last, floor);
  if (!converged) converged = csi_lbfgs(prob, p);
  if (slope != nullptr && converged && std::isfinite(p.f))
    csi_slope(prob, p, dcevns, d2cevns, slope, res.nuisance_slope);
  res.chi2 = p.f;
  for (std::size_t z = 0; z < 4; ++z) res.nuisances[z] = p.s[z] - 1.0;
  report_ss(p.rates.data());
  if (ss_rates != nullptr) *ss_rates = p.rates;
  res.n_eval = prob.n_eval;
  res.converged = converged;
  return res;
}

ProfileResult CsiChi2::profile(const std::vector<double> &cevns) const {
  check_size(cevns.size(), n_, "cevns");
  return profile(cevns.data());
}

}  // namespace cevns
