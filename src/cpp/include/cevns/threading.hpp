#pragma once
/// \file threading.hpp
/// How many threads the core's parallel loops use.
///
/// The core parallelises its heavy loops (response matrices, templates over
/// masses, scans, chi2 of many points) with OpenMP, linked privately: the
/// public headers need no OpenMP and a program linking cevns::core gets none.
/// Every function with an `n_threads` argument uses exactly that many threads
/// when it is > 0; otherwise the process-wide default set here, and when that
/// is unset (0), the OpenMP default (`OMP_NUM_THREADS`, else every core).
///
/// Call `set_num_threads(1)` when you call cevns from inside your own parallel
/// loop: the core's OpenMP runtime (the copy bundled in the wheel, or the
/// system's) does not see your threads, so every call would otherwise start a
/// full team of its own (n x n threads on n cores).

namespace cevns {

/// Process-wide default thread count of the core's parallel loops; n <= 0
/// restores the OpenMP default. Thread-safe.
void set_num_threads(int n);

/// Threads a parallel loop of the core uses when given n_threads <= 0
/// (1 in a build without OpenMP).
int num_threads();

}  // namespace cevns
