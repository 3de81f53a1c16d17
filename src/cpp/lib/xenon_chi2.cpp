/// \file xenon_chi2.cpp
/// \brief XENONnT solar 8B extended binned Poisson likelihood (xenon_chi2.hpp).
#include "cevns/xenon_chi2.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <nlopt.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace cevns {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTMax = 3.0;

void check_values(const std::vector<double> &v, std::size_t n, const std::string &name) {
  if (v.size() != n) {
    throw std::invalid_argument(name + ": expected " + std::to_string(n) + " values, got " +
                                std::to_string(v.size()));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0.0) {
      throw std::invalid_argument(name + ": entry " + std::to_string(i) +
                                  " must be finite and >= 0, got " + std::to_string(v[i]));
    }
  }
}

void check_sigma(double s, const char *name) {
  if (std::isnan(s) || s < 0.0) {
    throw std::invalid_argument(std::string("sigmas.") + name +
                                ": must be >= 0 (0: fixed) or +infinity (free), got " +
                                std::to_string(s));
  }
}

/// Cell and weights of t in [-3, 3] on the grid {-3, ..., 3}.
inline void grid_cell(double t, std::size_t &i, double &w) {
  const double u = std::min(std::max(t + kTMax, 0.0), 2.0 * kTMax);
  i = std::min(static_cast<std::size_t>(u), kXenonGridAxis - 2);
  w = u - static_cast<double>(i);
}

/// Lower and upper bounds of the nuisances in the collaboration's model.
void bounds(std::size_t k, double &lo, double &hi) {
  if (k == 0) {  // signal efficiency in [0.5, 1.5]
    lo = -0.5;
    hi = 0.5;
  } else if (k == 4 || k == 5) {  // t_ly, t_qy
    lo = -kTMax;
    hi = kTMax;
  } else {  // rate multipliers in [0, 100]
    lo = -1.0;
    hi = 99.0;
  }
}

}  // namespace

XenonChi2::XenonChi2(std::vector<XenonRun> runs, std::size_t n_inputs, XenonSigmas sigmas,
                     XenonMorphing morphing)
    : runs_(std::move(runs)), n_inputs_(n_inputs), sigmas_(sigmas), morphing_(morphing) {
  if (runs_.empty()) throw std::invalid_argument("runs: at least one science run is needed");
  if (n_inputs_ == 0) throw std::invalid_argument("n_inputs: at least one signal input");
  check_sigma(sigmas_.signal, "signal");
  check_sigma(sigmas_.b8_flux, "b8_flux");
  check_sigma(sigmas_.er, "er");
  check_sigma(sigmas_.neutron, "neutron");
  for (const auto &r : runs_) {
    const std::string p = "run " + r.name + ": ";
    check_values(r.observed, kXenonBins, p + "observed");
    check_values(r.ac, kXenonBins, p + "ac");
    check_values(r.er, kXenonBins, p + "er");
    check_values(r.neutron, kXenonGridPoints * kXenonBins, p + "neutron");
    check_values(r.fold, kXenonGridPoints * n_inputs_ * kXenonBins, p + "fold");
    check_sigma(r.sigma_ac, "ac");
    nr_total_.emplace_back(kXenonGridPoints, 0.0);
    nr_shape_.emplace_back(kXenonGridPoints * kXenonBins, 0.0);
    for (std::size_t g = 0; g < kXenonGridPoints; ++g) {
      double tot = 0.0;
      for (std::size_t b = 0; b < kXenonBins; ++b) tot += r.neutron[g * kXenonBins + b];
      nr_total_.back()[g] = tot;
      for (std::size_t b = 0; b < kXenonBins; ++b)
        nr_shape_.back()[g * kXenonBins + b] =
            tot > 0.0 ? r.neutron[g * kXenonBins + b] / tot : 0.0;
    }
  }
  centres_.assign(nuisance_count(), 0.0);
  std::vector<double> obs;
  for (const auto &r : runs_) obs.insert(obs.end(), r.observed.begin(), r.observed.end());
  set_observed(obs.data());
}

void XenonChi2::set_observed(const double *observed) {
  nlnn_sum_ = 0.0;
  obs_sum_ = 0.0;
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    for (std::size_t b = 0; b < kXenonBins; ++b) {
      const double o = observed[r * kXenonBins + b];
      runs_[r].observed[b] = o;
      obs_sum_ += o;
      if (o > 0.0) nlnn_sum_ += o * std::log(o);
    }
  }
}

std::vector<std::string> XenonChi2::nuisance_names() const {
  std::vector<std::string> names = {"eta_signal", "eta_b8_flux", "eta_er",
                                    "eta_nr",     "t_ly",        "t_qy"};
  for (const auto &r : runs_) names.push_back("eta_ac_" + r.name);
  return names;
}

/// The signal folded at the grid points a profile touches (computed lazily,
/// once per grid point and run), and the chi2 at any nuisances.
struct XenonProblem {
  const XenonChi2 &c;
  const double *x;
  // per run, per grid point: folded signal (81) and its total; flags
  std::vector<std::vector<double>> sig;
  std::vector<std::vector<double>> sig_total;
  std::vector<std::vector<double>> sig_shape;
  std::vector<std::vector<char>> done;
  std::vector<double> work;
  int n_eval = 0;

