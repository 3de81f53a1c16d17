/// \file xenon_chi2.hpp
/// \brief XENONnT solar 8B CEvNS likelihood (PRL 133 (2024) 191002): an
///        extended binned Poisson likelihood over the 81 bins of each science
///        run (SR), SRs multiplied, with the Gaussian constraints of the
///        collaboration's statistical model and the light- and charge-yield
///        nuisances t_ly, t_qy morphing the nuclear-recoil templates.
///
///   chi2 = 2 sum_runs sum_bins [mu - n + n ln(n / mu)] + sum_z ((s_z - 1)/sigma_z)^2
///          + t_ly^2 + t_qy^2,
///   mu   = s_sig s_b8 S(t_ly, t_qy) + s_ac,r AC + s_er ER + s_nr NR(t_ly, t_qy),
///
/// with n ln n -> 0 for empty bins. The signal S of a run is a fold of the
/// "signal inputs" x (the prediction this chi2 receives, n_bins() values):
///   S_g[b] = sum_k F_g[k][b] x_k   at each of the 7x7 grid points g of
///   (t_ly, t_qy) in {-3, ..., 3}^2,
/// so the same class serves the 2024 statistics route (one input, F_g = the
/// collaboration's 8B template times the exposure) and the physics route (x_k =
/// events per unit efficiency at recoil-energy node k, F_g = the mono-energetic
/// efficiency templates). Between grid points the templates are interpolated
/// bilinearly; by default (XenonMorphing::rate_times_shape, what blueice does
/// for the collaboration's alea model) the total expectation and the normalised
/// shape are interpolated separately and multiplied.
///
/// Nuisances (in this order): eta_signal (signal efficiency - 1), eta_b8_flux
/// (8B flux multiplier - 1), eta_er, eta_nr, t_ly, t_qy, then eta_ac_<run> per
/// run. A sigma of 0 fixes that eta at 0; a sigma of +infinity leaves it free
/// (no constraint term: the flux measurement). Fit ranges are those of the
/// collaboration's model: 1 + eta_signal in [0.5, 1.5], the other multipliers
/// in [0, 100], t_ly and t_qy in [-3, 3]. They are profiled jointly by a
/// projected Newton iteration with the analytic gradient and Hessian: the
/// bilinear morphing is smooth inside each cell of the (t_ly, t_qy) grid and
/// has kinks on the grid lines, so the iteration stays in one cell (its faces
/// act as bounds) and moves to a neighbouring cell only where chi2 keeps
/// falling there; a minimum on a grid line is found exactly. Where Newton does
/// not converge, NLopt's LN_BOBYQA (bounded, derivative free) takes over from
/// its point. profile_nlopt() is the joint BOBYQA minimisation alone (the
/// method before 0.7; the tests' reference).
///
/// Every const method is thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cevns/chi2.hpp"

namespace cevns {

/// Points per axis of the (t_ly, t_qy) grid, t in {-3, ..., 3}.
constexpr std::size_t kXenonGridAxis = 7;
/// Grid points of the (t_ly, t_qy) grid; index g = (t_ly + 3) * 7 + (t_qy + 3).
constexpr std::size_t kXenonGridPoints = kXenonGridAxis * kXenonGridAxis;
/// Analysis bins of one science run (3 x 3 x 3 x 3: cS2, shadow quantile,
/// S1 BDT, S2 BDT; flattened in C order).
constexpr std::size_t kXenonBins = 81;

/// One science run: observed counts and expectations at nominal multipliers.
struct XenonRun {
  std::string name;              ///< e.g. "sr0" (names the AC nuisance eta_ac_<name>)
  std::vector<double> observed;  ///< counts per bin (81, >= 0)
  std::vector<double> ac;        ///< accidental coincidences [events per bin] (81)
  std::vector<double> er;        ///< electronic recoils [events per bin] (81)
  /// radiogenic neutrons [events per bin] at each grid point (49 x 81, g-major)
  std::vector<double> neutron;
  /// signal fold [events per bin per unit input]: 49 x n_inputs x 81 (g, k, b)
  std::vector<double> fold;
  double sigma_ac = 0.0;  ///< relative uncertainty of the AC rate (SR0 0.0904, SR1 0.0576)
};

/// Relative uncertainties of the shared multipliers (collaboration's model).
struct XenonSigmas {
  double signal = 0.25;     ///< signal efficiency
  double b8_flux = 0.0381;  ///< 8B flux (SNO NC); +infinity: free (measurement)
  double er = 1.0;          ///< electronic-recoil rate
  double neutron = 0.58;    ///< radiogenic-neutron rate
};

/// How templates are interpolated between (t_ly, t_qy) grid points.
enum class XenonMorphing {
  rate_times_shape,  ///< bilinear total x bilinear normalised shape (blueice's way)
  histogram,         ///< bilinear interpolation of the expectation per bin
};

class XenonChi2 final : public BinnedChi2 {
 public:
  /// Shared nuisances before the per-run AC ones.
  static constexpr std::size_t n_shared = 6;

