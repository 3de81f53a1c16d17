// Bindings of the pseudo-experiment statistics (toys.hpp). Only type
// conversion lives here: numpy arrays in, a (n_toys, 3) array out.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "cevns/toys.hpp"

namespace py = pybind11;
using namespace cevns;

namespace cevns_bind {

namespace {
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// Templates of one data set from an array of 3 * n values (n0, n1, n2).
Templates templates_of(const double *p, std::size_t n) {
  return Templates{std::vector<double>(p, p + n), std::vector<double>(p + n, p + 2 * n),
                   std::vector<double>(p + 2 * n, p + 3 * n)};
}

std::size_t bins(const std::vector<std::shared_ptr<BinnedChi2>> &c, std::size_t d) {
  return c.at(d)->n_bins();
}

std::size_t auxiliary_size(const BinnedChi2 &c) {
  std::size_t size = 0;
  for (const auto &a : c.auxiliary_measurements()) size += a.values.size();
  return size;
}

/// Rows of a (rows, width) array as vectors; checks the shape.
std::vector<std::vector<double>> rows_of(const Array &a, std::size_t rows, std::size_t width,
                                         const std::string &name) {
  if (static_cast<std::size_t>(a.size()) != rows * width || a.ndim() != 2)
    throw std::invalid_argument(name + ": expected shape (" + std::to_string(rows) + ", " +
                                std::to_string(width) + ")");
  std::vector<std::vector<double>> out(rows);
  for (std::size_t r = 0; r < rows; ++r)
    out[r].assign(a.data() + r * width, a.data() + (r + 1) * width);
  return out;
}
}  // namespace

void register_toys(py::module_ &m) {
  py::class_<ToyPlane>(m, "ToyPlane",
                       "The (M', g') plane of a model as templates on a fixed mass grid: per "
                       "toy the profiled chi2 at the tested point and its minima over g and "
                       "over the plane (toys.hpp).")
      .def(
          py::init([](const std::vector<std::shared_ptr<BinnedChi2>> &chi2s,
                      const std::vector<Array> &tmpl, const std::vector<std::vector<double>> &grids,
                      std::size_t coarse_stride, bool cancellation_seeds, double band_per_decade,
                      bool probe_masses, bool newton_minima, bool skip_far) {
            if (tmpl.size() != chi2s.size())
              throw std::invalid_argument("templates: one array per data set needed");
            const std::size_t n_mass = grids.size();
            std::vector<std::vector<Templates>> t(n_mass, std::vector<Templates>(chi2s.size()));
            for (std::size_t d = 0; d < chi2s.size(); ++d) {
              const std::size_t n = bins(chi2s, d);
              if (static_cast<std::size_t>(tmpl[d].size()) != n_mass * 3 * n)
                throw std::invalid_argument("templates[" + std::to_string(d) +
                                            "]: expected shape (n_mass, 3, n_bins)");
              for (std::size_t k = 0; k < n_mass; ++k)
                t[k][d] = templates_of(tmpl[d].data() + k * 3 * n, n);
            }
            return ToyPlane(
                std::vector<std::shared_ptr<const BinnedChi2>>(chi2s.begin(), chi2s.end()),
                std::move(t), grids, coarse_stride, cancellation_seeds, band_per_decade,
                probe_masses, newton_minima, skip_far);
          }),
          py::arg("chi2s"), py::arg("templates"), py::arg("grids"), py::arg("coarse_stride") = 1,
          py::arg("cancellation_seeds") = false, py::arg("band_per_decade") = 0.0,
          py::arg("probe_masses") = false, py::arg("newton_minima") = false,
          py::arg("skip_far") = false,
          "chi2s: one chi2 per data set; templates: per data set an array (n_mass, 3, "
          "n_bins...) of N0, N1, N2; grids: the coupling grid of each mass; coarse_stride "
          "k > 1: a coarse pass over every k-th mass, each coarse minimum then refined along "
          "the full (ascending) mass grid; cancellation_seeds: every coupling grid gets seeds "
          "at the cancellation couplings of its templates (with_cancellation_seeds); "
          "band_per_decade > 0: every coupling grid is made that dense over the cancellation "
          "band of its templates (with_cancellation_band); probe_masses: the coarse masses on the "
          "low- and high-mass plateaus (and with coarse_stride > 1 the masses next to the "
          "coarse ones) are probed from a mass already swept, not swept themselves; newton_minima: "
          "each local minimum along g found by Newton's method in ln g with the curves' "
          "derivatives where it applies (else Brent's method); skip_far: the sweeps along g step "
          "over the couplings where chi2 stays 10 or more above the smallest chi2 the toy has "
          "found (judged from chi2 and its derivatives at the couplings evaluated).")
      .def_property_readonly("n_datasets", &ToyPlane::n_datasets)
      .def_property_readonly("n_masses", &ToyPlane::n_masses)
      .def(
          "evaluate",
          [](const ToyPlane &self, const std::vector<Array> &observed,
             const std::vector<Array> &auxiliary, const std::vector<Array> &centres,
             const std::vector<Array> &tested, const std::vector<double> &tested_grid, double g,
             bool plane, int n_threads) {
            const std::size_t nd = self.n_datasets();
            if (observed.size() != nd || auxiliary.size() != nd || centres.size() != nd ||
                tested.size() != nd)
              throw std::invalid_argument("evaluate: one entry per data set needed");
            const std::size_t n_toys =
                observed[0].ndim() >= 1 ? static_cast<std::size_t>(observed[0].shape(0)) : 0;
            std::vector<std::vector<ToyData>> toys(n_toys, std::vector<ToyData>(nd));
            std::vector<Templates> t(nd);
            for (std::size_t d = 0; d < nd; ++d) {
              const std::size_t n = self.chi2(d).n_bins(), nn = self.chi2(d).nuisance_count();
              const std::string i = "[" + std::to_string(d) + "]";
              auto o = rows_of(observed[d], n_toys, self.chi2(d).n_observed(), "observed" + i);
              const std::size_t na = auxiliary_size(self.chi2(d));
              auto s = na ? rows_of(auxiliary[d], n_toys, na, "auxiliary" + i)
                          : std::vector<std::vector<double>>(n_toys);
              auto c = rows_of(centres[d], n_toys, nn, "centres" + i);
              for (std::size_t k = 0; k < n_toys; ++k)
                toys[k][d] = ToyData{std::move(o[k]), std::move(s[k]), std::move(c[k])};
              if (static_cast<std::size_t>(tested[d].size()) != 3 * n)
                throw std::invalid_argument("tested" + i + ": expected 3 * n_bins values");
              t[d] = templates_of(tested[d].data(), n);
            }
            std::vector<ToyStatistic> res;
            {
              py::gil_scoped_release release;
              res = self.evaluate_many(toys, t, tested_grid, g, plane, n_threads);
            }
            py::array_t<double> out({n_toys, std::size_t(3)});
            auto w = out.mutable_unchecked<2>();
            for (std::size_t k = 0; k < n_toys; ++k) {
              w(k, 0) = res[k].chi2_point;
              w(k, 1) = res[k].chi2_mass_min;
              w(k, 2) = res[k].chi2_plane_min;
            }
            return out;
          },
          py::arg("observed"), py::arg("auxiliary"), py::arg("centres"), py::arg("tested"),
          py::arg("tested_grid"), py::arg("g"), py::arg("plane") = true, py::arg("n_threads") = 0,
          "Statistics of a batch of toys at the tested point: per data set observed (n_toys, "
          "n_bins), auxiliary measurements (n_toys, their concatenated size; see "
          "BinnedChi2.auxiliary_measurements), centres (n_toys, n_nuisances), tested templates (3, "
          "n_bins...). Returns (n_toys, 3): chi2 at the point, minimum over g at the tested "
          "mass, minimum over the plane (NaN with plane=False). Releases the GIL; OpenMP over "
          "toys (results independent of n_threads).");
}

}  // namespace cevns_bind