  XenonProblem(const XenonChi2 &chi2, const double *inputs) : c(chi2), x(inputs) {
    const std::size_t nr = c.runs_.size();
    sig.assign(nr, std::vector<double>(kXenonGridPoints * kXenonBins, 0.0));
    sig_total.assign(nr, std::vector<double>(kXenonGridPoints, 0.0));
    sig_shape.assign(nr, std::vector<double>(kXenonGridPoints * kXenonBins, 0.0));
    done.assign(nr, std::vector<char>(kXenonGridPoints, 0));
    work.assign(kXenonBins, 0.0);
  }

  void fold(std::size_t r, std::size_t g) {
    if (done[r][g]) return;
    const std::vector<double> &f = c.runs_[r].fold;
    double *out = sig[r].data() + g * kXenonBins;
    const std::size_t n = c.n_inputs_;
    for (std::size_t k = 0; k < n; ++k) {
      const double xk = x[k];
      if (xk == 0.0) continue;
      const double *row = f.data() + (g * n + k) * kXenonBins;
      for (std::size_t b = 0; b < kXenonBins; ++b) out[b] += xk * row[b];
    }
    double tot = 0.0;
    for (std::size_t b = 0; b < kXenonBins; ++b) tot += out[b];
    sig_total[r][g] = tot;
    // the normalised shape, for the rate x shape morphing (no division per evaluation)
    double *shape = sig_shape[r].data() + g * kXenonBins;
    for (std::size_t b = 0; b < kXenonBins; ++b) shape[b] = tot > 0.0 ? out[b] / tot : 0.0;
    done[r][g] = 1;
  }

  /// Bilinear morphing of one run's signal and neutron templates at (t_ly,
  /// t_qy) into s_out and n_out (81 values each).
  void morph(std::size_t r, double tly, double tqy, double *s_out, double *n_out) {
    std::size_t i, j;
    double wi, wj;
    grid_cell(tly, i, wi);
    grid_cell(tqy, j, wj);
    const std::size_t g[4] = {i * kXenonGridAxis + j, i * kXenonGridAxis + j + 1,
                              (i + 1) * kXenonGridAxis + j, (i + 1) * kXenonGridAxis + j + 1};
    const double w[4] = {(1 - wi) * (1 - wj), (1 - wi) * wj, wi * (1 - wj), wi * wj};
    for (std::size_t q = 0; q < 4; ++q) fold(r, g[q]);
    std::fill(s_out, s_out + kXenonBins, 0.0);
    std::fill(n_out, n_out + kXenonBins, 0.0);
    const auto &nt = c.nr_total_[r];
    const auto &ns = c.nr_shape_[r];
    const auto &nh = c.runs_[r].neutron;
    if (c.morphing_ == XenonMorphing::histogram) {
      for (std::size_t q = 0; q < 4; ++q) {
        const double *s = sig[r].data() + g[q] * kXenonBins;
        const double *nn = nh.data() + g[q] * kXenonBins;
        for (std::size_t b = 0; b < kXenonBins; ++b) {
          s_out[b] += w[q] * s[b];
          n_out[b] += w[q] * nn[b];
        }
      }
      return;
    }
    double s_tot = 0.0, n_tot = 0.0;
    for (std::size_t q = 0; q < 4; ++q) {
      s_tot += w[q] * sig_total[r][g[q]];
      n_tot += w[q] * nt[g[q]];
      const double *s = sig_shape[r].data() + g[q] * kXenonBins;
      const double *nn = ns.data() + g[q] * kXenonBins;
      const double wq = w[q];
      for (std::size_t b = 0; b < kXenonBins; ++b) {
        s_out[b] += wq * s[b];
        n_out[b] += wq * nn[b];
      }
    }
    for (std::size_t b = 0; b < kXenonBins; ++b) {
      s_out[b] *= s_tot;
      n_out[b] *= n_tot;
    }
  }

  /// Expected counts of run r per component (signal, ac, er, neutron), each kXenonBins values.
  void components_run(std::size_t r, const double *eta, double *sig, double *ac, double *er,
                      double *nr) {
    double s[kXenonBins], nn[kXenonBins];
    morph(r, eta[4], eta[5], s, nn);
    const XenonRun &run = c.runs_[r];
    const double ss = (1.0 + eta[0]) * (1.0 + eta[1]);
    const double sac = 1.0 + eta[XenonChi2::n_shared + r];
    for (std::size_t b = 0; b < kXenonBins; ++b) {
      sig[b] = ss * s[b];
      ac[b] = sac * run.ac[b];
      er[b] = (1.0 + eta[2]) * run.er[b];
      nr[b] = (1.0 + eta[3]) * nn[b];
    }
  }

  /// Expected counts of run r (and its signal part) at nuisances eta: the sum of
  /// components_run, in the order signal + ac + er + neutron.
  void expected_run(std::size_t r, const double *eta, double *mu, double *signal_out) {
    double sig[kXenonBins], ac[kXenonBins], er[kXenonBins], nr[kXenonBins];
    components_run(r, eta, sig, ac, er, nr);
    for (std::size_t b = 0; b < kXenonBins; ++b) {
      if (signal_out != nullptr) signal_out[b] = sig[b];
      mu[b] = sig[b] + ac[b] + er[b] + nr[b];
    }
  }