  /// \param runs      the science runs (at least one)
  /// \param n_inputs  signal inputs per prediction (fold has 49 x n_inputs x 81 values)
  /// \param sigmas    relative uncertainties (>= 0 or +infinity)
  /// \param morphing  interpolation between grid points
  /// \throws std::invalid_argument naming the offending argument
  XenonChi2(std::vector<XenonRun> runs, std::size_t n_inputs, XenonSigmas sigmas = {},
            XenonMorphing morphing = XenonMorphing::rate_times_shape);

  /// Number of signal inputs (the length of a prediction).
  std::size_t n_bins() const override { return n_inputs_; }
  /// Observed bins: 81 per run.
  std::size_t n_observed() const override { return runs_.size() * kXenonBins; }
  std::size_t nuisance_count() const override { return n_shared + runs_.size(); }
  /// Names in the order of ProfileResult::nuisances.
  std::vector<std::string> nuisance_names() const;
  const std::vector<XenonRun> &runs() const { return runs_; }
  const XenonSigmas &sigmas() const { return sigmas_; }

  /// Expected counts per observed bin (runs concatenated) at given nuisances.
  void expected(const double *inputs, const double *nuisances, double *out) const override;
  /// Signal only (the 8B CEvNS expectation per observed bin) at given nuisances.
  void signal(const double *inputs, const double *nuisances, double *out) const;
  /// The named components of expected() at given nuisances, each n_observed()
  /// values (runs concatenated), in the order "cevns" (the 8B CEvNS signal,
  /// = signal()), "ac" (accidental coincidences), "er" (electronic recoils),
  /// "neutron" (radiogenic neutrons); their sum is expected() [events per bin].
  std::vector<NamedComponent> components(const double *inputs,
                                         const double *nuisances) const override;
  /// Widths of the Gaussian constraints in the units of the nuisances: the
  /// relative sigmas of the multipliers (0 for a free 8B flux: nothing to
  /// draw), 1 for t_ly and t_qy, each run's AC sigma. No auxiliary measurement.
  std::vector<double> constraint_widths() const override;
  const std::vector<double> &centres() const override { return centres_; }
  /// A copy with other observed counts (n_observed values) and constraint
  /// centres; `auxiliary` is ignored (XenonChi2 has no auxiliary measurement).
  std::unique_ptr<BinnedChi2> with_data(const double *observed, const double *auxiliary,
                                        const double *centres) const override;

  /// chi2 at given nuisances (+infinity where an expectation is <= 0 in a bin
  /// with observed events, or outside the fit ranges).
  double chi2_at(const double *inputs, const double *nuisances) const;

  ProfileResult profile(const double *inputs) const override;
  ProfileResult profile_from(const double *inputs, const double *start) const override;
  /// Profile with some nuisances held at given values (fixed[k] true: nuisance
  /// k stays at values[k]); used for likelihood scans of one nuisance.
  ProfileResult profile_fixed(const double *inputs, const std::vector<bool> &fixed,
                              const std::vector<double> &values) const;
  /// profile_fixed() with every free nuisance minimised jointly by NLopt's
  /// LN_BOBYQA from `values` (xtol 1e-9, ftol 1e-11): the derivative-free
  /// reference of the Newton profile (several times slower), kept for checks.
  ProfileResult profile_nlopt(const double *inputs, const std::vector<bool> &fixed,
                              const std::vector<double> &values) const;

 private:
  std::vector<XenonRun> runs_;
  std::size_t n_inputs_;
  XenonSigmas sigmas_;
  XenonMorphing morphing_;
  std::vector<double> centres_;
  double nlnn_sum_ = 0.0;  // sum n ln n (0 ln 0 = 0)
  double obs_sum_ = 0.0;
  // per run: neutron totals and normalised shapes per grid point
  std::vector<std::vector<double>> nr_total_, nr_shape_;
  void set_observed(const double *observed);
  friend struct XenonProblem;
};

}  // namespace cevns
