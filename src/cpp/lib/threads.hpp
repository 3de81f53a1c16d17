#pragma once
// Private helpers of the core (not installed): OpenMP thread count and the one
// parallel loop of the core, parallel_for, which keeps exceptions inside the
// parallel region. Every OpenMP loop of the core goes through it.
#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>

#ifdef CEVNS_HAVE_OPENMP
#include <omp.h>
#endif

namespace cevns::detail {

/// Set by cevns::set_num_threads (0: unset); defined in threading.cpp.
extern std::atomic<int> default_threads;

/// n_threads > 0: that many; otherwise cevns::set_num_threads' default, else
/// the OpenMP default (1 without OpenMP).
inline int resolve_threads(int n_threads) {
#ifdef CEVNS_HAVE_OPENMP
  if (n_threads > 0) return n_threads;
  const int d = default_threads.load(std::memory_order_relaxed);
  return d > 0 ? d : omp_get_max_threads();
#else
  (void)n_threads;
  return 1;
#endif
}

/// Run body(i) for i in [0, n) over OpenMP threads (dynamic schedule with the
/// given chunk). The core's one error policy for parallel loops: an exception
/// must not leave an OpenMP region (it would terminate the program), so the
/// first one thrown (in completion order) is captured, the loop runs to its end,
/// and it is rethrown after the loop: as it was when `what` is empty, otherwise
/// as std::invalid_argument with its message prefixed by `what`. Each i is
/// independent, so results do not depend on the number of threads.
template <class Body>
void parallel_for(long long n, int n_threads, const char* what, Body&& body, int chunk = 1) {
  std::exception_ptr error;
  const int nt = resolve_threads(n_threads);
  (void)nt;
  (void)chunk;
#ifdef CEVNS_HAVE_OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, chunk) if (n > 1)
#endif
  for (long long i = 0; i < n; ++i) {
    try {
      body(i);
    } catch (...) {
#ifdef CEVNS_HAVE_OPENMP
#pragma omp critical(cevns_parallel_for_error)
#endif
      if (!error) error = std::current_exception();
    }
  }
  if (!error) return;
  if (what == nullptr || *what == '\0') std::rethrow_exception(error);
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string(what) + e.what());
  }
}

}  // namespace cevns::detail
