#pragma once
// Helpers shared by the doctest files: independent quadrature, relative differences,
// the data directory and temporary directories.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace cevns_test {

/// Composite Simpson rule with n (even) intervals -- independent of the core's quadratures.
inline double simpson(const std::function<double(double)>& f, double a, double b, int n) {
  if (n % 2) ++n;
  const double h = (b - a) / n;
  double s = f(a) + f(b);
  for (int k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * f(a + k * h);
  return s * h / 3.0;
}

/// |a - b| / max(|a|, |b|) (0 when both are 0).
inline double rel_diff(double a, double b) {
  const double scale = std::max(std::abs(a), std::abs(b));
  return scale == 0.0 ? 0.0 : std::abs(a - b) / scale;
}

#ifdef CEVNS_TEST_DATA_DIR
inline const std::string kDataDir = CEVNS_TEST_DATA_DIR;
#else
inline const std::string kDataDir;
#endif

/// True if the shared COHERENT data are there (a test returns early otherwise).
inline bool have_data() {
  namespace fs = std::filesystem;
  const bool ok = !kDataDir.empty() && fs::is_directory(kDataDir + "/csi2021") &&
                  fs::is_directory(kDataDir + "/ar2020");
  if (!ok) MESSAGE("COHERENT data not found in '" << kDataDir << "': test skipped");
  return ok;
}

/// A fresh temporary directory (removed by the destructor).
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("cevns_test_" + tag + "_" +
            std::to_string(std::hash<std::string>{}(
                tag + std::to_string(reinterpret_cast<std::uintptr_t>(this)))));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  /// Write `text` to a file of this directory; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

/// The whole text of a file.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cevns_test
