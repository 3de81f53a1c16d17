#pragma once
/// \file response.hpp
/// Detector response: the probability that a nuclear recoil of true energy T
/// is reconstructed in a given analysis bin and passes the selection -- the
/// quenching, resolution and efficiency of eq. (4)-(5).
#include <array>
#include <memory>
#include <vector>

namespace cevns {

/// Interface: P(bin [lo, hi) and selected | T).
///
/// Thread-safety contract: BinnedRate builds its response matrices by calling
/// bin_probability from several OpenMP threads at once on the same object (in
/// its constructor, once per recoil node and bin), so an implementation must be
/// safe for concurrent const calls: no mutable state (or only state guarded by
/// its own synchronisation), no global state, no Python callbacks that need the
/// GIL. It may throw (e.g. a domain error): the core's parallel loop keeps the
/// first exception and rethrows it after the loop (std::invalid_argument naming
/// the rate engine). It must be deterministic -- the same T, lo, hi give the
/// same value on every call and thread -- so results do not depend on the
/// number of threads. A BinnedRate shares ownership of its ResponseModel
/// (std::shared_ptr) and never modifies it.
class ResponseModel {
 public:
  virtual ~ResponseModel() = default;
  /// \param T_MeV true nuclear recoil energy; \param lo, hi edges of the
  /// reconstructed-energy bin in the detector's unit (PE or keVee).
  virtual double bin_probability(double T_MeV, double lo, double hi) const = 0;
};

/// A tabulated efficiency, linearly interpolated, flat at the first/last value
/// outside the table (the Ar release's convention).
struct EfficiencyTable {
  std::vector<double> x;
  std::vector<double> eff;
  double operator()(double xv) const;
};

/// CENNS-10 liquid argon (Analysis A): E_ee = QF(T) T with QF = a + b T[keVnr];
/// gaussian resolution sigma/E = r/sqrt(E/keVee); efficiency in reconstructed keVee.
class ArgonResponse final : public ResponseModel {
 public:
  ArgonResponse(double qf_a, double qf_b_per_keVnr, double resolution_a, EfficiencyTable eff);
  double bin_probability(double T_MeV, double lo_keVee, double hi_keVee) const override;
  /// Mean electron-equivalent energy [keVee] of a recoil T [MeV].
  double electron_equivalent_keVee(double T_MeV) const;

 private:
  double qf_a_, qf_b_, res_a_;
  EfficiencyTable eff_;
};

/// COHERENT CsI[Na] 2021: E_ee(T) = a T + b T^2 + c T^3 + d T^4 [MeVee, T in MeVnr],
/// light yield LY PE/keVee, gamma-distributed reconstructed PE
///   P(x) = (a'(1+b'))^(1+b')/Gamma(1+b') x^b' exp(-a'(1+b')x), a' = 1/(LY E_ee), b' = r_b E_ee,
/// so the mean is LY E_ee PE and the relative width 1/sqrt(1 + b') (the release's
/// a' = 0.0749/E_ee is 1/(13.35 E_ee): the light yield, not a separate parameter);
/// efficiency in PE: A/(1+exp(-B(x-C))) + D, clipped at 0.
class CsIResponse final : public ResponseModel {
 public:
  CsIResponse(std::array<double, 4> quenching_poly, double light_yield_pe_per_keVee, double res_b,
              std::array<double, 4> efficiency);
  double bin_probability(double T_MeV, double lo_pe, double hi_pe) const override;
  double electron_equivalent_keVee(double T_MeV) const;
  double efficiency(double pe) const;

 private:
  std::array<double, 4> qf_;
  double ly_, res_b_;
  std::array<double, 4> eff_;
};

}  // namespace cevns
