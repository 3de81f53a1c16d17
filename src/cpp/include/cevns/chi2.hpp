/// \file chi2.hpp
/// \brief The COHERENT least-squares functions of the paper, with the nuisance
///        parameters profiled out: CsI eq. (6) and Ar eq. (7)-(9).
///
/// Convention: "chi2" is -2 ln L up to a constant that does not depend on the
/// model or on the nuisance parameters (the Baker-Cousins Poisson chi2 for CsI,
/// the Gaussian least squares for Ar). All event numbers are counts per bin
/// (dimensionless); the bins are flattened row-major [energy][time], but any
/// number of bins works as long as every array has the same length.
///
/// Every const method is thread-safe (no mutable state, no caches), so many
/// model points can be profiled in parallel on the same object.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cevns/nuisances.hpp"

namespace cevns {

/// Largest CEvNS prediction per bin [events] the profiled chi2 accepts. Up to
/// here the profiles keep full precision (far above the data the chi2 tends to
/// its no-CEvNS limit); beyond it squares of the prediction overflow a double,
/// so larger predictions are refused (std::invalid_argument) rather than
/// answered wrongly.
constexpr double kMaxPredictionEvents = 1e150;

/// Result of profiling the nuisance parameters at one model point.
struct ProfileResult {
  double chi2 = 0.0;              ///< minimum over the nuisances of -2 ln L (+ const)
  std::vector<double> nuisances;  ///< nuisance values at the minimum (fractions / sigma units)
  int n_eval = 0;                 ///< evaluations of chi2 (and gradient) used
  bool converged = false;         ///< true when the minimum was found to tolerance
  /// d nuisances / dt at the minimum, where a profile along a parameter t gives it
  /// (CsiChi2::profile_along with derivatives: t of the prediction; CouplingCurve::
  /// at_slope: t = ln g), else empty; to first order (implicit function), for starts.
  std::vector<double> nuisance_slope;
};

/// A measurement of its own that a chi2 uses besides the observed counts (e.g.
/// the CsI beam-off steady-state histogram): pseudo-experiments fluctuate it.
struct AuxiliaryMeasurement {
  std::string name;            ///< e.g. "ss"
  std::string doc;             ///< one line: what was measured
  std::vector<double> values;  ///< the measured values the chi2 uses (n_bins values)
  /// Its exposure relative to the counts': a toy draws Poisson(exposure * mean) / exposure
  /// per bin, mean = BinnedChi2::auxiliary_expected at the toy's nuisances.
  double exposure = 1.0;
};

/// The expected events of one named component of a prediction (BinnedChi2::components).
using NamedComponent = std::pair<std::string, std::vector<double>>;

/// The profiled chi2 of one set of templates along the coupling: at g, the
/// BinnedChi2::profile_from of the prediction N0 + g^2 N1 + g^4 N2 (scan.hpp;
/// negative entries, round-off of a sum of squares, count as 0). Made by
/// BinnedChi2::curve; a chi2 with a closed-form profile may precompute what does
/// not depend on g. Not thread-safe (one per thread); the chi2 and the templates
/// must outlive it.
class CouplingCurve {
 public:
  virtual ~CouplingCurve() = default;
  /// Profile at coupling g (>= 0), the iterative minimiser (if any) started from
  /// `start` (nuisance_count() values, or nullptr).
  virtual ProfileResult at(double g, const double *start) const = 0;
  /// at(g, start) with the derivatives of the profiled chi2 in u = ln g (the
  /// nuisances' response included: envelope theorem and implicit function):
  /// slope[0] = d chi2 / du, slope[1] = d^2 chi2 / du^2, for a Newton search along
  /// g. NaN where the curve has none (this default) or they are not defined there
  /// (chi2 not finite, g = 0, the profile not converged). A curve may also give the
  /// optimum's d nuisances / du (ProfileResult::nuisance_slope): a search along g
  /// starts the next coupling's profile from the optimum moved along it.
  virtual ProfileResult at_slope(double g, const double *start, double slope[2]) const {
    slope[0] = slope[1] = std::numeric_limits<double>::quiet_NaN();
    return at(g, start);
  }
  /// at(g, start) (slope nullptr) or at_slope(g, start, slope) where chi2 is wanted
  /// exactly only below `floor` (a sweep's points far above the minimum sought): the
  /// profile may stop once it proves its minimum above `floor`, chi2 then being within
  /// 0.02 of it (CsI: the quadratic model's, to < 0.014). Default: at / at_slope.
  virtual ProfileResult at_above(double g, const double *start, double floor, double *slope) const {
    (void)floor;
    return slope == nullptr ? at(g, start) : at_slope(g, start, slope);
  }
  /// Warm starts carried from coupling to coupling (a sweep, a search along g, a probe
  /// of another mass): carry() rewrites nuisances optimal at g (nuisance_count()
  /// values) in place into a form that moves little with g, land() rewrites that
  /// form back into a start at g; land(g, carry(g, x)) = x up to round-off. Where the
  /// optimum of a nuisance scales with the prediction (a CEvNS normalisation that
  /// falls as g^-4 once the prediction is far above the data), the carried form holds
  /// what the data fix instead (the fitted events), so that a start from another
  /// coupling lands close to its optimum. Default: both leave the nuisances unchanged.
  virtual void carry(double g, double *nuisances) const {
    (void)g;
    (void)nuisances;
  }
  /// The inverse of carry() (see there).
  virtual void land(double g, double *nuisances) const {
    (void)g;
    (void)nuisances;
  }
  /// A coordinate of g in which the carried optima (carry()) move about linearly along
  /// a sweep: the sweeps extrapolate their warm starts in it from the two couplings
  /// before (and in ln g where it does not move monotonically with g). Default: ln g.
  /// Like carry(), it changes the starts only, never a profile's minimum.
  virtual double sweep_coordinate(double g) const { return std::log(g); }
};

/// Interface of a binned chi2 with profiled nuisances (what scans need).
///
/// What a new chi2 implements: n_bins, nuisance_count, profile, expected and
/// with_data; components, auxiliary_measurements / auxiliary_expected and
/// constraint_widths have defaults (one component "total", no auxiliary
/// measurement, every width 1) that a chi2 with more structure overrides.
class BinnedChi2 {
 public:
  virtual ~BinnedChi2() = default;
  /// Number of values of a CEvNS prediction (the rate's bins).
  virtual std::size_t n_bins() const = 0;
  /// Number of observed counts the chi2 compares with: n_bins() unless the chi2
  /// folds the prediction into other bins (e.g. recoil-energy nodes into analysis
  /// bins through efficiency templates that depend on nuisances). expected(),
  /// components() and with_data()'s observed counts have this many values.
  virtual std::size_t n_observed() const { return n_bins(); }
  /// Number of nuisance parameters (length of ProfileResult::nuisances).
  virtual std::size_t nuisance_count() const = 0;
  /// chi2 minimised over the nuisances for a CEvNS prediction (n_bins values).
  virtual ProfileResult profile(const double *cevns) const = 0;
  /// The same minimum, with the iterative minimiser (if any) started from
  /// `start` (nuisance_count() values, e.g. the optimum of a neighbouring
  /// point of a scan; nullptr: the default start). Exact solvers ignore it.
  virtual ProfileResult profile_from(const double *cevns, const double *start) const {
    (void)start;
    return profile(cevns);
  }