  double prior(const double *eta) const {
    const double sig[4] = {c.sigmas_.signal, c.sigmas_.b8_flux, c.sigmas_.er, c.sigmas_.neutron};
    double p = 0.0;
    auto term = [&](double e, double centre, double s) {
      if (std::isinf(s)) return 0.0;
      if (!(s > 0.0)) return e == 0.0 ? 0.0 : kInf;
      const double u = (e - centre) / s;
      return u * u;
    };
    for (std::size_t z = 0; z < 4; ++z) p += term(eta[z], c.centres_[z], sig[z]);
    for (std::size_t z = 4; z < 6; ++z) p += (eta[z] - c.centres_[z]) * (eta[z] - c.centres_[z]);
    for (std::size_t r = 0; r < c.runs_.size(); ++r) {
      const std::size_t k = XenonChi2::n_shared + r;
      p += term(eta[k], c.centres_[k], c.runs_[r].sigma_ac);
    }
    return p;
  }

  double chi2(const double *eta) {
    ++n_eval;
    for (std::size_t k = 0; k < c.nuisance_count(); ++k) {
      double lo, hi;
      bounds(k < XenonChi2::n_shared ? k : 1, lo, hi);
      if (eta[k] < lo - 1e-12 || eta[k] > hi + 1e-12) return kInf;
    }
    double sum = 0.0;
    double mu[kXenonBins];
    for (std::size_t r = 0; r < c.runs_.size(); ++r) {
      expected_run(r, eta, mu, nullptr);
      const auto &obs = c.runs_[r].observed;
      for (std::size_t b = 0; b < kXenonBins; ++b) {
        const double o = obs[b];
        if (o > 0.0) {
          if (!(mu[b] > 0.0)) return kInf;
          sum += mu[b] - o * std::log(mu[b]);
        } else {
          if (mu[b] < 0.0) return kInf;
          sum += mu[b];
        }
      }
    }
    // 2 sum [mu - n + n ln(n/mu)] = 2 [sum mu - n ln mu] + 2 [sum n ln n - n]
    return 2.0 * (sum + c.nlnn_sum_ - c.obs_sum_) + prior(eta);
  }

