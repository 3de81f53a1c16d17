#pragma once
// Helpers shared by the doctest files: the data directory and temporary directories.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace cevns_test {

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
