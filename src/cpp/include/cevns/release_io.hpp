#pragma once
/// \file release_io.hpp
/// Strict parsers of the COHERENT release files, the only ones of the project
/// (the Python package reads the data through the core). None of them guesses:
/// a line with the wrong number of columns, a value that is not a finite
/// number, or a grid that is incomplete or irregular throws
/// cevns::MalformedDataError naming the file and the line. The parsers take a path and do not check
/// hashes: use cevns::verified_path() first.
#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "cevns/data.hpp"

namespace cevns::io {

/// A whitespace-separated numeric table (blank and '#' lines skipped).
struct Table {
  std::size_t n_cols = 0;
  std::vector<double> values;  ///< [n_rows * n_cols], row-major
  std::vector<int> lines;      ///< 1-based line number of each row
  std::size_t n_rows() const { return lines.size(); }
  double at(std::size_t row, std::size_t col) const { return values[row * n_cols + col]; }
};

/// Read a table whose every data line has n_cols finite numbers.
/// \throws MalformedDataError on a wrong column count, a non-number, a
///         non-finite value, no data lines; MissingDataError if unreadable
Table read_table(const std::string& path, std::size_t n_cols);

/// CsI selected events (dataBeamOnC.txt / dataBeamOnAC.txt).
struct Events {
  std::vector<double> energy_pe;  ///< reconstructed energy [PE], >= 0
  std::vector<double> time_us;    ///< recoil time [us]
};
Events load_csi_events(const std::string& path);

/// A CsI background shape (brnPE, brnTrec, ninPE, ninTrec): evenly spaced,
/// strictly increasing bin centres and non-negative values.
struct Shape1D {
  std::vector<double> centres;
  std::vector<double> values;
};
Shape1D load_csi_shape(const std::string& path);

/// effCoefficients.txt ({"nominal", "plus", "minus"}: eff(x) = a/(1+exp(-b(x-c)))+d,
/// x in PE) or scintRespCoefficients.txt ({"nominal", "syst0_plus", "syst0_minus",
/// "syst1_plus", "syst1_minus"}: Eee = aT + bT^2 + cT^3 + dT^4, T in MeVnr, Eee in
/// MeVee); each value is {a, b, c, d}.
std::map<std::string, std::array<double, 4>> load_csi_coefficients(const std::string& path);

/// Shape (energy, F90, time) of the Ar 3-D tables.
inline constexpr std::array<std::size_t, 3> ar_grid_shape{12, 8, 10};

/// A 3-D table of the Ar release (energy x F90 x time bins).
struct ArTable {
  std::vector<double> energy;  ///< energy bin centres [keVee] (12)
  std::vector<double> f90;     ///< F90 bin centres (8)
  std::vector<double> time;    ///< time bin centres [us] (10)
  std::vector<double> values;  ///< [energy][f90][time], row-major
  /// The table summed over F90 (in F90 order), [energy][time] row-major.
  std::vector<double> energy_time() const;
};
ArTable load_ar_table(const std::string& path);

/// CENNS10AnlAEfficiency.txt.
struct ArEfficiency {
  std::vector<double> kevee;  ///< bin centres [keVee], evenly spaced
  std::vector<double> kevnr;  ///< bin centres [keVnr], increasing
  std::vector<double> eff;    ///< efficiency in [0, 1]
};
ArEfficiency load_ar_efficiency(const std::string& path);

/// The values of LArParametersAnlA.yaml the Ar model uses.
struct ArParameters {
  double exposure_pot;        ///< beamExposure [POT] (13.8e22)
  double distance_m;          ///< distanceToTarget [m]
  double fiducial_mass_kg;    ///< fiducialMass [kg]
  double nu_per_pot;          ///< neutrinosPerProton [nu/flavour/POT]
  double qf_a;                ///< larQF a (QF = a + b T[keVnr])
  double qf_b;                ///< larQF b [1/keVnr]
  double resolution_a;        ///< energyResolution a [keVee^1/2] (sigma/E = a/sqrt(E))
  double pot_trace_mean_ns;   ///< snsPOTTraceTiming a [ns]
  double pot_trace_sigma_ns;  ///< snsPOTTraceTiming b [ns]
};
/// Parse the (small YAML subset of the) Ar parameter file.
/// \throws MalformedDataError if a key or unit is missing or unexpected
ArParameters load_ar_parameters(const std::string& path);

}  // namespace cevns::io