  /// chi2 at eta (as chi2()) with the templates of the grid cell (ci, cj), i.e.
  /// t_ly in [ci - 3, ci - 2] and t_qy in [cj - 3, cj - 2], where the morphing is
  /// smooth, and its gradient and Hessian in every nuisance (grad: nn values,
  /// hess: nn x nn row-major; the caller sizes them). Where the expectation is
  /// invalid (see chi2()) returns +infinity and leaves grad, hess unspecified.
  double eval_cell(const double *eta, std::size_t ci, std::size_t cj, double *grad, double *hess) {
    ++n_eval;
    const std::size_t nn = c.nuisance_count();
    for (std::size_t k = 0; k < nn; ++k) {
      double lo, hi;
      bounds(k < XenonChi2::n_shared ? k : 1, lo, hi);
      if (eta[k] < lo - 1e-12 || eta[k] > hi + 1e-12) return kInf;
    }
    std::fill(grad, grad + nn, 0.0);
    std::fill(hess, hess + nn * nn, 0.0);
    // bilinear weights of the cell's corners and their derivatives in t_ly (a), t_qy (b)
    const double wi = eta[4] + kTMax - static_cast<double>(ci);
    const double wj = eta[5] + kTMax - static_cast<double>(cj);
    const std::size_t g[4] = {ci * kXenonGridAxis + cj, ci * kXenonGridAxis + cj + 1,
                              (ci + 1) * kXenonGridAxis + cj, (ci + 1) * kXenonGridAxis + cj + 1};
    const double w[4] = {(1 - wi) * (1 - wj), (1 - wi) * wj, wi * (1 - wj), wi * wj};
    const double wa[4] = {-(1 - wj), -wj, 1 - wj, wj};
    const double wb[4] = {-(1 - wi), 1 - wi, -wi, wi};
    const double wab[4] = {1.0, -1.0, -1.0, 1.0};
    const bool rts = c.morphing_ == XenonMorphing::rate_times_shape;
    const double s0 = 1.0 + eta[0], s1 = 1.0 + eta[1];
    const double amp = s0 * s1, ser = 1.0 + eta[2], snr = 1.0 + eta[3];
    // a morphed template and its derivatives (value, d/da, d/db, d2/da2, d2/db2, d2/dadb)
    struct Morphed {
      double v, a, b, aa, bb, ab;
    };
    // rate x shape: total T(w) times shape sh(w), both bilinear (blueice's morphing)
    auto product = [](const Morphed &t, double sh, double sha, double shb, double shab) {
      return Morphed{
          t.v * sh,        t.a * sh + t.v * sha, t.b * sh + t.v * shb,
          2.0 * t.a * sha, 2.0 * t.b * shb,      t.ab * sh + t.a * shb + t.b * sha + t.v * shab};
    };
    auto bilinear = [&](const double *const p[4], std::size_t b, double &v, double &va, double &vb,
                        double &vab) {
      v = 0.0;  // summed in chi2()'s order, so that values agree to the last bit
      va = vb = vab = 0.0;
      for (std::size_t q = 0; q < 4; ++q) {
        v += w[q] * p[q][b];
        va += wa[q] * p[q][b];
        vb += wb[q] * p[q][b];
        vab += wab[q] * p[q][b];
      }
    };
    double sum = 0.0;
    for (std::size_t r = 0; r < c.runs_.size(); ++r) {
      for (std::size_t q = 0; q < 4; ++q) fold(r, g[q]);
      const XenonRun &run = c.runs_[r];
      const std::size_t kac = XenonChi2::n_shared + r;
      const double sac = 1.0 + eta[kac];
      Morphed st{}, nt{};  // totals (rate x shape only)
      const double *ps[4], *pn[4];
      for (std::size_t q = 0; q < 4; ++q) {
        if (rts) {
          ps[q] = sig_shape[r].data() + g[q] * kXenonBins;
          pn[q] = c.nr_shape_[r].data() + g[q] * kXenonBins;
          const double ts = sig_total[r][g[q]], tn = c.nr_total_[r][g[q]];
          st.v += w[q] * ts;
          st.a += wa[q] * ts;
          st.b += wb[q] * ts;
          st.ab += wab[q] * ts;
          nt.v += w[q] * tn;
          nt.a += wa[q] * tn;
          nt.b += wb[q] * tn;
          nt.ab += wab[q] * tn;
        } else {
          ps[q] = sig[r].data() + g[q] * kXenonBins;
          pn[q] = run.neutron.data() + g[q] * kXenonBins;
        }
      }
      for (std::size_t b = 0; b < kXenonBins; ++b) {
        Morphed S, N;
        double v, va, vb, vab;
        bilinear(ps, b, v, va, vb, vab);
        S = rts ? product(st, v, va, vb, vab) : Morphed{v, va, vb, 0.0, 0.0, vab};
        bilinear(pn, b, v, va, vb, vab);
        N = rts ? product(nt, v, va, vb, vab) : Morphed{v, va, vb, 0.0, 0.0, vab};
        const double mu = amp * S.v + sac * run.ac[b] + ser * run.er[b] + snr * N.v;
        const double o = run.observed[b];
        double gb = 1.0, hb = 0.0;  // d/dmu and d2/dmu2 of (mu - o ln mu)
        if (o > 0.0) {
          if (!(mu > 0.0)) return kInf;
          sum += mu - o * std::log(mu);
          gb = 1.0 - o / mu;
          hb = o / (mu * mu);
        } else {
          if (mu < 0.0) return kInf;
          sum += mu;
        }
        // first derivatives of mu in nuisances 0..5 and eta_ac of this run
        const std::size_t idx[7] = {0, 1, 2, 3, 4, 5, kac};
        const double d[7] = {
            s1 * S.v, s0 * S.v, run.er[b], N.v, amp * S.a + snr * N.a, amp * S.b + snr * N.b,
            run.ac[b]};
        for (std::size_t i = 0; i < 7; ++i) {
          grad[idx[i]] += 2.0 * gb * d[i];
          if (hb == 0.0) continue;
          for (std::size_t j = 0; j <= i; ++j) hess[idx[i] * nn + idx[j]] += 2.0 * hb * d[i] * d[j];
        }
        // second derivatives of mu (lower triangle: row > column)
        const double t2 = 2.0 * gb;
        hess[1 * nn + 0] += t2 * S.v;
        hess[4 * nn + 0] += t2 * s1 * S.a;
        hess[5 * nn + 0] += t2 * s1 * S.b;
        hess[4 * nn + 1] += t2 * s0 * S.a;
        hess[5 * nn + 1] += t2 * s0 * S.b;
        hess[4 * nn + 3] += t2 * N.a;
        hess[5 * nn + 3] += t2 * N.b;
        hess[4 * nn + 4] += t2 * (amp * S.aa + snr * N.aa);
        hess[5 * nn + 5] += t2 * (amp * S.bb + snr * N.bb);
        hess[5 * nn + 4] += t2 * (amp * S.ab + snr * N.ab);
      }
    }
    // the Gaussian constraints
    const double sig4[4] = {c.sigmas_.signal, c.sigmas_.b8_flux, c.sigmas_.er, c.sigmas_.neutron};
    for (std::size_t k = 0; k < nn; ++k) {
      const double s =
          k < 4 ? sig4[k]
                : (k < XenonChi2::n_shared ? 1.0 : c.runs_[k - XenonChi2::n_shared].sigma_ac);
      if (std::isinf(s) || !(s > 0.0)) continue;  // free, or fixed (not a variable)
      grad[k] += 2.0 * (eta[k] - c.centres_[k]) / (s * s);
      hess[k * nn + k] += 2.0 / (s * s);
    }
    for (std::size_t i = 0; i < nn; ++i)
      for (std::size_t j = i + 1; j < nn; ++j) hess[i * nn + j] = hess[j * nn + i];
    return 2.0 * (sum + c.nlnn_sum_ - c.obs_sum_) + prior(eta);
  }
};

