#pragma once
// Private tools of the experiment loaders (not installed): histograms, the
// number of nuclei, time fractions and the hash-checked file set of a loader.
#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "cevns/constants.hpp"
#include "cevns/data.hpp"
#include "cevns/flux.hpp"
#include "cevns/nuisances.hpp"

namespace cevns::detail {

/// Index k of the bin [edges[k], edges[k+1]) holding x (-1 below the first edge).
inline long bin_index(const std::vector<double>& edges, double x) {
  return static_cast<long>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1;
}

inline double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

// The background shapes are histogrammed as differences of cumulative sums of
// the weights sorted by value: the order the frozen reference outputs
// (tests/reference/) were computed with. The CsI free-normalisation fit moves
// at the 1e-8 level with the last bits of the background templates, so this
// order is what reproduces them to 1e-9.

/// Sum of the weights w of the values a per bin [e_k, e_k+1) (the last bin
/// closed), as differences of cumulative sums of the weights sorted by value.
inline std::vector<double> weighted_histogram(const std::vector<double>& a,
                                              const std::vector<double>& w,
                                              const std::vector<double>& edges) {
  std::vector<std::size_t> order(a.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return a[x] < a[y]; });
  std::vector<double> sorted(a.size()), cum(a.size() + 1, 0.0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted[i] = a[order[i]];
    cum[i + 1] = cum[i] + w[order[i]];
  }
  // cumulative weight below each edge (up to and including the last one)
  std::vector<double> below(edges.size());
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const auto it = (k + 1 < edges.size())
                        ? std::lower_bound(sorted.begin(), sorted.end(), edges[k])
                        : std::upper_bound(sorted.begin(), sorted.end(), edges[k]);
    below[k] = cum[static_cast<std::size_t>(it - sorted.begin())];
  }
  std::vector<double> out(edges.size() - 1);
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = below[k + 1] - below[k];
  return out;
}

/// Counts in [x_i, x_i+1) x [y_j, y_j+1) (right edges open, like the analysis cuts),
/// [nx * ny] row-major; `inside` is the number of events counted.
inline std::vector<double> histogram2d(const std::vector<double>& x, const std::vector<double>& y,
                                       const std::vector<double>& xe, const std::vector<double>& ye,
                                       long& inside) {
  const long nx = static_cast<long>(xe.size()) - 1, ny = static_cast<long>(ye.size()) - 1;
  std::vector<double> out(static_cast<std::size_t>(nx * ny), 0.0);
  inside = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const long ix = bin_index(xe, x[k]), iy = bin_index(ye, y[k]);
    if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) continue;
    out[static_cast<std::size_t>(ix * ny + iy)] += 1.0;
    ++inside;
  }
  return out;
}

/// N(nuclei) = N_A M_det / M_molar (eq. 4).
inline double number_of_nuclei(double mass_kg, double molar_mass_g_per_mol) {
  return constants::N_A * mass_kg * 1e3 / molar_mass_g_per_mol;
}

/// Check + read every registered file of a loader; remember its hash.
struct Files {
  std::string data_dir;
  std::map<std::string, std::string> hashes;  // registered path -> sha256
  std::map<std::string, std::string> roles;   // key -> registered path
  std::map<std::string, std::string> paths;   // key -> verified absolute path
  Files(std::string dir, const std::vector<std::pair<std::string, std::string>>& files)
      : data_dir(std::move(dir)) {
    for (const auto& kv : files) {
      paths[kv.first] = verified_path(data_dir, kv.second);
      hashes[kv.second] = registry_entry(kv.second).sha256;
      roles[kv.first] = kv.second;
    }
  }
  const std::string& operator[](const std::string& key) const { return paths.at(key); }
};

/// A nuisance table of normalisations eta_z (one per sigma, a fraction) followed
/// by shape shifts eps_zl (in units of their 1-sigma template).
inline std::vector<NuisanceSpec> nuisance_rows(const std::vector<std::string>& names,
                                               const std::array<double, 4>& sigmas,
                                               const std::array<const char*, 4>& what,
                                               const char* norm_eq, const char* shape_eq) {
  std::vector<NuisanceSpec> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i < sigmas.size())
      out.push_back({names[i], "normalisation", sigmas[i], norm_eq,
                     std::string("normalisation of the ") + what[i] + " events"});
    else
      out.push_back({names[i], "shape", 1.0, shape_eq,
                     "shape shift in units of its 1-sigma template (" + names[i].substr(4) + ")"});
  }
  return out;
}

}  // namespace cevns::detail
