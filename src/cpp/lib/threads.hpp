#pragma once
// Private helper of the core (not installed): the number of OpenMP threads.
#ifdef CEVNS_HAVE_OPENMP
#include <omp.h>
#endif

namespace cevns::detail {

/// n_threads > 0: that many; otherwise the OpenMP default (1 without OpenMP).
inline int resolve_threads(int n_threads) {
#ifdef CEVNS_HAVE_OPENMP
  return n_threads > 0 ? n_threads : omp_get_max_threads();
#else
  (void)n_threads;
  return 1;
#endif
}

}  // namespace cevns::detail
