#pragma once
// Private to the core (not installed): the nuclei table that CMake generates from
// data/nuclei.csv (cevns_nuclei.cpp in the build directory) and nuclei.cpp reads.
#include <cstddef>

namespace cevns::detail {
/// One row of the generated nuclei table (the columns of data/nuclei.csv).
struct RawIsotope {
  const char* name;
  const char* element;
  int Z;
  int N;
  double atomic_mass_u;
  double abundance;
  double r_p_fm;
  double r_n_fm;
  const char* rn_parameter;
  const char* source;
};
extern const RawIsotope nuclei_table[];
extern const std::size_t nuclei_table_size;
}  // namespace cevns::detail