namespace {

struct NloptData {
  XenonProblem *p;
  std::vector<std::size_t> free_idx;
  std::vector<double> full;
};

double xenon_objective(unsigned n, const double *x, double *grad, void *data) {
  (void)grad;
  auto *d = static_cast<NloptData *>(data);
  for (unsigned k = 0; k < n; ++k) d->full[d->free_idx[k]] = x[k];
  const double f = d->p->chi2(d->full.data());
  return std::isfinite(f) ? f : std::numeric_limits<double>::max();
}

/// Width of nuisance k's Gaussian constraint (1 for t_ly, t_qy; 0: fixed at 0).
double nuisance_sigma(const XenonChi2 &c, std::size_t k) {
  const XenonSigmas &s = c.sigmas();
  const double shared[4] = {s.signal, s.b8_flux, s.er, s.neutron};
  if (k < 4) return shared[k];
  if (k < XenonChi2::n_shared) return 1.0;
  return c.runs()[k - XenonChi2::n_shared].sigma_ac;
}

/// The nuisances a profile varies: not held by the caller, not fixed by a sigma of 0.
std::vector<std::size_t> free_nuisances(const XenonChi2 &c, const std::vector<bool> &fixed) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < c.nuisance_count(); ++k)
    if (!fixed[k] && nuisance_sigma(c, k) > 0.0) out.push_back(k);
  return out;
}

/// A start inside the fit ranges: held nuisances at `values`, those fixed by a
/// sigma of 0 at 0, the free ones at `values` clipped to their range.
std::vector<double> start_point(const XenonChi2 &c, const std::vector<bool> &fixed,
                                const std::vector<double> &values) {
  std::vector<double> x(c.nuisance_count(), 0.0);
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (fixed[k]) {
      x[k] = values[k];
    } else if (nuisance_sigma(c, k) > 0.0) {
      double lo, hi;
      bounds(k < XenonChi2::n_shared ? k : 1, lo, hi);
      x[k] = std::isfinite(values[k]) ? std::min(std::max(values[k], lo), hi) : 0.0;
    }
  }
  return x;
}

/// The joint minimisation of every free nuisance with NLopt LN_BOBYQA from
/// `start` (XenonChi2::profile_nlopt: the reference of the Newton profile, and
/// its fallback where Newton does not converge).
ProfileResult xenon_bobyqa(XenonProblem &p, const std::vector<bool> &fixed,
                           const std::vector<double> &start) {
  const std::vector<std::size_t> free = free_nuisances(p.c, fixed);
  NloptData d{&p, free, start_point(p.c, fixed, start)};
  std::vector<double> x, lo, hi;
  for (std::size_t k : free) {
    double l, h;
    bounds(k < XenonChi2::n_shared ? k : 1, l, h);
    lo.push_back(l);
    hi.push_back(h);
    x.push_back(d.full[k]);
  }
  ProfileResult res;
  if (!x.empty()) {
    nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(x.size()));
    opt.set_lower_bounds(lo);
    opt.set_upper_bounds(hi);
    opt.set_min_objective(xenon_objective, &d);
    opt.set_xtol_abs(1e-9);
    opt.set_ftol_abs(1e-11);
    opt.set_maxeval(20000);
    std::vector<double> step(x.size(), 0.1);
    opt.set_initial_step(step);
    double f = 0.0;
    try {
      const nlopt::result r = opt.optimize(x, f);
      res.converged = r > 0;
    } catch (const std::exception &) {
      res.converged = false;
    }
    for (std::size_t k = 0; k < x.size(); ++k) d.full[free[k]] = x[k];
  } else {
    res.converged = true;
  }
  res.chi2 = p.chi2(d.full.data());
  res.nuisances = d.full;
  res.n_eval = p.n_eval;
  if (!std::isfinite(res.chi2)) res.converged = false;
  return res;
}

/// Solves the m x m system a x = b in place (a row-major, symmetric; b becomes
/// x) by Cholesky; false if a is not positive definite.
bool cholesky_solve(std::vector<double> &a, std::vector<double> &b, std::size_t m) {
  for (std::size_t j = 0; j < m; ++j) {
    double d = a[j * m + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * m + k] * a[j * m + k];
    if (!(d > 0.0) || !std::isfinite(d)) return false;
    const double l = std::sqrt(d);
    a[j * m + j] = l;
    for (std::size_t i = j + 1; i < m; ++i) {
      double v = a[i * m + j];
      for (std::size_t k = 0; k < j; ++k) v -= a[i * m + k] * a[j * m + k];
      a[i * m + j] = v / l;
    }
  }
  for (std::size_t i = 0; i < m; ++i) {  // L y = b
    for (std::size_t k = 0; k < i; ++k) b[i] -= a[i * m + k] * b[k];
    b[i] /= a[i * m + i];
  }
  for (std::size_t i = m; i-- > 0;) {  // L^T x = y
    for (std::size_t k = i + 1; k < m; ++k) b[i] -= a[k * m + i] * b[k];
    b[i] /= a[i * m + i];
  }
  return true;
}

constexpr int kMaxNewton = 100;      // iterations (a walk across cells needs a few each)
constexpr double kDecExact = 1e-14;  // Newton decrement at a minimum (chi2 exact to round-off)
constexpr double kDecDone = 1e-8;    // a full step from here lands on the minimum
constexpr double kDecStall = 1e-9;   // no descent left but round-off: converged

