// A minimal global-fit host, as a framework such as GAMBIT-light drives a
// likelihood plugin (plugin_interface.h): dlopen the library, call its
// initialiser with a registration callback, then call the registered function
// with the parameters keyed by name. It knows nothing of cevns.
//
// Usage: plugin_host <plugin.so> <name> M_MeV=<value> g=<value> [M_MeV=... g=...]...
//   e.g. plugin_host ./libcevns_plugin.so coherent:B-L M_MeV=10 g=5e-5
// Prints one line per point: "loglike <name> M_MeV=... g=...: <ln L>" and the
// outputs. Exit 0 on success, 1 if the plugin cannot be loaded or registers
// nothing, or a point fails; 2 on a usage error.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>

#include "plugin_interface.h"

namespace {

std::map<std::string, void*> registry;  // name -> registered function

int register_loglike(const char* name, void* fcn) {
  if (name == nullptr || fcn == nullptr || registry.count(name) != 0) return 1;
  registry[name] = fcn;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || (argc - 3) % 2 != 0) {
    std::fprintf(stderr, "usage: %s <plugin.so> <name> [M_MeV=<v> g=<v>]...\n", argv[0]);
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    std::fprintf(stderr, "plugin_host: %s\n", dlerror());
    return 1;
  }
  auto init = reinterpret_cast<cevns_plugin_init_fcn>(dlsym(lib, "cevns_plugin_init"));
  if (init == nullptr) {
    std::fprintf(stderr, "plugin_host: %s has no cevns_plugin_init\n", argv[1]);
    return 1;
  }
  const std::string name = argv[2];
  init(name.c_str(), &register_loglike);
  const auto it = registry.find(name);
  if (it == registry.end()) {
    std::fprintf(stderr, "plugin_host: the plugin registered no function '%s'\n", name.c_str());
    return 1;
  }
  const auto loglike = reinterpret_cast<cevns_plugin_loglike_fcn>(it->second);

  for (int a = 3; a + 1 < argc; a += 2) {
    std::map<std::string, double> in, out;
    std::string text;
    for (int b = a; b < a + 2; ++b) {
      const std::string kv = argv[b];
      const std::size_t eq = kv.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "plugin_host: '%s' is not NAME=VALUE\n", kv.c_str());
        return 2;
      }
      in[kv.substr(0, eq)] = std::strtod(kv.c_str() + eq + 1, nullptr);
      text += " " + kv;
    }
    try {
      const double lnl = loglike(in, out);
      std::printf("loglike %s%s: %.17g\n", name.c_str(), text.c_str(), lnl);
      for (const auto& [key, value] : out) std::printf("  %s = %.17g\n", key.c_str(), value);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "plugin_host: invalid point%s: %s\n", text.c_str(), e.what());
      return 1;
    }
  }
  return 0;
}
