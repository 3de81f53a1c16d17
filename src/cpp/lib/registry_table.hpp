#pragma once
// Private to the core (not installed): the registry table that CMake generates from
// data/registry.json (cevns_registry.cpp in the build directory) and data.cpp reads.
#include <cstddef>

namespace cevns::detail {
/// One row of the generated registry table.
struct RawRegistryEntry {
  const char* path;
  const char* sha256;
  unsigned long long size;
  const char* dataset;
  bool required;
};
extern const RawRegistryEntry registry_table[];
extern const std::size_t registry_table_size;
}  // namespace cevns::detail
