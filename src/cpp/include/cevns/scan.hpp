#pragma once
/// \file scan.hpp
/// Coupling scans at fixed mediator mass: chi2(g) = sum_d chi2_d(N0 + g^2 N1 + g^4 N2)
/// summed over data sets d, its minima refined in log g (Brent) and the
/// allowed intervals chi2 <= level with root-found edges. What the (M, g) scans,
/// the 2-sigma contours and Table 2 are made of.
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "cevns/chi2.hpp"
#include "cevns/experiment.hpp"
#include "cevns/rate.hpp"

namespace cevns {

/// chi2 at one point of a coupling profile.
struct CouplingPoint {
  double g = 0.0;
  double chi2 = 0.0;
};

/// chi2 on a coupling grid plus the refined local minima between grid points.
struct CouplingProfile {
  std::vector<double> g;              ///< grid (ascending, g >= 0)
  std::vector<double> chi2;           ///< chi2 on the grid
  std::vector<CouplingPoint> minima;  ///< refined local minima
  /// Smallest chi2 of the grid and the refined minima.
  CouplingPoint best() const;
};

/// An interval [lo, hi] of couplings (hi = +inf when open above).
using Interval = std::pair<double, double>;

/// The profiled chi2 of one model at one mass as a function of the coupling.
/// Shares ownership of the chi2 objects and holds copies of the templates.
/// Thread-safe const methods.
class CouplingChi2 {
 public:
  /// Add a data set: its chi2 (shared) and the templates (each chi2->n_bins() values).
  /// \throws std::invalid_argument on a null chi2 or templates of the wrong size
  void add(std::shared_ptr<const BinnedChi2> chi2, const Templates& templates);

  /// Profiled chi2 summed over the data sets at coupling g (>= 0).
  double operator()(double g) const;

  /// chi2 on a grid, local minima refined by Brent's method in log g.
  /// Throws std::invalid_argument unless the grid is ascending with g >= 0.
  CouplingProfile profile(const std::vector<double>& grid) const;

  /// Intervals of g with chi2 <= level (edges by Brent root finding to
  /// relative 1e-10), from a profile made by profile(). Local maxima between
  /// allowed samples are refined, so a ridge above the level splits the
  /// interval even where no sample lies on it.
  std::vector<Interval> allowed(const CouplingProfile& prof, double level) const;