  /// The profile along the coupling of the templates n0, n1, n2 (n_bins() values
  /// each, kept by pointer: they must outlive the curve). Default: the prediction
  /// evaluated at each g and profile_from.
  /// \throws std::invalid_argument on a null template
  virtual std::unique_ptr<CouplingCurve> curve(const double *n0, const double *n1,
                                               const double *n2) const;

  /// Profile many predictions (OpenMP over points).
  /// \param cevns         n_points x n_bins, row-major
  /// \param chi2_out      n_points values
  /// \param nuisances_out n_points x nuisance_count() values, or nullptr
  /// \param n_threads     threads to use (0: the OpenMP default)
  /// Inputs are validated before the loop; if a profile throws, the first
  /// exception is rethrown after the loop (the core's parallel-loop policy,
  /// nothing is written for that point). Results do not depend on the number
  /// of threads.
  void profile_many(const double *cevns, std::size_t n_points, double *chi2_out,
                    double *nuisances_out, int n_threads = 0) const;

  // -- pseudo-experiments (toys.hpp) ----------------------------------------
  /// Expected counts per bin, every component (CEvNS and backgrounds) at the
  /// given nuisances: the mean of the observed counts the chi2 describes.
  /// \param cevns     CEvNS prediction (n_bins values)
  /// \param nuisances nuisance_count() values
  /// \param out       n_observed values
  virtual void expected(const double *cevns, const double *nuisances, double *out) const = 0;
  /// The named components of the expected counts at the given nuisances (their
  /// sum is expected()): "cevns" first, then the backgrounds, each n_observed() values.
  /// Figures show these instead of re-implementing the chi2's equations.
  /// Default: one component "total" = expected().
  virtual std::vector<NamedComponent> components(const double *cevns,
                                                 const double *nuisances) const;
  /// The measurements besides the counts that pseudo-experiments fluctuate (in
  /// the order with_data takes them; default: none).
  virtual std::vector<AuxiliaryMeasurement> auxiliary_measurements() const { return {}; }
  /// Mean of every auxiliary measurement at the given CEvNS prediction (n_bins values)
  /// and nuisances, concatenated in the order of auxiliary_measurements() (out: the sum
  /// of their sizes): the plug-in truth of the measurement in pseudo-experiments, in the
  /// units of its values. (The prediction matters where a measurement's mean is profiled
  /// jointly with the counts, e.g. the CsI `measured` SS rates.)
  virtual void auxiliary_expected(const double *cevns, const double *nuisances, double *out) const;
  /// Width of each nuisance's Gaussian constraint (nuisance_count() values; 0:
  /// fixed at its centre). Default: every width 1.
  virtual std::vector<double> constraint_widths() const;
  /// Centres of the nuisances' Gaussian constraints (nuisance_count() values;
  /// 0 for the real data): the prior of eta_z is ((eta_z - c_z) / sigma_z)^2.
  virtual const std::vector<double> &centres() const = 0;
  /// A copy for a pseudo-experiment: the same templates, shape systematics
  /// and sigmas, with other observed counts, auxiliary measurements and
  /// constraint centres (n_observed() values; the auxiliary measurements' values
  /// concatenated in the order of auxiliary_measurements(), nullptr when there
  /// are none; nuisance_count() values; centres of fixed nuisances, sigma = 0,
  /// are ignored).
  /// \throws std::invalid_argument on invalid entries
  virtual std::unique_ptr<BinnedChi2> with_data(const double *observed, const double *auxiliary,
                                                const double *centres) const = 0;
};

/// Ar (COHERENT 2020 LAr) Gaussian least squares, eq. (7)-(9):
///
///   chi2 = sum_ij [(N_exp - sum_z (1 + eta_z + sum_l eps_zl f_zl,ij) N_z,ij)
///                  / sigma_ij]^2 + sum_z (eta_z / sigma_z)^2 + sum_zl eps_zl^2,
///   sigma_ij^2 = N_exp,ij + N_SS,ij / 5   (eq. 8)
///
/// with z = {CEvNS, SS, prompt BRN, delayed BRN} and the shape fractions
/// f_zl,ij = (N_sys - N_CV) / N_CV of eq. (9) for CEvNS (l = F90 energy
/// dependence, t_trig mean) and prompt BRN (l = energy, t_trig mean, t_trig
/// width). The chi2 is exactly quadratic in the 9 nuisances, so profile()
/// solves the 9x9 normal equations (Cholesky) instead of iterating.
///
/// Bins with sigma_ij^2 = 0 (no observed and no SS events): sigma_ij^2 is set
/// to 1 event^2 there. Such a bin then contributes nothing when the prediction
/// in it is 0 (for any nuisances, since every template vanishes there) and
/// (prediction)^2 otherwise, i.e. a non-zero prediction in an empty bin is
/// penalised like a one-event Gaussian uncertainty instead of a division by 0.
///
/// Nuisance order: eta_cevns, eta_ss, eta_prompt_brn, eta_delayed_brn,
/// eps_cevns_f90, eps_cevns_ttrig_mean, eps_brn_energy, eps_brn_ttrig_mean,
/// eps_brn_ttrig_width. A normalisation sigma of 0 fixes that eta at 0 (used
/// when a free signal normalisation replaces eta_cevns).
class ArChi2 final : public BinnedChi2 {
 public:
  static constexpr std::size_t n_nuisances = 9;
  static constexpr std::size_t n_cevns_shapes = 2;
  static constexpr std::size_t n_brn_shapes = 3;