/// Projected Newton on every free nuisance at once, with the analytic gradient
/// and Hessian of XenonProblem::eval_cell. The bilinear morphing is smooth
/// inside a cell of the (t_ly, t_qy) grid and has kinks on the grid lines, so
/// the iteration works inside one cell (its faces are bounds like the fit
/// ranges) and crosses a face only where chi2 keeps falling in the next cell: a
/// minimum on a grid line (a kink) is found exactly, which a derivative-free
/// minimiser only approaches. Steps follow the projected path with Armijo
/// backtracking; an indefinite Hessian (the 8B amplitude is the product
/// (1 + eta_signal)(1 + eta_b8_flux)) is shifted until positive definite.
struct XenonNewton {
  XenonProblem &p;
  std::size_t nn;
  std::vector<std::size_t> vars;        // the free nuisances
  std::vector<double> eta, grad, hess;  // the current point
  double f = kInf;
  std::array<std::size_t, 2> cell{};  // grid cell of (t_ly, t_qy)
  std::vector<double> g2, h2, trial;  // scratch

  XenonNewton(XenonProblem &prob, std::vector<std::size_t> free_idx, std::vector<double> start)
      : p(prob),
        nn(prob.c.nuisance_count()),
        vars(std::move(free_idx)),
        eta(std::move(start)),
        grad(nn),
        hess(nn * nn),
        g2(nn),
        h2(nn * nn) {
    double w;
    grid_cell(eta[4], cell[0], w);
    grid_cell(eta[5], cell[1], w);
    f = p.eval_cell(eta.data(), cell[0], cell[1], grad.data(), hess.data());
  }

  /// Range of nuisance k inside the current cell.
  void box(std::size_t k, double &lo, double &hi) const {
    bounds(k < XenonChi2::n_shared ? k : 1, lo, hi);
    if (k == 4 || k == 5) {
      lo = static_cast<double>(cell[k - 4]) - kTMax;
      hi = lo + 1.0;
    }
  }

  /// On a face of the cell with chi2 falling across it: move into the next
  /// cell if chi2 falls there too (else the face is a kink minimum in t).
  void cross_faces() {
    for (std::size_t k : vars) {
      if (k != 4 && k != 5) continue;
      const std::size_t a = k - 4;
      double lo, hi;
      box(k, lo, hi);
      int dir = 0;
      if (eta[k] <= lo && grad[k] > 0.0 && cell[a] > 0) dir = -1;
      if (eta[k] >= hi && grad[k] < 0.0 && cell[a] + 2 < kXenonGridAxis) dir = 1;
      if (dir == 0) continue;
      std::array<std::size_t, 2> next = cell;
      next[a] = dir < 0 ? cell[a] - 1 : cell[a] + 1;
      const double fn = p.eval_cell(eta.data(), next[0], next[1], g2.data(), h2.data());
      if (std::isfinite(fn) && (dir < 0 ? g2[k] > 0.0 : g2[k] < 0.0)) {
        cell = next;
        f = fn;
        grad.swap(g2);
        hess.swap(h2);
      }
    }
  }

  /// Newton step on the nuisances m (step: nn values, 0 elsewhere); returns
  /// the Newton decrement -grad . step (+inf if no direction was found).
  double direction(const std::vector<std::size_t> &m, std::vector<double> &step) const {
    const std::size_t n = m.size();
    std::vector<double> a(n * n), b(n);
    double scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(hess[m[i] * nn + m[i]]));
    double shift = 0.0;
    for (int attempt = 0; attempt < 40; ++attempt) {
      for (std::size_t i = 0; i < n; ++i) {
        b[i] = -grad[m[i]];
        for (std::size_t j = 0; j < n; ++j) a[i * n + j] = hess[m[i] * nn + m[j]];
        a[i * n + i] += shift;
      }
      if (cholesky_solve(a, b, n)) {
        std::fill(step.begin(), step.end(), 0.0);
        double dec = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
          step[m[i]] = b[i];
          dec -= grad[m[i]] * b[i];
        }
        return dec;
      }
      shift = shift == 0.0 ? 1e-10 * std::max(scale, 1e-300) : 10.0 * shift;
    }
    return kInf;
  }

  /// Iterate to the minimum; true when converged.
  bool run() {
    if (!std::isfinite(f)) return false;
    std::vector<std::size_t> m;
    std::vector<double> step(nn, 0.0);
    for (int it = 0; it < kMaxNewton; ++it) {
      cross_faces();
      m.clear();
      for (std::size_t k : vars) {
        double lo, hi;
        box(k, lo, hi);
        if ((eta[k] <= lo && grad[k] > 0.0) || (eta[k] >= hi && grad[k] < 0.0)) continue;
        m.push_back(k);  // not held on a bound by its gradient
      }
      if (m.empty()) return true;
      const double dec = direction(m, step);
      if (!std::isfinite(dec) || dec < 0.0) return false;
      // round-off of chi2 itself (relative 1e-16) where chi2 is huge
      const double noise = 1e-15 * std::fabs(f);
      if (dec < std::max(kDecExact, noise)) return true;
      bool accepted = false, clipped = false;
      double t = 1.0;
      for (int half = 0; half < 50; ++half, t *= 0.5) {
        trial = eta;
        double slope = 0.0;  // grad . (trial - eta)
        clipped = false;
        for (std::size_t k : m) {
          double lo, hi;
          box(k, lo, hi);
          double v = eta[k] + t * step[k];
          if (v < lo || v > hi) {
            v = std::min(std::max(v, lo), hi);
            clipped = true;
          }
          trial[k] = v;
          slope += grad[k] * (v - eta[k]);
        }
        const double ft = p.eval_cell(trial.data(), cell[0], cell[1], g2.data(), h2.data());
        if ((slope < 0.0 && ft <= f + 1e-4 * slope) ||
            (t == 1.0 && dec < kDecDone && ft <= f + std::max(1e-12, noise))) {
          eta.swap(trial);
          grad.swap(g2);
          hess.swap(h2);
          f = ft;
          accepted = true;
          break;
        }
      }
      if (!accepted) return dec < std::max(kDecStall, 100.0 * noise);
      // a full, unclipped step from this close lands on the minimum
      if (t == 1.0 && !clipped && dec < kDecDone) return true;
    }
    return false;
  }
};

