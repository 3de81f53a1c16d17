// Option rows, their checks and OptionValues (cevns/options.hpp). The tables
// themselves are in the experiment definitions (src/cpp/lib/experiments/).
#include "cevns/options.hpp"

#include <cstdio>
#include <utility>

#include "option_rows.hpp"

namespace cevns {

namespace {

std::string fmt_g(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string to_string(OptionType type) {
  switch (type) {
    case OptionType::Number: return "number";
    case OptionType::Integer: return "integer";
    case OptionType::Choice: return "choice";
  }
  return "unknown";
}

std::string OptionSpec::accepted() const {
  if (type == OptionType::Choice) {
    std::string out = "one of: ";
    for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
    return out;
  }
  std::string out = type == OptionType::Integer ? "an integer in " : "a number in ";
  out += (min_exclusive ? "(" : "[") + fmt_g(min) + ", " + fmt_g(max) + "]";
  return unit.empty() ? out : out + " " + unit;
}

std::string check_option(const std::string& experiment, const OptionSpec& spec,
                         const std::string& value) {
  double v = 0.0;
  std::string word;
  detail::parse(experiment.c_str(), spec, value, v, word);
  if (spec.type == OptionType::Choice) return word;
  if (spec.type == OptionType::Integer) return std::to_string(static_cast<int>(v));
  return detail::shortest(v);
}

OptionValues::OptionValues(std::string experiment, const std::vector<OptionSpec>& table,
                           const std::map<std::string, std::string>& text)
    : experiment_(std::move(experiment)) {
  std::string known;
  for (const OptionSpec& o : table) {
    specs_[o.name] = o;
    known += (known.empty() ? "" : ", ") + o.name;
    if (!o.default_value.empty()) text_[o.name] = check_option(experiment_, o, o.default_value);
  }
  for (const auto& kv : text) {
    const auto it = specs_.find(kv.first);
    if (it == specs_.end())
      throw OptionError("unknown " + experiment_ + " option '" + kv.first +
                        "'; accepted: " + known);
    text_[kv.first] = check_option(experiment_, it->second, kv.second);
  }
}

const std::string& OptionValues::get(const std::string& name, OptionType type) const {
  const auto spec = specs_.find(name);
  if (spec == specs_.end() || spec->second.type != type)
    throw OptionError(experiment_ + ": no " + to_string(type) + " option '" + name + "'");
  const auto it = text_.find(name);
  if (it == text_.end())
    throw OptionError(experiment_ + " option " + name + " is unset and has no default");
  return it->second;
}

double OptionValues::number(const std::string& name) const {
  return std::stod(get(name, OptionType::Number));
}

int OptionValues::integer(const std::string& name) const {
  return std::stoi(get(name, OptionType::Integer));
}

const std::string& OptionValues::choice(const std::string& name) const {
  return get(name, OptionType::Choice);
}

}  // namespace cevns
