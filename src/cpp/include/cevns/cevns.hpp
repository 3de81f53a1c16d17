#pragma once
/// \file cevns.hpp
/// Umbrella header of the cevns C++ core: everything a program needs to build
/// the COHERENT CsI 2021 / Ar 2020 likelihoods from the data directory and
/// evaluate the profiled chi2 of any light-mediator model point, without Python.
///
///   #include <cevns/cevns.hpp>
///   const cevns::Experiment csi = cevns::load_csi2021(data_dir);
///   const cevns::Experiment ar = cevns::load_ar2020(data_dir);
///   const cevns::Mediator m = cevns::paper_model("B-L").mediator(10.0);  // M = 10 MeV
///   double chi2 = cevns::chi2({&csi, &ar}, m, 5e-5);                    // -2 ln L + const
#include "cevns/chi2.hpp"
#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/data.hpp"
#include "cevns/experiment.hpp"
#include "cevns/flux.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/gm2.hpp"
#include "cevns/kinetic_mixing.hpp"
#include "cevns/mediator.hpp"
#include "cevns/models.hpp"
#include "cevns/neutrino.hpp"
#include "cevns/nuclei.hpp"
#include "cevns/nuisances.hpp"
#include "cevns/options.hpp"
#include "cevns/parameters.hpp"
#include "cevns/rate.hpp"
#include "cevns/release_io.hpp"
#include "cevns/response.hpp"
#include "cevns/scan.hpp"
#include "cevns/solar.hpp"
#include "cevns/sources.hpp"
#include "cevns/spectrum.hpp"
#include "cevns/threading.hpp"
#include "cevns/toys.hpp"
#include "cevns/version.hpp"
#include "cevns/xenon_chi2.hpp"
#include "cevns/xenonnt.hpp"
#include "cevns/xenonnt_release.hpp"