/// The 8B amplitude (1 + eta_signal)(1 + eta_b8_flux) that brings the expected
/// total to the observed one at nominal yields: (observed - backgrounds) /
/// signal, clipped to [0, 1]; 1 where the signal does not exceed the data.
double suppression(XenonProblem &p) {
  constexpr std::size_t nominal = kXenonGridPoints / 2;  // (t_ly, t_qy) = (0, 0)
  double signal = 0.0, background = 0.0, observed = 0.0;
  for (std::size_t r = 0; r < p.c.runs().size(); ++r) {
    p.fold(r, nominal);
    const XenonRun &run = p.c.runs()[r];
    signal += p.sig_total[r][nominal];
    for (std::size_t b = 0; b < kXenonBins; ++b) {
      background += run.ac[b] + run.er[b] + run.neutron[nominal * kXenonBins + b];
      observed += run.observed[b];
    }
  }
  if (!(signal > observed - background)) return 1.0;
  return std::max(observed - background, 0.0) / signal;
}

/// Newton from one start (converged: false where it stalled).
ProfileResult newton_from(XenonProblem &p, const std::vector<std::size_t> &free,
                          std::vector<double> start) {
  ProfileResult res;
  XenonNewton nw(p, free, std::move(start));
  const bool converged = nw.run();
  res.nuisances = nw.eta;
  res.chi2 = p.chi2(nw.eta.data());
  res.converged = converged && std::isfinite(res.chi2);
  return res;
}

/// The profile: Newton from `start` (the caller's values, or a scan's
/// neighbouring optimum) and, where the signal exceeds what the data allow
/// (suppression() < 1), also from the nominal nuisances (`cold`) and from the
/// 8B amplitude scaled down to the data; the lowest minimum wins (BOBYQA
/// continues from it where Newton did not converge there). Far above
/// the data chi2 has two valleys: the signal suppressed by the efficiency and
/// the yields (eta_signal -> -0.5, t_ly, t_qy -> -3) or by the 8B flux
/// (eta_b8_flux -> -1); a single start, warm or cold, may end in the higher one.
ProfileResult xenon_newton(XenonProblem &p, const std::vector<bool> &fixed,
                           const std::vector<double> &start, bool cold) {
  const std::vector<std::size_t> free = free_nuisances(p.c, fixed);
  std::vector<std::vector<double>> starts{start_point(p.c, fixed, start)};
  const double a = suppression(p);
  if (a < 1.0 && !free.empty()) {
    std::vector<double> nominal(p.c.nuisance_count(), 0.0);  // held ones stay held
    for (std::size_t k = 0; k < nominal.size(); ++k)
      if (fixed[k]) nominal[k] = start[k];
    if (cold) starts.push_back(start_point(p.c, fixed, nominal));
    std::vector<double> scaled = start_point(p.c, fixed, nominal);
    if (!fixed[1] && nuisance_sigma(p.c, 1) > 0.0) {
      scaled[1] = a - 1.0;
    } else if (!fixed[0] && nuisance_sigma(p.c, 0) > 0.0) {
      scaled[0] = std::max(a, 0.5) - 1.0;
    }
    starts.push_back(scaled);
  }
  ProfileResult best;
  best.chi2 = kInf;
  for (std::size_t s = 0; s < starts.size(); ++s) {
    if (std::find(starts.begin(), starts.begin() + static_cast<long>(s), starts[s]) !=
        starts.begin() + static_cast<long>(s))
      continue;  // the same start twice
    ProfileResult r;
    if (free.empty()) {
      r.chi2 = p.chi2(starts[s].data());
      r.nuisances = starts[s];
      r.converged = std::isfinite(r.chi2);
    } else {
      r = newton_from(p, free, starts[s]);
    }
    if (s == 0 || r.chi2 < best.chi2) best = std::move(r);
  }
  if (!best.converged) {  // BOBYQA from the lowest point Newton reached
    ProfileResult b = xenon_bobyqa(p, fixed, best.nuisances);
    if (!(b.chi2 >= best.chi2)) best = std::move(b);
  }
  best.n_eval = p.n_eval;
  return best;
}

