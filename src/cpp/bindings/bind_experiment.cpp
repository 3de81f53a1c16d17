// Bindings of the experiments (cevns/experiment.hpp), their option tables
// (cevns/options.hpp), nuisances (cevns/nuisances.hpp) and the paper's models
// (cevns/models.hpp). cevns.experiments and cevns.models wrap these.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

#include "bindings.hpp"
#include "cevns/experiment.hpp"
#include "cevns/models.hpp"
#include "cevns/nuisances.hpp"
#include "cevns/options.hpp"

namespace py = pybind11;
using namespace cevns;

namespace cevns_bind {

namespace {

/// Values per [energy][time] bin as a (n_energy, n_time) array; other sizes (the
/// analysis bins of a chi2 that folds the prediction) as a flat array.
py::array_t<double> grid(const std::vector<double>& v, const Experiment& e) {
  if (v.size() != e.n_bins()) {
    py::array_t<double> flat(v.size());
    std::copy(v.begin(), v.end(), flat.mutable_data());
    return flat;
  }
  py::array_t<double> out({e.n_energy(), e.n_time()});
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::array_t<double> vec(const std::vector<double>& v) {
  py::array_t<double> out(v.size());
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::dict grids(const std::map<std::string, std::vector<double>>& m, const Experiment& e) {
  py::dict d;
  for (const auto& kv : m) d[py::str(kv.first)] = grid(kv.second, e);
  return d;
}

std::vector<double> flat_prediction(
    const Experiment& e, py::array_t<double, py::array::c_style | py::array::forcecast> a) {
  if (static_cast<std::size_t>(a.size()) != e.n_bins())
    throw std::invalid_argument(e.name() + ": the prediction has " + std::to_string(a.size()) +
                                " values, expected " + std::to_string(e.n_energy()) + " x " +
                                std::to_string(e.n_time()));
  return std::vector<double>(a.data(), a.data() + a.size());
}

/// Python class of cevns.errors with this name (imported when an error is translated).
void raise_as(const char* cls, const std::exception& e) {
  py::object type = py::module_::import("cevns.errors").attr(cls);
  PyErr_SetString(type.ptr(), e.what());
}

}  // namespace

void register_experiment(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const OptionError& e) {
      raise_as("InputError", e);
    } catch (const MissingDataError& e) {
      raise_as("MissingDataError", e);
    } catch (const HashMismatchError& e) {
      raise_as("HashMismatchError", e);
    } catch (const MalformedDataError& e) {
      raise_as("MalformedDataError", e);
    } catch (const DataError& e) {
      raise_as("DataError", e);
    }
  });

