/* plugin_interface.h -- the contract between a global-fit framework (the host)
 * and a likelihood plugin, in the style of GAMBIT-light's user libraries:
 *
 *   1. the host dlopen()s the plugin and looks up its initialiser by name;
 *   2. it calls the initialiser with the name it wants a likelihood under and a
 *      registration callback of its own;
 *   3. the initialiser prepares what the likelihood needs (here: loads the
 *      COHERENT data once) and registers a log-likelihood function;
 *   4. for every parameter point the host calls that function with the
 *      parameters keyed by name; it returns ln L and may fill named outputs.
 */
#ifndef CEVNS_PLUGIN_INTERFACE_H
#define CEVNS_PLUGIN_INTERFACE_H

#ifdef __cplusplus
#include <map>
#include <string>
/* ln L of one point; `in` holds the parameters by name, `out` receives extra
 * named results (the host prints or stores them). */
typedef double (*cevns_plugin_loglike_fcn)(const std::map<std::string, double>& in,
                                           std::map<std::string, double>& out);
extern "C" {
#endif

/* Host side: register the function fcn (a cevns_plugin_loglike_fcn) under name;
 * returns 0 on success. */
typedef int (*cevns_plugin_register_fcn)(const char* name, void* fcn);

/* Plugin side: the initialiser the host looks up with dlsym. */
typedef void (*cevns_plugin_init_fcn)(const char* name, cevns_plugin_register_fcn register_fcn);

#ifdef __cplusplus
}
#endif

#endif /* CEVNS_PLUGIN_INTERFACE_H */