  /// \param observed     N_exp per bin (events, >= 0)
  /// \param ss           steady-state background N_SS per bin (events, >= 0)
  /// \param prompt_brn   prompt beam-related-neutron template (events, >= 0)
  /// \param delayed_brn  delayed beam-related-neutron template (events, >= 0)
  /// \param cevns_shape  (N_sys - N_CV)/N_CV of CEvNS for {F90 energy
  /// dependence,
  ///                     t_trig mean}; 0 where N_CV = 0 (finite, any sign)
  /// \param brn_shape    (N_sys - N_CV)/N_CV of prompt BRN for {energy, t_trig
  /// mean,
  ///                     t_trig width}; 0 where N_CV = 0 (finite, any sign)
  /// \param sigmas       normalisation uncertainties {CEvNS, SS, prompt BRN,
  /// delayed
  ///                     BRN} as fractions (paper: 0.13, 0.0079, 0.32, 1.0); >=
  ///                     0, 0 fixes the nuisance at 0
  /// \throws std::invalid_argument naming the offending argument
  ArChi2(std::vector<double> observed, std::vector<double> ss, std::vector<double> prompt_brn,
         std::vector<double> delayed_brn,
         std::array<std::vector<double>, n_cevns_shapes> cevns_shape,
         std::array<std::vector<double>, n_brn_shapes> brn_shape,
         std::array<double, 4> sigmas = ar_normalisation_sigmas);