 private:
  struct Term {
    std::shared_ptr<const BinnedChi2> chi2;
    Templates t;
  };
  /// chi2 at g; with `nuisances` (one vector per term) the iterative profiles
  /// start from them (empty: the default start) and they become the optima
  /// (emptied where chi2 is not finite): warm starts along a scan.
  double evaluate(double g, std::vector<std::vector<double>>* nuisances) const;
  std::vector<Term> terms_;
};

/// chi2(g) of a model (kind and charges; the mass comes from masses_MeV only) at
/// every mass, summed over the experiments: the templates are computed once per
/// mass and experiment (OpenMP over masses) and stay in the core. The result
/// shares the experiments' chi2 (it may outlive the experiments). With
/// `params` the templates are those of the mediator on top of these physics
/// parameters (sin^2 theta_W, R_n, NSI, ...; parameters.hpp); null: each rate's own SM.
/// \throws std::invalid_argument on no experiments, a null pointer or a bad mass
std::vector<CouplingChi2> coupling_chi2_per_mass(const std::vector<const Experiment*>& experiments,
                                                 MediatorKind kind, const Charges& charges,
                                                 const std::vector<double>& masses_MeV,
                                                 const PhysicsParameters* params = nullptr);

/// Profiles of many masses at once (OpenMP over masses; results do not depend
/// on the number of threads). grids[i] is the grid of mass i.
std::vector<CouplingProfile> profile_many(const std::vector<CouplingChi2>& per_mass,
                                          const std::vector<std::vector<double>>& grids,
                                          int n_threads = 0);

/// Allowed intervals of many masses at one level (OpenMP over masses).
std::vector<std::vector<Interval>> allowed_many(const std::vector<CouplingChi2>& per_mass,
                                                const std::vector<CouplingProfile>& profiles,
                                                double level, int n_threads = 0);

/// A coupling grid with seeds at the cancellation couplings of the templates:
/// for every data set, and for their sum, with sum_i N1_i < 0 < sum_i N2_i, the
/// coupling g_f = sqrt(-sum N1 / sum N2) where the Z' term cancels its
/// interference on average (the sign-flipped weak charge, eq. 44-49), and
/// g_f (1 -+ 0.01). The thin strip of allowed couplings there can be far
/// narrower than a grid's spacing; with these seeds a coarse grid brackets it
/// and the Brent refinement of CouplingChi2::profile / the toys finds it.
/// \param grid       ascending couplings (g >= 0)
/// \param templates  templates of one mass, one per data set
/// \return the grid with the seeds merged in (ascending, no duplicates)
std::vector<double> with_cancellation_seeds(std::vector<double> grid,
                                            const std::vector<Templates>& templates);

/// A coupling grid made dense over the cancellation band of the templates. In a
/// bin with N1 < 0 < N2 the prediction N0 + x N1 + x^2 N2 (x = g^2) dips below N0
/// for 0 < x < -N1/N2, deepest at x = -N1/(2 N2); the band of a data set runs from
/// min sqrt(-N1/(2 N2)) / 1.5 to max sqrt(-N1/N2) * 1.5 over those bins (the
/// factors 1.5 take in the flanks of a valley at either end), and couplings
/// log-spaced at `per_decade` per decade over it (clipped to the grid's positive
/// couplings, the search range) are merged into the grid. The
/// narrow valleys of chi2(g) (a cancellation that returns some bins to the data)
/// lie in this band; outside it every bin's prediction moves the same way with g,
/// and a coarse grid resolves chi2 there (bench/plane_density.py checks the toys'
/// minima against a dense reference). No bin with N1 < 0 < N2 (constructive
/// interference, e.g. B-L): the grid unchanged.
/// \param grid        ascending couplings (g >= 0)
/// \param templates   templates of one mass, one per data set
/// \param per_decade  couplings per decade in the band (> 0)
/// \return the grid with the band merged in (ascending, no duplicates)
/// \throws std::invalid_argument if per_decade is not finite and > 0
std::vector<double> with_cancellation_band(std::vector<double> grid,
                                           const std::vector<Templates>& templates,
                                           double per_decade);

/// refined_mass_minimum refines the coarse intervals whose lower end lies within this
/// of the best coarse value (a chi2 difference).
inline constexpr double kMassRefineWindow = 10.0;

/// The smallest value found over a mass grid and where (refined_mass_minimum).
struct MassGridMinimum {
  std::size_t index = 0;  ///< index of the mass in the grid
  double value = 0.0;     ///< the value there
};

/// Minimum over the n masses of an ascending grid of a function evaluated on
/// demand, refined in mass: the rule of the (M, g) plane minimum of the data
/// (plane_minimum) and of every toy (ToyPlane), written once. A coarse pass
/// visits every `stride`-th mass (and the last). Then in every coarse interval
/// whose lower end lies within kMassRefineWindow (10) of the best (and whose ends differ by more
/// than 1e-7: the identical curves of the low- and high-mass plateaus are
/// skipped) the masses of the full grid next to both ends are evaluated; from
/// one below the interval's lower end (a curve that does not dip stays between
/// its ends) a descent along the full grid moves to the lower neighbour until
/// neither is lower. So every coarse local minimum is refined on both sides,
/// and a minimum between two coarse masses whose values fall monotonically (a
/// narrow valley beside a kink where the minimum over g changes branch) is found
/// when the valley reaches a mass next to an end; it costs two values per
/// coarse interval. stride = 1 visits every mass (in any order).
/// \param n       masses in the grid (>= 1)
/// \param stride  coarse stride (>= 1)
/// \param at      at(m): the value at mass m (e.g. chi2 minimised over g);
///                called at most once per m
/// \param probe   empty: the masses next to the coarse ones are evaluated with
///                `at`. Otherwise probe(j, m) is used there instead: an upper bound
///                of at(j), cheaper, from what at(m) found (m the coarse mass next
///                to j, already evaluated); a descent starts (with `at`) only where
///                it lies below the interval's lower end (the toys' rule: probed
///                from the coarse mass's minima along g, ToyPlane)
/// \param same_curve  empty: a coarse interval whose ends differ by at most 1e-7 is
///                skipped (the identical curves of the plateaus). Otherwise only where
///                same_curve(a, b) says that the curves of its ends a < b are the same
///                (equal values alone may also be two masses' same minimum at g = 0,
///                or on the plateau without CEvNS at high g, with a valley between)
/// \throws std::invalid_argument if n or stride is 0
MassGridMinimum refined_mass_minimum(
    std::size_t n, std::size_t stride, const std::function<double(std::size_t)>& at,
    const std::function<double(std::size_t, std::size_t)>& probe = {},
    const std::function<bool(std::size_t, std::size_t)>& same_curve = {});

/// A point of the (M, g) plane and its chi2.
struct PlanePoint {
  double mass_MeV = 0.0;  ///< mediator mass [MeV]
  double g = 0.0;         ///< coupling
  double chi2 = 0.0;      ///< profiled chi2 there
};

/// Minimum of the data's chi2 of a model over the (M, g) plane: each mass
/// profiled on its coupling grid (CouplingChi2::profile, every local minimum
/// refined in log g), the masses by refined_mass_minimum. The templates of a
/// mass are computed only when the search visits it.
/// \param experiments  the data sets (summed chi2)
/// \param masses_MeV   the mass grid [MeV] (ascending when stride > 1)
/// \param grids        coupling grid of each mass (ascending, g >= 0, >= 3 values)
/// \param stride       coarse stride of refined_mass_minimum
/// \param coarse       profiles already computed at the coarse masses (indices 0,
///                     stride, 2 stride, ... and the last, in that order), or empty
/// \param params       physics parameters under the mediator (null: each rate's SM)
/// \param n_threads    threads of the coarse pass when `coarse` is empty (0: default)
/// \throws std::invalid_argument on inconsistent sizes or a mass grid that is not ascending
PlanePoint plane_minimum(const std::vector<const Experiment*>& experiments, MediatorKind kind,
                         const Charges& charges, const std::vector<double>& masses_MeV,
                         const std::vector<std::vector<double>>& grids, std::size_t stride,
                         const std::vector<CouplingProfile>& coarse = {},
                         const PhysicsParameters* params = nullptr, int n_threads = 0);

/// Brent's minimisation of f on [a, b] (golden section + parabolic steps).
/// Returns the abscissa and value of the minimum; tol is the absolute x tolerance.
template <class F>
CouplingPoint brent_minimize(F&& f, double a, double b, double tol, int max_iter = 100);

/// Brent's minimisation of f on [a, b] from a point x0 inside where f = f0 is
/// known (e.g. a grid's local minimum): the search starts there and never ends
/// above f0, so it stays in the valley of x0 where [a, b] holds two.
template <class F>
CouplingPoint brent_minimize_from(F&& f, double a, double x0, double f0, double b, double tol,
                                  int max_iter = 100);

/// Brent's root finding of f on [a, b] with f(a) f(b) <= 0.
template <class F>
double brent_root(F&& f, double a, double b, double fa, double fb, double xtol, int max_iter = 200);

}  // namespace cevns

#include "cevns/detail/brent.hpp"
