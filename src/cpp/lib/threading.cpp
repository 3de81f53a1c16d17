// Process-wide default thread count of the core (cevns/threading.hpp).
#include "cevns/threading.hpp"

#include <atomic>

#include "threads.hpp"

namespace cevns {

namespace detail {
std::atomic<int> default_threads{0};
}  // namespace detail

void set_num_threads(int n) { detail::default_threads.store(n > 0 ? n : 0); }

int num_threads() { return detail::resolve_threads(0); }

}  // namespace cevns