  /// Number of bins.
  std::size_t n_bins() const override { return n_; }
  std::size_t nuisance_count() const override { return n_nuisances; }
  /// Normalisation sigmas {CEvNS, SS, prompt BRN, delayed BRN}.
  const std::array<double, 4> &sigmas() const { return sigmas_; }
  /// Names of the 9 nuisances, in the order of ProfileResult::nuisances.
  static std::vector<std::string> nuisance_names();

  void expected(const double *cevns, const double *nuisances, double *out) const override;
  /// cevns (with its eq. 9 shape shifts), ss, prompt_brn (with its shape shifts), delayed_brn.
  std::vector<NamedComponent> components(const double *cevns,
                                         const double *nuisances) const override;
  /// "ss": the steady-state estimate N_SS, variance N_SS / 5 (eq. 8: exposure 5).
  std::vector<AuxiliaryMeasurement> auxiliary_measurements() const override;
  /// (1 + eta_ss) N_SS, clipped at 0: the SS estimate's mean, in signal-window events.
  void auxiliary_expected(const double *cevns, const double *nuisances, double *out) const override;
  /// sigmas() for the eta, 1 for the eps.
  std::vector<double> constraint_widths() const override;
  const std::vector<double> &centres() const override { return centres_; }
  /// sigma_ij of eq. (8) is recomputed from the new observed counts and N_SS
  /// (`auxiliary`: the new N_SS, n_bins values).
  std::unique_ptr<BinnedChi2> with_data(const double *observed, const double *auxiliary,
                                        const double *centres) const override;

  /// chi2 of eq. (7) at given nuisances.
  /// \param cevns      predicted CEvNS events per bin (n_bins values)
  /// \param nuisances  the 9 nuisances in the order of nuisance_names()
  double chi2_at(const double *cevns, const double *nuisances) const;
  double chi2_at(const std::vector<double> &cevns, const std::vector<double> &nuisances) const;

  /// Minimum of eq. (7) over the 9 nuisances (exact: normal equations +
  /// Cholesky, solved for the CEvNS scale 1 + eta_cevns itself so that it keeps
  /// its relative precision for huge predictions). n_eval is 1.
  /// \param cevns predicted CEvNS events per bin (n_bins values, finite, >= 0)
  /// \throws std::invalid_argument on non-finite or negative entries
  ProfileResult profile(const double *cevns) const override;
  ProfileResult profile(const std::vector<double> &cevns) const;
  /// Along g from polynomial moments of the normal equations in x = g^2 (computed
  /// once; each coupling then costs the 9 x 9 solve, not a pass over the bins). chi2
  /// comes from the expanded quadratic form (round-off ~1e-16 of its largest term).
  /// \throws std::invalid_argument on a null, negative (n0) or non-finite template
  std::unique_ptr<CouplingCurve> curve(const double *n0, const double *n1,
                                       const double *n2) const override;

