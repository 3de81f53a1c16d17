/// \file xenon_chi2.cpp
/// \brief XENONnT solar 8B extended binned Poisson likelihood (xenon_chi2.hpp).
#include "cevns/xenon_chi2.hpp"

#include <algorithm>
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
  /// components_run, written out because the profile calls it at every evaluation.
  void expected_run(std::size_t r, const double *eta, double *mu, double *signal_out) {
    double s[kXenonBins], nn[kXenonBins];
    morph(r, eta[4], eta[5], s, nn);
    const XenonRun &run = c.runs_[r];
    const double ss = (1.0 + eta[0]) * (1.0 + eta[1]);
    const double sac = 1.0 + eta[XenonChi2::n_shared + r];
    for (std::size_t b = 0; b < kXenonBins; ++b) {
      const double sig_b = ss * s[b];
      if (signal_out != nullptr) signal_out[b] = sig_b;
      mu[b] = sig_b + sac * run.ac[b] + (1.0 + eta[2]) * run.er[b] + (1.0 + eta[3]) * nn[b];
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
  std::vector<bool> fixed(nuisance_count(), false);
  std::vector<double> values(nuisance_count(), 0.0);
  if (start != nullptr) values.assign(start, start + nuisance_count());
  return profile_fixed(inputs, fixed, values);
}

ProfileResult XenonChi2::profile_fixed(const double *inputs, const std::vector<bool> &fixed,
                                       const std::vector<double> &values) const {
  if (inputs == nullptr) throw std::invalid_argument("inputs: null pointer");
  for (std::size_t k = 0; k < n_inputs_; ++k) {
    if (!std::isfinite(inputs[k]) || inputs[k] < 0.0 || inputs[k] > kMaxPredictionEvents)
      throw std::invalid_argument("inputs: entry " + std::to_string(k) +
                                  " must be finite, >= 0 and <= 1e150");
  }
  const std::size_t nn = nuisance_count();
  if (fixed.size() != nn || values.size() != nn)
    throw std::invalid_argument("profile_fixed: expected " + std::to_string(nn) + " flags/values");
  const double sig[4] = {sigmas_.signal, sigmas_.b8_flux, sigmas_.er, sigmas_.neutron};
  XenonProblem p(*this, inputs);
  NloptData d{&p, {}, std::vector<double>(nn, 0.0)};
  std::vector<double> x, lo, hi;
  for (std::size_t k = 0; k < nn; ++k) {
    const double s = k < 4 ? sig[k] : (k < n_shared ? 1.0 : runs_[k - n_shared].sigma_ac);
    double l, h;
    bounds(k < n_shared ? k : 1, l, h);
    if (fixed[k] || !(s > 0.0)) {  // held, or a sigma of 0 (fixed at 0)
      d.full[k] = fixed[k] ? values[k] : 0.0;
      continue;
    }
    d.free_idx.push_back(k);
    lo.push_back(l);
    hi.push_back(h);
    x.push_back(std::min(std::max(values[k], l), h));
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
    for (std::size_t k = 0; k < x.size(); ++k) d.full[d.free_idx[k]] = x[k];
  } else {
    res.converged = true;
  }
  res.chi2 = p.chi2(d.full.data());
  res.nuisances = d.full;
  res.n_eval = p.n_eval;
  if (!std::isfinite(res.chi2)) res.converged = false;
  return res;
}

}  // namespace cevns
