/// \file xenonnt_release.hpp
/// \brief The XENONnT solar 8B data release (CC-BY-4.0, Zenodo DOI
///        10.5281/zenodo.20576156) as the core reads it: events and binning
///        of each science run, and every template from the compact file that
///        `cevns data import` writes from the release's HDF5 files
///        (xenonnt/cevns-templates-v1.bin; layout documented in
///        python/cevns/data/xenonnt.py). Every file is hash-checked against the
///        registry before it is read.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "cevns/xenon_chi2.hpp"

namespace cevns {

/// Livetime x fiducial mass of the science runs [t yr] (statistical_model_base.yaml
/// of the collaboration; SR2 from the 2026 analysis).
constexpr std::array<double, 3> kXenonntExposure = {1.174398, 2.342593, 3.249665};
/// Relative uncertainty of the AC rate per science run (SR0, SR1; SR2 is not
/// published: the SR1 value is used, marked as not validated).
constexpr std::array<double, 3> kXenonntSigmaAc = {0.0904, 0.0576, 0.0576};

/// One science run of the release: templates per tonne-year and events.
struct XenonntRunData {
  std::array<std::array<double, 4>, 4> edges{};  ///< bin edges of the 4 observables
  std::vector<double> observed;                  ///< events per bin (81)
  std::vector<double> ac, er;                    ///< [events / t / yr per bin] (81)
  std::vector<double> neutron;                   ///< [events / t / yr] 49 x 81
  std::vector<double> mono_energy;               ///< recoil energies [keV] of the mono templates
  /// detection efficiency per bin: mono_energy.size() x 49 x 81 (energy, grid point, bin)
  std::vector<double> mono;
};

/// The release: science runs 0, 1, 2.
struct XenonntRelease {
  std::array<XenonntRunData, 3> runs;
};

/// Relative paths of the files read (registered in data/registry.json).
std::vector<std::string> xenonnt_release_files();

/// Read and verify the release from a data directory holding xenonnt/.
/// \throws MissingDataError, HashMismatchError, MalformedDataError (naming the file)
XenonntRelease read_xenonnt_release(const std::string &data_dir);

/// Parse the compact template file (no hash check; for tests and tools).
/// \throws MalformedDataError naming the file
XenonntRelease read_xenonnt_templates(const std::string &path);

/// Bin the events of a release CSV (",cs2,s2_shadow...,s1_bdt_score,s2_bdt_score")
/// with the given edges (lower edge inclusive, the last bin also its upper edge).
/// \throws MalformedDataError naming the file and line (also for an event outside the range)
std::vector<double> bin_xenonnt_events(const std::string &path,
                                       const std::array<std::array<double, 4>, 4> &edges);

/// Bin edges from a binning/sr*.yaml file ("name:" lines followed by "- value").
std::array<std::array<double, 4>, 4> read_xenonnt_binning(const std::string &path);

}  // namespace cevns