  /// The sums of the normal equations that involve the CEvNS prediction C:
  /// sum w C^2 g_k g_l, sum w C g_k bkg_m and sum w C g_k d with g = {1, f1, f2}.
  struct CevnsSums {
    std::array<std::array<double, 3>, 3> hcc{};
    std::array<std::array<double, 6>, 3> hcb{};
    std::array<double, 3> cd{};
  };
  /// The profile from those sums (the background blocks are the data's): chi2
  /// from the residuals of `cevns` (n_bins values), or without it (nullptr) from
  /// the expanded quadratic form.
  ProfileResult solve(const CevnsSums &sums, const double *cevns) const;
  /// solve(sums, nullptr) along x = g^2, with d1 and d2 the sums' first and second
  /// derivatives in x: slope[0] = d chi2 / dx and slope[1] = d^2 chi2 / dx^2 of the
  /// profiled chi2 (Q_xx - Q_x,theta Q_theta,theta^-1 Q_theta,x at the minimum).
  ProfileResult solve(const CevnsSums &sums, const CevnsSums &d1, const CevnsSums &d2,
                      double slope[2]) const;

 private:
  ProfileResult solve_impl(const CevnsSums &sums, const double *cevns, const CevnsSums *d1,
                           const CevnsSums *d2, double *slope) const;
  std::size_t n_;
  std::array<double, 4> sigmas_;
  // per-bin data, struct-of-arrays
  std::vector<double> w_;        // 1 / sigma_ij^2
  std::vector<double> d_;        // N_exp - (N_SS + N_PBRN + N_DBRN)
  std::vector<double> f1_, f2_;  // CEvNS shape fractions
  // background columns of the design matrix: SS, PBRN, DBRN, PBRN*g1..g3
  std::array<std::vector<double>, 6> bkg_;
  // background-only parts of the normal equations
  std::array<std::array<double, 6>, 6> hbb_{};
  std::array<double, 6> rhs_b_{};
  double rr_b_ = 0.0;
  /// The data's factors of the moments of curve(), kMomentColumns columns of n_ values:
  /// w g_k d, w g_k bkg_0..5 (k = 0..2, 7 columns each), then w g_k g_l (l <= k)
  static constexpr std::size_t kMomentColumns = 27;
  std::vector<double> moment_cols_;
  std::vector<double> centres_ = std::vector<double>(n_nuisances, 0.0);
  /// w_, d_, the SS column and the background blocks from N_exp and N_SS
  /// (the other background columns must be set).
  void set_data(const double *observed, const double *ss);
};

/// How CsiChi2 treats the steady-state (SS) background: option
/// csi2021.ss_model.
///
/// - paper: eq. (6) exactly: the anti-coincidence (AC) histogram is the SS
///   template, exact up to the normalisation nuisance eta_ss (sigma_SS).
/// - measured: the AC counts are a Poisson measurement in a joint likelihood
///   with the coincidence (C) counts. The SS expectation is flat in time
///   within each energy (PE) row i, mu_SS,ij = b_i w_j with w_j the time-bin
///   width over the window's width; b_i (events in the C window) is one free
///   rate per row, constrained by the AC counts of that row, M_i ~
///   Poisson(r b_i) with r = AC exposure / C exposure (only the row sum of the
///   AC counts informs a flat-in-time rate). The rates are profiled exactly
///   (one monotone equation per row, safeguarded Newton) inside every
///   evaluation; the SS normalisation uncertainty is the AC statistics
///   themselves, so eta_ss is not a nuisance (its sigma is set to 0).
struct CsiSsModel {
  /// paper (eq. 6) or measured (joint C + AC likelihood)
  enum class Kind { paper, measured };
  Kind kind = Kind::paper;
  /// measured: widths of the time bins (any unit; n_time values, > 0); the
  /// bins are flattened [energy][time], so n_bins / n_time energy rows
  std::vector<double> time_widths;
  /// measured: exposure of the AC window relative to the C window (> 0;
  /// the release's AC window has the C livetime: 1)
  double ac_exposure = 1.0;
};

/// CsI (COHERENT 2021) Poisson least squares (Baker-Cousins), eq. (6):
///
///   chi2 = 2 sum_ij [mu_ij - N_exp,ij + N_exp,ij ln(N_exp,ij / mu_ij)] + sum_z
///   (eta_z/sigma_z)^2, mu_ij = sum_z (1 + eta_z) N_z,ij,  z = {CEvNS, BRN,
///   NIN, SS},
///
/// with N ln N -> 0 for bins with no observed events. The nuisances are
/// profiled in the component scales s_z = 1 + eta_z >= 0 (so a tiny CEvNS
/// scale, the profile of a huge prediction, keeps its relative precision) by
/// damped projected Newton steps with the analytic 4x4 Hessian, and NLopt's
/// LD_LBFGS (analytic gradient, bounds s_z >= 0) where Newton does not
/// converge. A sigma of 0 fixes that eta at 0.
///
/// With CsiSsModel::Kind::measured the SS term of mu_ij is b_i w_j instead
/// (see CsiSsModel), chi2 gains the Baker-Cousins term of the AC counts,
///   2 sum_i [r b_i - M_i + M_i ln(M_i / (r b_i))],
/// and the rates b_i are profiled exactly at every (eta_cevns, eta_brn,
/// eta_nin) (so chi2_at and gradient are the b-profiled chi2 and its
/// gradient; the outer Newton uses the exact Hessian of the profiled chi2,
/// the Schur complement of the row block). eta_ss is then an output only:
/// the fitted SS total over the AC total / r, minus 1.
///
/// Nuisance order: eta_cevns, eta_brn, eta_nin, eta_ss.
class CsiChi2 final : public BinnedChi2 {
 public:
  static constexpr std::size_t n_nuisances = 4;

