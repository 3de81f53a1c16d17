// Tests of the strict release-file parsers (cevns/release_io.hpp): the values
// they read from the shared COHERENT data, and malformed copies, whose errors
// must name the file and the line.
#include <doctest/doctest.h>

#include <cevns/release_io.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "testing.hpp"

namespace {

using cevns::MalformedDataError;
using cevns_test::have_data;
using cevns_test::kDataDir;
using cevns_test::read_text;
using cevns_test::TempDir;

std::string csi(const std::string& name) { return kDataDir + "/csi2021/" + name; }
std::string ar(const std::string& name) { return kDataDir + "/ar2020/" + name; }

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// `call` throws MalformedDataError whose message contains `what`.
template <class F>
void malformed(F&& call, const std::string& what) {
  CHECK_THROWS_WITH_AS(call(), doctest::Contains(what.c_str()), MalformedDataError);
}

}  // namespace

TEST_CASE("release: CsI events, shapes and coefficients") {
  if (!have_data()) return;
  const auto c = cevns::io::load_csi_events(csi("dataBeamOnC.txt"));
  CHECK(c.energy_pe.size() == 5142);
  CHECK(cevns::io::load_csi_events(csi("dataBeamOnAC.txt")).time_us.size() == 4890);
  for (const char* name : {"brnPE.txt", "ninPE.txt"}) {
    const auto s = cevns::io::load_csi_shape(csi(name));
    REQUIRE(s.centres.size() == 250);
    CHECK(s.centres.front() == doctest::Approx(0.5));
    CHECK(s.centres.back() == doctest::Approx(249.5));
    CHECK(sum(s.values) > 0);
  }
  const auto t = cevns::io::load_csi_shape(csi("brnTrec.txt"));
  CHECK(t.centres.size() == 650);
  CHECK(t.centres.front() == doctest::Approx(-0.245));
  const auto eff = cevns::io::load_csi_coefficients(csi("effCoefficients.txt"));
  CHECK(eff.size() == 3);
  CHECK(eff.at("nominal") == std::array<double, 4>{1.32045, 0.285979, 10.8646, -0.333322});
  CHECK(eff.at("minus") == std::array<double, 4>{1.297, 0.286592, 11.8832, -0.31028});
  const auto qf = cevns::io::load_csi_coefficients(csi("scintRespCoefficients.txt"));
  CHECK(qf.size() == 5);
  CHECK(qf.at("syst1_minus") == std::array<double, 4>{0.0555126, 4.67765, -130.309, 1050.68});
}

TEST_CASE("release: Ar tables and efficiency") {
  if (!have_data()) return;
  const auto pdf = cevns::io::load_ar_table(ar("cevnspdf.txt"));
  CHECK(pdf.energy.front() == 5.0);
  CHECK(pdf.f90.front() == doctest::Approx(0.525));
  CHECK(pdf.time.front() == doctest::Approx(0.15));
  CHECK(pdf.values[0] == 1.0338);  // first line: (5, 0.525, 0.15)
  CHECK(pdf.values[1] == 3.71085);
  CHECK(sum(pdf.values) == doctest::Approx(128.0).epsilon(1e-5));
  CHECK(sum(pdf.energy_time()) == doctest::Approx(sum(pdf.values)).epsilon(1e-12));
  CHECK(sum(cevns::io::load_ar_table(ar("brnpdf+1sigBRNTimingMean.txt")).values) ==
        doctest::Approx(523.6713).epsilon(1e-5));
  const auto e = cevns::io::load_ar_efficiency(ar("CENNS10AnlAEfficiency.txt"));
  REQUIRE(e.kevee.size() == 80);
  CHECK(e.kevee.front() == 0.25);
  CHECK(e.kevee.back() == 39.75);
  CHECK(e.eff.front() == 0.0);
  CHECK(e.eff.back() == doctest::Approx(0.96345));
}