  py::class_<Experiment>(m, "Experiment",
                         "A COHERENT data set built in C++ from the data directory "
                         "(cevns/experiment.hpp).")
      .def_property_readonly("name", &Experiment::name)
      .def_property_readonly("energy_unit", &Experiment::energy_unit)
      .def_property_readonly("energy_edges",
                             [](const Experiment& e) { return vec(e.energy_edges()); })
      .def_property_readonly("time_edges", [](const Experiment& e) { return vec(e.time_edges()); })
      .def_property_readonly(
          "shape", [](const Experiment& e) { return py::make_tuple(e.n_energy(), e.n_time()); })
      .def_property_readonly("observed", [](const Experiment& e) { return grid(e.observed(), e); })
      .def_property_readonly("backgrounds",
                             [](const Experiment& e) { return grids(e.backgrounds(), e); })
      .def_property_readonly("shape_systematics",
                             [](const Experiment& e) { return grids(e.shape_systematics(), e); })
      .def_property_readonly("reference",
                             [](const Experiment& e) { return grids(e.reference(), e); })
      .def_property_readonly("settings", &Experiment::settings,
                             "Every option, resolved, as canonical text (option_table names).")
      .def_property_readonly("rate", &Experiment::rate, py::return_value_policy::reference_internal,
                             "The rate engine (BinnedRate).")
      .def_property_readonly(
          "binned_chi2",
          [](const Experiment& e) { return std::const_pointer_cast<BinnedChi2>(e.chi2_ptr()); },
          "The profiled chi2 of the data set (CsiChi2 or ArChi2).")
      .def_property_readonly("data_files", &Experiment::data_files)
      .def_property_readonly("data_file_roles", &Experiment::data_file_roles)
      .def_property_readonly("nuisance_names", &Experiment::nuisance_names)
      .def_property_readonly("ignored_events",
                             [](const Experiment& e) {
                               py::list out;
                               for (const auto& i : e.ignored_events())
                                 out.append(py::make_tuple(i.file, i.total, i.inside));
                               return out;
                             })
      .def(
          "predict",
          [](const Experiment& e, const Mediator& med, double g) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = e.predict(med, g);
            }
            return grid(v, e);
          },
          py::arg("mediator"), py::arg("coupling") = 0.0,
          "Binned CEvNS prediction (eq. 4), shape (n_energy, n_time).")
      .def(
          "templates",
          [](const Experiment& e, const Mediator& med) {
            Templates t;
            {
              py::gil_scoped_release release;
              t = e.templates(med);
            }
            return py::make_tuple(grid(t.n0, e), grid(t.n1, e), grid(t.n2, e));
          },
          py::arg("mediator"), "(N0, N1, N2): prediction = N0 + g^2 N1 + g^4 N2.")
      .def(
          "profile",
          [](const Experiment& e,
             py::array_t<double, py::array::c_style | py::array::forcecast> pred) {
            const std::vector<double> v = flat_prediction(e, pred);
            py::gil_scoped_release release;
            return e.profile(v);
          },
          py::arg("prediction"), "Profiled chi2 (-2 ln L + const) of a CEvNS prediction.")
      .def(
          "chi2",
          [](const Experiment& e, const Mediator& med, double g) {
            py::gil_scoped_release release;
            return e.chi2(med, g);
          },
          py::arg("mediator"), py::arg("coupling") = 0.0, "Profiled chi2 of one model point.");

  m.def(
      "load_experiment",
      [](const std::string& name, const std::string& data_dir,
         const std::map<std::string, std::string>& options) {
        py::gil_scoped_release release;
        return load_experiment(name, data_dir, options);
      },
      py::arg("name"), py::arg("data_dir"),
      py::arg("options") = std::map<std::string, std::string>{},
      "Build an experiment (experiment_names()) from data_dir (hash-checked), with options "
      "as text keyed by option_table(name).");

  py::class_<OptionSpec>(m, "OptionSpec", "One row of an experiment's option table.")
      .def_readonly("name", &OptionSpec::name)
      .def_property_readonly("type", [](const OptionSpec& o) { return to_string(o.type); })
      .def_property_readonly("default",
                             [](const OptionSpec& o) -> py::object {
                               if (o.default_value.empty()) return py::none();
                               return py::str(o.default_value);
                             })
      .def_readonly("choices", &OptionSpec::choices)
      .def_readonly("min", &OptionSpec::min)
      .def_readonly("max", &OptionSpec::max)
      .def_readonly("min_exclusive", &OptionSpec::min_exclusive)
      .def_readonly("unit", &OptionSpec::unit)
      .def_readonly("doc", &OptionSpec::doc)
      .def("accepted", &OptionSpec::accepted)
      .def("__repr__", [](const OptionSpec& o) { return "<OptionSpec " + o.name + ">"; });
  m.def("experiment_names", &experiment_names, "The registered experiments, in registry order.");
  m.def("option_table", &option_table, py::arg("experiment"), py::return_value_policy::copy);
  m.def("check_option",
        static_cast<std::string (*)(const std::string&, const std::string&, const std::string&)>(
            &check_option),
        py::arg("experiment"), py::arg("name"), py::arg("value"),
        "Canonical text of one option value; raises InputError naming what is accepted.");

  py::class_<NuisanceSpec>(m, "NuisanceSpec", "One nuisance parameter of an experiment's chi2.")
      .def_readonly("name", &NuisanceSpec::name)
      .def_readonly("kind", &NuisanceSpec::kind)
      .def_readonly("sigma", &NuisanceSpec::sigma)
      .def_readonly("equation", &NuisanceSpec::equation)
      .def_readonly("doc", &NuisanceSpec::doc);
  m.def("nuisance_table", &nuisance_table, py::arg("experiment"));

  py::class_<ExperimentDefinition>(m, "ExperimentDefinition",
                                   "A registered experiment: name, labels, option and nuisance "
                                   "tables, component and auxiliary-measurement names.")
      .def_readonly("name", &ExperimentDefinition::name)
      .def_readonly("label", &ExperimentDefinition::label)
      .def_readonly("description", &ExperimentDefinition::description)
      .def_readonly("options", &ExperimentDefinition::options)
      .def_readonly("nuisances", &ExperimentDefinition::nuisances)
      .def_readonly("components", &ExperimentDefinition::components)
      .def_readonly("auxiliary_measurements", &ExperimentDefinition::auxiliary_measurements)
      .def_readonly("recoil_max_keV", &ExperimentDefinition::recoil_max_keV)
      .def("__repr__",
           [](const ExperimentDefinition& d) { return "<ExperimentDefinition " + d.name + ">"; });
  // definitions live as long as the program: returned by reference
  m.def("experiment_definition", &experiment_definition, py::arg("name"),
        py::return_value_policy::reference,
        "The definition of a registered experiment; raises InputError naming the registered ones.");
  m.def("dataset_members", &dataset_members, py::arg("dataset"),
        "The registered experiments of a data set: a name, a '+'-joined list or 'combined'.");

  m.def(
      "combined_chi2",
      [](const std::vector<const Experiment*>& exps, const Mediator& med, double g) {
        py::gil_scoped_release release;
        return chi2(exps, med, g);
      },
      py::arg("experiments"), py::arg("mediator"), py::arg("coupling"),
      "Sum of the profiled chi2 of the experiments at one model point.");
  py::class_<NamedModel>(m, "NamedModel", "A model without its mass: kind and U(1)' charges.")
      .def(py::init([](std::string name, MediatorKind kind, const Charges& charges, bool anomalous,
                       std::string description) {
             return NamedModel{std::move(name), kind, charges, anomalous, std::move(description)};
           }),
           py::arg("name"), py::arg("kind"), py::arg("charges"), py::arg("anomalous") = false,
           py::arg("description") = "")
      .def_readonly("name", &NamedModel::name)
      .def_readonly("kind", &NamedModel::kind)
      .def_readonly("charges", &NamedModel::charges)
      .def_readonly("anomalous", &NamedModel::anomalous)
      .def_readonly("description", &NamedModel::description)
      .def("mediator", &NamedModel::mediator, py::arg("mass_MeV"));
  m.def("paper_models", &paper_models, "The paper's 11 models, in the order of Table 2.");
  m.def("paper_model", &paper_model, py::arg("name"));
}

}  // namespace cevns_bind