  /// \param observed  N_exp per bin (events, >= 0)
  /// \param brn       beam-related-neutron template (events, >= 0)
  /// \param nin       neutrino-induced-neutron template (events, >= 0)
  /// \param ss        steady-state background template (events, >= 0)
  /// \param sigmas    {CEvNS, BRN, NIN, SS} as fractions (paper: 0.12, 0.25,
  /// 0.35,
  ///                  0.021); >= 0, 0 fixes the nuisance at 0 (measured: the
  ///                  SS entry is set to 0)
  /// \param ss_model  paper (eq. 6) or measured (see CsiSsModel); with
  ///                  measured, `ss` is the AC histogram (events per bin)
  /// \throws std::invalid_argument naming the offending argument
  CsiChi2(std::vector<double> observed, std::vector<double> brn, std::vector<double> nin,
          std::vector<double> ss, std::array<double, 4> sigmas = csi_normalisation_sigmas,
          CsiSsModel ss_model = {});

  std::size_t n_bins() const override { return n_; }
  std::size_t nuisance_count() const override { return n_nuisances; }
  const std::array<double, 4> &sigmas() const { return sigmas_; }
  static std::vector<std::string> nuisance_names();

  /// The SS model (paper or measured).
  const CsiSsModel &ss_model() const { return model_; }

  void expected(const double *cevns, const double *nuisances, double *out) const override;
  /// cevns, brn, nin, ss, each (1 + eta_z) N_z (measured: ss = b_i w_j, the profiled rates).
  std::vector<NamedComponent> components(const double *cevns,
                                         const double *nuisances) const override;
  /// "ss": the beam-off (anti-coincidence) histogram counted like the data (exposure 1).
  std::vector<AuxiliaryMeasurement> auxiliary_measurements() const override;
  /// paper: (1 + eta_ss) N_SS, clipped at 0; measured: r b_i w_j with the rates b_i
  /// profiled at the nuisances (the flat-in-time truth of the AC counts).
  void auxiliary_expected(const double *cevns, const double *nuisances, double *out) const override;
  /// measured: the profiled SS rates b_i per energy row (events in the C
  /// window) at the nuisances; paper: empty.
  std::vector<double> ss_rates(const double *cevns, const double *nuisances) const;
  /// sigmas().
  std::vector<double> constraint_widths() const override;
  const std::vector<double> &centres() const override { return centres_; }
  /// `auxiliary`: the new steady-state histogram (n_bins values).
  std::unique_ptr<BinnedChi2> with_data(const double *observed, const double *auxiliary,
                                        const double *centres) const override;

  /// chi2 of eq. (6); +infinity where an expectation is <= 0 in a bin with
  /// observed events (or any expectation is negative).
  double chi2_at(const double *cevns, const double *nuisances) const;
  double chi2_at(const std::vector<double> &cevns, const std::vector<double> &nuisances) const;

  /// Analytic gradient d chi2 / d eta_z of eq. (6) written to grad (4 values);
  /// returns chi2 at the same point. For a fixed nuisance (sigma = 0) only the
  /// data part of the derivative is given (the prior is a constraint there).
  double gradient(const double *cevns, const double *nuisances, double *grad) const;
  std::vector<double> gradient(const std::vector<double> &cevns,
                               const std::vector<double> &nuisances) const;

