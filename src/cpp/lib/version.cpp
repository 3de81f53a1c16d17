// Version of the compiled core (cevns/version.hpp, cevns_c.h).
#include "cevns/version.hpp"

#include "cevns/cevns_c.h"
#include "cevns/threading.hpp"

namespace cevns {

const char* version() { return CEVNS_VERSION_STRING; }

}  // namespace cevns

extern "C" {

const char* cevns_version(void) { return CEVNS_VERSION_STRING; }

void cevns_set_num_threads(int n) { cevns::set_num_threads(n); }

int cevns_num_threads(void) { return cevns::num_threads(); }

}  // extern "C"