/// The arguments of a profile: inputs finite, >= 0 and <= 1e150; one flag and
/// one value per nuisance.
void check_profile_arguments(const XenonChi2 &c, const double *inputs,
                             const std::vector<bool> &fixed, const std::vector<double> &values) {
  if (inputs == nullptr) throw std::invalid_argument("inputs: null pointer");
  for (std::size_t k = 0; k < c.n_bins(); ++k) {
    if (!std::isfinite(inputs[k]) || inputs[k] < 0.0 || inputs[k] > kMaxPredictionEvents)
      throw std::invalid_argument("inputs: entry " + std::to_string(k) +
                                  " must be finite, >= 0 and <= 1e150");
  }
  const std::size_t nn = c.nuisance_count();
  if (fixed.size() != nn || values.size() != nn)
    throw std::invalid_argument("profile_fixed: expected " + std::to_string(nn) + " flags/values");
}

}  // namespace

void XenonChi2::expected(const double *inputs, const double *nuisances, double *out) const {
  if (inputs == nullptr || nuisances == nullptr || out == nullptr)
    throw std::invalid_argument("expected: null pointer");
  XenonProblem p(*this, inputs);
  for (std::size_t r = 0; r < runs_.size(); ++r)
    p.expected_run(r, nuisances, out + r * kXenonBins, nullptr);
}

void XenonChi2::signal(const double *inputs, const double *nuisances, double *out) const {
  if (inputs == nullptr || nuisances == nullptr || out == nullptr)
    throw std::invalid_argument("signal: null pointer");
  XenonProblem p(*this, inputs);
  double mu[kXenonBins];
  for (std::size_t r = 0; r < runs_.size(); ++r)
    p.expected_run(r, nuisances, mu, out + r * kXenonBins);
}

std::vector<NamedComponent> XenonChi2::components(const double *inputs,
                                                  const double *nuisances) const {
  if (inputs == nullptr || nuisances == nullptr)
    throw std::invalid_argument("components: null pointer");
  const std::size_t n = n_observed();
  std::vector<double> sig(n), ac(n), er(n), nr(n);
  XenonProblem p(*this, inputs);
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    const std::size_t o = r * kXenonBins;
    p.components_run(r, nuisances, sig.data() + o, ac.data() + o, er.data() + o, nr.data() + o);
  }
  return {{"cevns", std::move(sig)},
          {"ac", std::move(ac)},
          {"er", std::move(er)},
          {"neutron", std::move(nr)}};
}

double XenonChi2::chi2_at(const double *inputs, const double *nuisances) const {
  if (inputs == nullptr || nuisances == nullptr) throw std::invalid_argument("null pointer");
  for (std::size_t k = 0; k < nuisance_count(); ++k)
    if (std::isnan(nuisances[k]))
      throw std::invalid_argument("nuisances: NaN at index " + std::to_string(k));
  XenonProblem p(*this, inputs);
  return p.chi2(nuisances);
}

std::vector<double> XenonChi2::constraint_widths() const {
  const double multipliers[4] = {sigmas_.signal, sigmas_.b8_flux, sigmas_.er, sigmas_.neutron};
  std::vector<double> out(nuisance_count(), 1.0);  // t_ly, t_qy: unit Gaussians
  for (std::size_t z = 0; z < 4; ++z) out[z] = std::isfinite(multipliers[z]) ? multipliers[z] : 0.0;
  for (std::size_t r = 0; r < runs_.size(); ++r) out[n_shared + r] = runs_[r].sigma_ac;
  return out;
}

std::unique_ptr<BinnedChi2> XenonChi2::with_data(const double *observed, const double *auxiliary,
                                                 const double *centres) const {
  (void)auxiliary;
  if (observed == nullptr || centres == nullptr)
    throw std::invalid_argument("with_data: null pointer");
  for (std::size_t i = 0; i < n_observed(); ++i)
    if (!std::isfinite(observed[i]) || observed[i] < 0.0)
      throw std::invalid_argument("observed: entry " + std::to_string(i) +
                                  " must be finite and >= 0");
  auto out = std::make_unique<XenonChi2>(*this);
  out->set_observed(observed);
  for (std::size_t k = 0; k < nuisance_count(); ++k) {
    if (!std::isfinite(centres[k]))
      throw std::invalid_argument("centres: non-finite value at index " + std::to_string(k));
    out->centres_[k] = centres[k];
  }
  return out;
}

ProfileResult XenonChi2::profile(const double *inputs) const {
  return profile_from(inputs, nullptr);
}

ProfileResult XenonChi2::profile_from(const double *inputs, const double *start) const {
  const std::size_t nn = nuisance_count();
  const std::vector<bool> fixed(nn, false);
  const std::vector<double> zeros(nn, 0.0);
  check_profile_arguments(*this, inputs, fixed, zeros);
  XenonProblem p(*this, inputs);
  if (start == nullptr) return xenon_newton(p, fixed, zeros, false);
  return xenon_newton(p, fixed, std::vector<double>(start, start + nn), true);
}

ProfileResult XenonChi2::profile_fixed(const double *inputs, const std::vector<bool> &fixed,
                                       const std::vector<double> &values) const {
  check_profile_arguments(*this, inputs, fixed, values);
  XenonProblem p(*this, inputs);
  return xenon_newton(p, fixed, values, false);
}

ProfileResult XenonChi2::profile_nlopt(const double *inputs, const std::vector<bool> &fixed,
                                       const std::vector<double> &values) const {
  check_profile_arguments(*this, inputs, fixed, values);
  XenonProblem p(*this, inputs);
  return xenon_bobyqa(p, fixed, values);
}

}  // namespace cevns