  /// Minimum of eq. (6) over the 4 nuisances (projected Newton, NLopt
  /// LD_LBFGS fallback). If a bin has observed events but no expected events at all
  /// (every template 0 there), chi2 is +infinity and converged is false.
  /// \throws std::invalid_argument on non-finite or negative entries
  ProfileResult profile(const double *cevns) const override;
  ProfileResult profile_from(const double *cevns, const double *start) const override;
  ProfileResult profile(const std::vector<double> &cevns) const;
  /// Along g (the toys' sweeps): profile_along at each coupling's prediction.
  std::unique_ptr<CouplingCurve> curve(const double *n0, const double *n1,
                                       const double *n2) const override;
  /// profile_from, except that a last Newton step whose predicted gain (half the
  /// Newton decrement lambda^2) is below 5e-7 is taken without evaluating chi2 after
  /// it: chi2 is the quadratic model's minimum, exact to lambda^3 / 3 < 4e-10 (the
  /// chi2 is self-concordant in the scales), and the reported eta_ss is that of the
  /// point before the step (it moves by O(step)). One evaluation fewer per point of
  /// a sweep. Full Newton steps from a decrement below 0.1 (where they lower a
  /// self-concordant function) are taken without the line search, and chi2 is
  /// computed only at the last point (the logarithms are a quarter of the cost);
  /// the minimum is profile_from's to < 4e-10.
  ProfileResult profile_along(const double *cevns, const double *start) const;
  /// profile_along with the derivatives of the profiled chi2 in a parameter t of the
  /// prediction: dcevns and d2cevns are d cevns / dt and d^2 cevns / dt^2 per bin;
  /// slope[0] = d chi2 / dt, slope[1] = d^2 chi2 / dt^2 at the minimum (from the last
  /// evaluated point, moved by its Newton step to first order), NaN where chi2 is not
  /// finite or the profile did not converge; there also the optimum's d eta / dt
  /// (ProfileResult::nuisance_slope: 0 for the fixed and the bound scales).
  ProfileResult profile_along(const double *cevns, const double *start, const double *dcevns,
                              const double *d2cevns, double slope[2]) const;
  /// profile_along (with the derivatives where dcevns, d2cevns and slope are given)
  /// whose `measured` SS rates b_i start from `ss_rates` where it holds one finite
  /// value >= 0 per energy row (e.g. those of the profile at a neighbouring coupling,
  /// closer than the AC counts' estimate), and which returns the profiled rates there.
  /// The start changes the path, not the minimum (the rates are profiled exactly).
  /// With a finite `floor`, the profile stops once a Newton decrement lambda^2 < 0.1
  /// (every scale free, the step inside) proves its minimum above `floor`
  /// (self-concordance: f - f_min <= -lambda - ln(1 - lambda)); chi2 is then the
  /// quadratic model's, within 0.014 of the minimum (CouplingCurve::at_above).
  ProfileResult profile_along(const double *cevns, const double *start,
                              std::vector<double> &ss_rates, const double *dcevns = nullptr,
                              const double *d2cevns = nullptr, double *slope = nullptr,
                              double floor = std::numeric_limits<double>::infinity()) const;

 private:
  std::size_t n_;
  std::array<double, 4> sigmas_;
  std::vector<double> obs_, brn_, nin_, ss_;
  double nlnn_sum_ = 0.0;  // sum_ij N_exp ln N_exp (0 ln 0 = 0)
  double obs_sum_ = 0.0;
  std::vector<double> centres_ = std::vector<double>(n_nuisances, 0.0);
  CsiSsModel model_;
  std::size_t n_time_ = 0;      // measured: time bins per row
  std::vector<double> w_;       // measured: time-bin fractions w_j (sum 1)
  std::vector<double> ac_row_;  // measured: AC counts per row M_i
  /// measured: the rates b_i profiled at the scales of eta (into rates) and
  /// the b-profiled chi2 without the priors
  double measured_rates(const double *cevns, const double *eta, std::vector<double> &rates) const;
  /// profile_from (predict_last false) or profile_along (true)
  /// (ss_rates: see profile_along)
  ProfileResult profile_impl(const double *cevns, const double *start, bool predict_last,
                             const double *dcevns = nullptr, const double *d2cevns = nullptr,
                             double *slope = nullptr, std::vector<double> *ss_rates = nullptr,
                             double floor = std::numeric_limits<double>::infinity()) const;
};

}  // namespace cevns