TEST_CASE("release: malformed generic tables") {
  TempDir tmp("release_io");
  malformed([&] { return cevns::io::load_csi_events(tmp.write("ev.txt", "10 1\n12 2 3\n")); },
            "ev.txt, line 2: expected 2 columns");
  for (const char* bad : {"nan", "inf", "-inf", "abc"})
    malformed(
        [&] {
          return cevns::io::load_csi_events(
              tmp.write("ev.txt", std::string("1 1\n") + bad + " 2\n"));
        },
        "ev.txt, line 2");
  malformed([&] { return cevns::io::load_csi_events(tmp.write("e.txt", "# only\n")); },
            "e.txt: no data lines");
  malformed([&] { return cevns::io::load_csi_events(tmp.write("e.txt", "-1 1\n")); },
            "e.txt, line 1: negative energy");
  malformed(
      [&] { return cevns::io::load_csi_shape(tmp.write("s.txt", "0.5 0\n1.5 0.1\n1.5 0\n")); },
      "s.txt, line 3: bin centre 1.5 does not increase");
  malformed([&] { return cevns::io::load_csi_shape(tmp.write("s.txt", "0.5 0\n1.5 -0.1\n")); },
            "s.txt, line 2: negative shape value");
  malformed(
      [&] { return cevns::io::load_csi_coefficients(tmp.write("c.txt", "# other\n1 2 3 4\n")); },
      "c.txt: the header comments name neither");
  malformed(
      [&] {
        return cevns::io::load_ar_efficiency(tmp.write("f.txt", "0.25 1.0 0.0\n0.75 3.0 1.2\n"));
      },
      "f.txt, line 2: efficiency 1.2 is outside [0, 1]");
}

TEST_CASE("release: malformed copies of the real files") {
  if (!have_data()) return;
  TempDir tmp("release_copies");
  const std::string scint = read_text(csi("scintRespCoefficients.txt"));
  auto lines = lines_of(scint);
  lines.pop_back();
  malformed([&] { return cevns::io::load_csi_coefficients(tmp.write("q.txt", joined(lines))); },
            "q.txt: expected 5 coefficient rows");
  malformed(
      [&] {
        return cevns::io::load_csi_coefficients(tmp.write(
            "q.txt", replaced(scint, "Syst model 0, -1 sigma", "Syst model 1, -1 sigma")));
      },
      "announces syst1_minus");
  const std::string eff = read_text(csi("effCoefficients.txt"));
  malformed(
      [&] {
        return cevns::io::load_csi_coefficients(tmp.write(
            "eff.txt",
            replaced(eff, "1.3439  0.285366 9.84596 -0.356364", "1.3439  0.285366 9.84596")));
      },
      "eff.txt, line 10: expected 4 columns");

  auto table = lines_of(read_text(ar("cevnspdf.txt")));
  table.pop_back();
  malformed([&] { return cevns::io::load_ar_table(tmp.write("t.txt", joined(table))); },
            "t.txt: expected 960 rows");
  auto dup = lines_of(read_text(ar("bkgpdf.txt")));
  dup[5] = dup[4];
  malformed([&] { return cevns::io::load_ar_table(tmp.write("t.txt", joined(dup))); },
            ": duplicate cell");
  auto nan = lines_of(read_text(ar("delbrnpdf.txt")));
  nan[10] = nan[10].substr(0, nan[10].find_last_of(" \t")) + " nan";
  malformed([&] { return cevns::io::load_ar_table(tmp.write("t.txt", joined(nan))); },
            "t.txt, line 11: non-finite");

  const std::string yaml = read_text(ar("LArParametersAnlA.yaml"));
  malformed(
      [&] {
        return cevns::io::load_ar_parameters(
            tmp.write("p.yaml", replaced(yaml, "fiducialMass:", "fiducialMassX:")));
      },
      "p.yaml: missing key 'fiducialMass");
  malformed(
      [&] {
        return cevns::io::load_ar_parameters(tmp.write(
            "p.yaml",
            replaced(yaml, "- name: b\n      value: 150", "- name: c\n      value: 150")));
      },
      "p.yaml: snsPOTTraceTiming.parameters has no parameter named 'b'");
  malformed(
      [&] {
        return cevns::io::load_ar_parameters(
            tmp.write("p.yaml", replaced(yaml, "units: E22 POT", "units: POT")));
      },
      "p.yaml: beamExposure.units is 'POT'");
}
