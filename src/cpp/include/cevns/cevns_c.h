/* cevns_c.h -- plain C facade of the cevns core for dlopen-style embedding
 * (e.g. GAMBIT backends): opaque handles, no C++ types, no exceptions.
 *
 * Conventions: masses in MeV; chi2 = -2 ln L + const with every nuisance
 * profiled (CsI eq. 6, Ar eq. 7-9). Functions returning int give 0 on success
 * and -1 on failure; cevns_last_error() then returns the message of the
 * failure in the calling thread. A handle is immutable after loading: any
 * number of threads may evaluate chi2 on it at once.
 */
#ifndef CEVNS_C_H
#define CEVNS_C_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cevns_experiment cevns_experiment; /* opaque */

/* Load a registered experiment ("csi2021", "ar2020", ...; default options) from
 * data_dir; NULL on error. */
cevns_experiment* cevns_experiment_load(const char* name, const char* data_dir);

/* The same with detector options as text, "key=value" pairs separated by ';'
 * (the names of the experiment's option table, cevns_option_table(), e.g.
 * "timing_efficiency=none" or "exposure=release;shape_templates=plus");
 * NULL or "" means the defaults. NULL on failure (see cevns_last_error), with
 * a message naming the option, the value and what is accepted. */
cevns_experiment* cevns_experiment_load_with(const char* name, const char* data_dir,
                                             const char* options);

/* The option table of a registered experiment as text, one option a line:
 * name, type (number, integer, choice), default ("-" when resolved at load
 * time), what it accepts, unit ("-" if none) and doc, separated by tabs. The
 * string stays valid until the next call in this thread; NULL on failure. */
const char* cevns_option_table(const char* name);

/* Release a handle (NULL is allowed). */
void cevns_free(cevns_experiment* experiment);

typedef struct cevns_dataset cevns_dataset; /* opaque: the experiments of a data set */

/* Load a data set: a registered experiment, a '+'-joined list of them
 * ("csi2021+ar2020") or "combined" (its alias), from data_dir. Options as in
 * cevns_experiment_load_with, each key prefixed by its experiment, e.g.
 * "csi2021.timing_efficiency=none;ar2020.exposure=release"; NULL or "" means
 * the defaults. NULL on failure (see cevns_last_error). */
cevns_dataset* cevns_dataset_load(const char* dataset, const char* data_dir, const char* options);

/* Number of experiments of a data set; 0 for NULL. */
unsigned long cevns_dataset_size(const cevns_dataset* dataset);

/* The experiments of a data set, in order (cevns_dataset_size() handles owned by
 * the data set: do not cevns_free them), e.g. for cevns_chi2(list, size, ...). */
const cevns_experiment* const* cevns_dataset_experiments(const cevns_dataset* dataset);

/* Release a data set and its experiments (NULL is allowed). */
void cevns_dataset_free(cevns_dataset* dataset);

/* Number of analysis bins (n_energy * n_time); 0 for NULL. */
unsigned long cevns_n_bins(const cevns_experiment* experiment);

/* Summed profiled chi2 of n experiments at one point of a paper model
 * ("B-L", "Lmu-Ltau", "scalar", ... or "SM") with mass_MeV and coupling g;
 * the result is written to *chi2. */
int cevns_chi2(const cevns_experiment* const* experiments, unsigned long n, const char* model,
               double mass_MeV, double coupling, double* chi2);

/* Profiled chi2 of one experiment for a CEvNS prediction of cevns_n_bins() values
 * (events per bin, row-major [energy][time]). */
int cevns_profile(const cevns_experiment* experiment, const double* prediction, double* chi2);

/* As cevns_chi2 with physics parameters by name (parameters.hpp): n_params pairs
 * names[i] = values[i], e.g. {"sin2w", "eps_u_ee"} = {0.25, 0.1}; every other
 * parameter at its SM value (units: rn_* fm, mu_* 1e-10 mu_B, r2_* 1e-32 cm^2).
 * Unknown names, non-finite values and radii <= 0 fail with a message. */
int cevns_chi2_params(const cevns_experiment* const* experiments, unsigned long n,
                      const char* model, double mass_MeV, double coupling, const char* const* names,
                      const double* values, unsigned long n_params, double* chi2);

/* Flux-averaged total cross section <sigma>_Phi [cm^2 per nucleus] of one experiment
 * (every recoil energy, the beam's three flavours and the detector's nuclei averaged)
 * for a paper model or "SM", with physics parameters by name as in cevns_chi2_params
 * (none: the experiment's own radii). A neutrino magnetic moment fails (no total). */
int cevns_flux_averaged_cross_section(const cevns_experiment* experiment, const char* model,
                                      double mass_MeV, double coupling, const char* const* names,
                                      const double* values, unsigned long n_params,
                                      double* sigma_cm2);

/* Message of the last failure in this thread ("" if none). */
const char* cevns_last_error(void);

/* Version of the core library, e.g. "0.3.0". */
const char* cevns_version(void);

/* Process-wide thread count of the core's parallel loops (n <= 0: the OpenMP
 * default, OMP_NUM_THREADS). Set 1 when calling cevns from your own threads
 * (see cevns/threading.hpp). */
void cevns_set_num_threads(int n);
int cevns_num_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* CEVNS_C_H */
