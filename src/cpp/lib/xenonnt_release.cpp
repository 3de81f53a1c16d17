/// \file xenonnt_release.cpp
/// \brief Reader of the XENONnT solar 8B release (xenonnt_release.hpp).
#include "cevns/xenonnt_release.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "cevns/data.hpp"

namespace cevns {
namespace {

const char *kConverted = "xenonnt/cevns-templates-v1.bin";

[[noreturn]] void malformed(const std::string &path, const std::string &what) {
  throw MalformedDataError(path + ": " + what);
}

template <class T>
T read_le(const unsigned char *p) {  // little-endian, any host
  T v;
  unsigned char b[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) b[i] = p[i];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  std::reverse(b, b + sizeof(T));
#endif
  std::memcpy(&v, b, sizeof(T));
  return v;
}

}  // namespace

std::vector<std::string> xenonnt_release_files() {
  std::vector<std::string> out = {kConverted};
  for (int sr = 0; sr < 3; ++sr) {
    out.push_back("xenonnt/binning/sr" + std::to_string(sr) + ".yaml");
    out.push_back("xenonnt/data/sr" + std::to_string(sr) + ".csv");
  }
  return out;
}

std::array<std::array<double, 4>, 4> read_xenonnt_binning(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw MissingDataError("cannot open " + path);
  std::array<std::array<double, 4>, 4> edges{};
  int axis = -1, k = 0, line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    const auto a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    const auto b = line.find_last_not_of(" \t\r");
    const std::string t = line.substr(a, b - a + 1);
    const std::string where = path + ":" + std::to_string(line_no);
    if (t.back() == ':') {
      if (axis >= 0 && k != 4) malformed(where, "expected 4 edges per observable");
      if (++axis >= 4) malformed(where, "more than 4 observables");
      k = 0;
    } else if (t.rfind("- ", 0) == 0 && axis >= 0) {
      char *end = nullptr;
      const double v = std::strtod(t.c_str() + 2, &end);
      if (*end != '\0' || !std::isfinite(v) || k >= 4) malformed(where, "bad edge '" + t + "'");
      if (k > 0 && !(v > edges[axis][k - 1])) malformed(where, "edges must increase");
      edges[axis][k++] = v;
    } else {
      malformed(where, "expected 'name:' or '- value', got '" + t + "'");
    }
  }
  if (axis != 3 || k != 4) malformed(path, "expected 4 observables with 4 edges each");
  return edges;
}

std::vector<double> bin_xenonnt_events(const std::string &path,
                                       const std::array<std::array<double, 4>, 4> &edges) {
  std::ifstream in(path);
  if (!in) throw MissingDataError("cannot open " + path);
  std::vector<double> counts(kXenonBins, 0.0);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) {
      if (line.rfind(",cs2,s2_shadow", 0) != 0)
        malformed(path + ":1",
                  "expected the header ',cs2,s2_shadow_...,s1_bdt_score,s2_bdt_score'");
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::stringstream ss(line);
    std::string tok;
    std::vector<double> v;
    while (std::getline(ss, tok, ',')) {
      char *end = nullptr;
      const double x = std::strtod(tok.c_str(), &end);
      if (end == tok.c_str() || !std::isfinite(x))
        malformed(path + ":" + std::to_string(line_no), "not a number: '" + tok + "'");
      v.push_back(x);
    }
    if (v.size() != 5) malformed(path + ":" + std::to_string(line_no), "expected 5 columns");
    std::size_t flat = 0;
    for (std::size_t a = 0; a < 4; ++a) {
      const double x = v[a + 1];
      const auto &e = edges[a];
      if (x < e[0] || x > e[3])
        malformed(path + ":" + std::to_string(line_no), "event outside the analysis range");
      std::size_t i = x >= e[2] ? 2 : (x >= e[1] ? 1 : 0);
      flat = flat * 3 + i;
    }
    counts[flat] += 1.0;
  }
  return counts;
}

