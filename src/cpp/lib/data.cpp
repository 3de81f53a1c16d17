// The compiled data registry and the existence + SHA-256 check of data files.
#include "cevns/data.hpp"

// SHA-256 from libmd (Debian libmd-dev): a small BSD digest library, chosen over
// OpenSSL's libcrypto because the core needs nothing but SHA-256 (libcrypto was
// 57 % of the repaired wheel; libmd is 47 kB).
#include <sha2.h>
#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>

#include "registry_table.hpp"

namespace cevns {

namespace {

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string fix_hint(const std::string& data_dir) {
  return "Re-import the release with `cevns data import DIR` or `cevns data fetch` (data "
         "directory: " +
         data_dir + ").";
}

}  // namespace

const std::vector<RegistryEntry>& data_registry() {
  static const std::vector<RegistryEntry> entries = [] {
    std::vector<RegistryEntry> out;
    out.reserve(detail::registry_table_size);
    for (std::size_t i = 0; i < detail::registry_table_size; ++i) {
      const auto& r = detail::registry_table[i];
      out.push_back(RegistryEntry{r.path, r.sha256, r.size, r.dataset, r.required});
    }
    return out;
  }();
  return entries;
}

const RegistryEntry& registry_entry(const std::string& relpath) {
  for (const auto& e : data_registry())
    if (e.path == relpath) return e;
  std::string known;
  for (const auto& e : data_registry()) known += (known.empty() ? "" : ", ") + e.path;
  throw std::invalid_argument("'" + relpath +
                              "' is not a file of the cevns data registry; registered files "
                              "are: " +
                              known);
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MissingDataError("cannot open the data file " + path);
  SHA2_CTX ctx;
  SHA256Init(&ctx);
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize got = in.gcount();
    if (got > 0)
      SHA256Update(&ctx, reinterpret_cast<const std::uint8_t*>(buf.data()),
                   static_cast<std::size_t>(got));
  }
  if (in.bad()) throw MissingDataError("error while reading the data file " + path);
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> md{};
  SHA256Final(md.data(), &ctx);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(2 * md.size(), '0');
  for (std::size_t i = 0; i < md.size(); ++i) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  return out;
}

std::string verified_path(const std::string& data_dir, const std::string& relpath) {
  const RegistryEntry& entry = registry_entry(relpath);
  if (data_dir.empty())
    throw MissingDataError("no data directory given (needed for " + relpath + ")");
  if (!is_directory(data_dir))
    throw MissingDataError("the data directory " + data_dir +
                           " does not exist or is not a directory (needed for " + relpath + "). " +
                           fix_hint(data_dir));
  const std::string path = data_dir + (data_dir.back() == '/' ? "" : "/") + entry.path;
  if (!is_regular_file(path))
    throw MissingDataError("data file " + entry.path + " was not found in the data directory " +
                           data_dir + " (looked for " + path + "). " + fix_hint(data_dir));
  const std::string actual = sha256_file(path);
  if (actual != entry.sha256)
    throw HashMismatchError("data file " + path + " is not the registered one: expected sha256 " +
                            entry.sha256 + ", found " + actual + " (data directory " + data_dir +
                            "). The file is corrupted or from another release. " +
                            fix_hint(data_dir));
  return path;
}

}  // namespace cevns
