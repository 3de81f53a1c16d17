#pragma once
/// \file data.hpp
/// The COHERENT data registry compiled into the library and the checks every
/// file goes through before it is read: it must exist in the data directory
/// and have the SHA-256 recorded in data/registry.json.
///
/// The data directory is always an argument: no path is compiled into the
/// library. The registry itself (relative path, SHA-256, size) is generated
/// from data/registry.json when the library is configured.
///
/// Every function here is thread-safe (no mutable state).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cevns {

/// A COHERENT data file is missing, corrupted or malformed. The message names
/// the file and the data directory.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A registered file is not in the data directory (or cannot be read).
class MissingDataError : public DataError {
 public:
  using DataError::DataError;
};

/// A file does not have the SHA-256 recorded in the registry.
class HashMismatchError : public DataError {
 public:
  using DataError::DataError;
};

/// A file has the registered hash but cannot be parsed as expected (the
/// message names the file and, where there is one, the line).
class MalformedDataError : public DataError {
 public:
  using DataError::DataError;
};

/// One registered file of data/registry.json.
struct RegistryEntry {
  std::string path;     ///< path relative to the data directory, e.g. "ar2020/cevnspdf.txt"
  std::string sha256;   ///< expected SHA-256, lower-case hexadecimal
  std::uint64_t size;   ///< expected size [bytes]
  std::string dataset;  ///< "ar2020" or "csi2021"
  bool required;        ///< false for documentation that no loader reads
};

/// Every registered file, in registry order (built from data/registry.json at
/// configure time).
const std::vector<RegistryEntry>& data_registry();

/// The entry of one registered file.
/// \throws std::invalid_argument if relpath is not registered
const RegistryEntry& registry_entry(const std::string& relpath);

/// SHA-256 of a file's bytes, lower-case hexadecimal (libmd).
/// \throws MissingDataError if the file cannot be opened or read
std::string sha256_file(const std::string& path);

/// Path of a registered file inside data_dir after checking that it exists
/// and that its SHA-256 is the registered one.
/// \param data_dir  directory holding ar2020/ and csi2021/
/// \param relpath   registered path, e.g. "csi2021/dataBeamOnC.txt"
/// \throws std::invalid_argument if relpath is not registered
/// \throws MissingDataError if data_dir or the file does not exist
/// \throws HashMismatchError if the file's SHA-256 differs from the registry
std::string verified_path(const std::string& data_dir, const std::string& relpath);

}  // namespace cevns