XenonntRelease read_xenonnt_templates(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MissingDataError("cannot open " + path);
  std::vector<unsigned char> buf((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
  constexpr std::size_t header = 16, rec = 8 + 12 + 8 + 8 * kXenonBins;
  if (buf.size() < header || std::memcmp(buf.data(), "CVXNT001", 8) != 0)
    malformed(path, "not a cevns XENONnT template file (magic CVXNT001)");
  const auto n_rec = read_le<std::uint32_t>(buf.data() + 8);
  const auto n_bins = read_le<std::uint32_t>(buf.data() + 12);
  if (n_bins != kXenonBins || buf.size() != header + n_rec * rec)
    malformed(path, "size does not match its header");
  XenonntRelease rel;
  // mono: (sr, energy) -> 49 x 81
  std::array<std::map<long, std::vector<double>>, 3> mono;
  std::array<std::vector<char>, 3> rg_seen;
  for (auto &r : rel.runs) {
    r.neutron.assign(kXenonGridPoints * kXenonBins, 0.0);
  }
  for (auto &s : rg_seen) s.assign(kXenonGridPoints, 0);
  for (std::uint32_t i = 0; i < n_rec; ++i) {
    const unsigned char *p = buf.data() + header + i * rec;
    char comp[9] = {};
    std::memcpy(comp, p, 8);
    const int sr = read_le<std::int32_t>(p + 8);
    const int tly = read_le<std::int32_t>(p + 12);
    const int tqy = read_le<std::int32_t>(p + 16);
    const double e = read_le<double>(p + 20);
    std::vector<double> v(kXenonBins);
    for (std::size_t b = 0; b < kXenonBins; ++b) v[b] = read_le<double>(p + 28 + 8 * b);
    if (sr < 0 || sr > 2 || tly < -3 || tly > 3 || tqy < -3 || tqy > 3)
      malformed(path, "record " + std::to_string(i) + ": index out of range");
    auto &run = rel.runs[static_cast<std::size_t>(sr)];
    const std::size_t g = static_cast<std::size_t>((tly + 3) * 7 + (tqy + 3));
    const std::string c(comp);
    if (c == "ac") {
      run.ac = v;
    } else if (c == "er") {
      run.er = v;
    } else if (c == "rg") {
      std::copy(v.begin(), v.end(), run.neutron.begin() + static_cast<long>(g * kXenonBins));
      rg_seen[static_cast<std::size_t>(sr)][g] = 1;
    } else if (c == "mono") {
      const long key = std::lround(e * 1000.0);  // energies are multiples of 0.1 keV
      auto &m = mono[static_cast<std::size_t>(sr)][key];
      if (m.empty()) m.assign(kXenonGridPoints * kXenonBins, -1.0);
      std::copy(v.begin(), v.end(), m.begin() + static_cast<long>(g * kXenonBins));
    } else {
      malformed(path, "record " + std::to_string(i) + ": unknown component '" + c + "'");
    }
  }
  for (std::size_t sr = 0; sr < 3; ++sr) {
    auto &run = rel.runs[sr];
    const std::string srn = "sr" + std::to_string(sr);
    if (run.ac.size() != kXenonBins || run.er.size() != kXenonBins)
      malformed(path, srn + ": missing ac or er template");
    if (std::count(rg_seen[sr].begin(), rg_seen[sr].end(), 1) != 49)
      malformed(path, srn + ": incomplete neutron grid");
    if (mono[sr].empty()) malformed(path, srn + ": no mono-energetic templates");
    for (const auto &kv : mono[sr]) {
      if (std::count(kv.second.begin(), kv.second.end(), -1.0) != 0)
        malformed(path, srn + ": incomplete grid of the mono template at " +
                            std::to_string(kv.first / 1000.0) + " keV");
      run.mono_energy.push_back(static_cast<double>(kv.first) / 1000.0);
      run.mono.insert(run.mono.end(), kv.second.begin(), kv.second.end());
    }
  }
  return rel;
}

XenonntRelease read_xenonnt_release(const std::string &data_dir) {
  XenonntRelease rel = read_xenonnt_templates(verified_path(data_dir, kConverted));
  for (int sr = 0; sr < 3; ++sr) {
    const std::string s = std::to_string(sr);
    auto &run = rel.runs[static_cast<std::size_t>(sr)];
    run.edges = read_xenonnt_binning(verified_path(data_dir, "xenonnt/binning/sr" + s + ".yaml"));
    run.observed =
        bin_xenonnt_events(verified_path(data_dir, "xenonnt/data/sr" + s + ".csv"), run.edges);
  }
  return rel;
}

}  // namespace cevns
