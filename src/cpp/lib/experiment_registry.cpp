// The registry of experiment definitions (cevns/experiment.hpp): the one place
// an experiment is looked up by name. Definitions live in experiments/<name>.cpp.
#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <stdexcept>

#include "cevns/experiment.hpp"
#include "experiments/builtin.hpp"

namespace cevns {

namespace {

/// Data-set aliases: a name for a `+`-joined list.
const std::map<std::string, std::string> kAliases{{"combined", "csi2021+ar2020"}};

struct Registry {
  std::mutex mutex;
  std::deque<ExperimentDefinition> definitions;  // a deque: references stay valid
};

void check_definition(const ExperimentDefinition& d,
                      const std::deque<ExperimentDefinition>& known) {
  const auto fail = [&](const std::string& m) {
    throw std::invalid_argument("register_experiment '" + d.name + "': " + m);
  };
  if (d.name.empty()) fail("empty name");
  for (const char c : d.name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      fail("a name has lower-case letters, digits and '_' only");
  if (kAliases.count(d.name)) fail("the name is a data-set alias");
  for (const auto& k : known)
    if (k.name == d.name) fail("already registered");
  if (!d.load) fail("no loader");
  std::set<std::string> seen;
  for (const auto& o : d.options)
    if (!seen.insert(o.name).second) fail("option '" + o.name + "' given twice");
  seen.clear();
  for (const auto& n : d.nuisances)
    if (!seen.insert(n.name).second) fail("nuisance '" + n.name + "' given twice");
}

Registry& registry() {
  static Registry* r = [] {
    auto* out = new Registry;  // never destroyed: definitions outlive every static user
    for (ExperimentDefinition& d : detail::builtin_experiments()) {
      check_definition(d, out->definitions);
      out->definitions.push_back(std::move(d));
    }
    return out;
  }();
  return *r;
}

std::string joined_names(const std::deque<ExperimentDefinition>& defs) {
  std::string out;
  for (const auto& d : defs) out += (out.empty() ? "" : ", ") + d.name;
  return out;
}

}  // namespace

void register_experiment(ExperimentDefinition definition) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  check_definition(definition, r.definitions);
  r.definitions.push_back(std::move(definition));
}

const ExperimentDefinition& experiment_definition(const std::string& name) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& d : r.definitions)
    if (d.name == name) return d;
  throw OptionError("unknown experiment '" + name + "'; accepted: " + joined_names(r.definitions));
}

std::vector<std::string> experiment_names() {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& d : r.definitions) out.push_back(d.name);
  return out;
}

std::vector<std::string> dataset_members(const std::string& dataset) {
  // one line: the bad data set, what is wrong in a '+' list, and what is accepted (once)
  const auto unknown = [&](const std::string& problem) {
    std::string accepted;
    for (const std::string& n : experiment_names()) accepted += n + ", ";
    for (const auto& kv : kAliases) accepted += kv.first + ", ";
    accepted.resize(accepted.size() - 2);
    throw OptionError("unknown data set '" + dataset + "'" +
                      (problem.empty() ? "" : " (" + problem + ")") + "; accepted: " + accepted +
                      " or experiments joined by '+' (e.g. csi2021+ar2020)");
  };
  const auto alias = kAliases.find(dataset);
  const std::string& list = alias == kAliases.end() ? dataset : alias->second;
  const std::vector<std::string> registered = experiment_names();
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t plus = list.find('+', start);
    const std::string name = list.substr(start, plus == std::string::npos ? plus : plus - start);
    if (name.empty()) unknown(dataset.empty() ? "" : "an empty name in the '+' list");
    if (std::find(registered.begin(), registered.end(), name) == registered.end())
      unknown(name == dataset ? "" : "no experiment '" + name + "'");
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw OptionError("data set '" + dataset + "': experiment '" + name +
                        "' given twice; name each experiment once");
    out.push_back(name);
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return out;
}

const std::vector<OptionSpec>& option_table(const std::string& experiment) {
  return experiment_definition(experiment).options;
}

std::string check_option(const std::string& experiment, const std::string& name,
                         const std::string& value) {
  std::string known;
  for (const OptionSpec& o : option_table(experiment)) {
    if (o.name == name) return check_option(experiment, o, value);
    known += (known.empty() ? "" : ", ") + o.name;
  }
  throw OptionError("unknown " + experiment + " option '" + name + "'; accepted: " + known);
}

std::vector<NuisanceSpec> nuisance_table(const std::string& experiment) {
  return experiment_definition(experiment).nuisances;
}

Experiment load_experiment(const std::string& name, const std::string& data_dir,
                           const OptionText& options) {
  return experiment_definition(name).load(data_dir, options);
}

std::vector<Experiment> load_experiments(const std::string& dataset, const std::string& data_dir,
                                         const std::map<std::string, OptionText>& options) {
  const std::vector<std::string> names = dataset_members(dataset);
  for (const auto& kv : options)
    if (std::find(names.begin(), names.end(), kv.first) == names.end())
      throw OptionError("options for '" + kv.first + "', which is not in the data set '" + dataset +
                        "'");
  std::vector<Experiment> out;
  for (const std::string& n : names) {
    const auto it = options.find(n);
    out.push_back(load_experiment(n, data_dir, it == options.end() ? OptionText{} : it->second));
  }
  return out;
}

}  // namespace cevns
