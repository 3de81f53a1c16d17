#pragma once
// Private tools of the option tables (not installed): the rows of an options
// struct (each names the field it sets, so defaults, parsing, checking and the
// settings text all come from the rows) and the builders of OptionSpec rows.
// The definition files of src/cpp/lib/experiments/ use them.
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "cevns/options.hpp"

namespace cevns::detail {

template <class S>
using Member = std::variant<double S::*, int S::*, std::string S::*, std::optional<double> S::*>;

template <class S>
struct Row {
  OptionSpec spec;
  Member<S> member;
};

inline OptionSpec number(const char* name, const char* dflt, double lo, double hi, const char* unit,
                         const char* doc, bool lo_open = true) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::Number;
  s.default_value = dflt;
  s.min = lo;
  s.max = hi;
  s.min_exclusive = lo_open;
  s.unit = unit;
  s.doc = doc;
  return s;
}

inline OptionSpec integer(const char* name, const char* dflt, double lo, double hi,
                          const char* doc) {
  OptionSpec s = number(name, dflt, lo, hi, "", doc, false);
  s.type = OptionType::Integer;
  return s;
}

inline OptionSpec choice(const char* name, const char* dflt, std::vector<std::string> choices,
                         const char* doc) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::Choice;
  s.default_value = dflt;
  s.choices = std::move(choices);
  s.doc = doc;
  return s;
}

/// How the CEvNS prediction treats the finite time window.
inline OptionSpec time_convention(const char* dflt) {
  return choice("time_convention", dflt, {"window", "all"},
                "window: events arriving outside the time window are lost; all: each "
                "flavour's time distribution renormalised inside it (the convention of "
                "the Ar release's cevnspdf.txt)");
}

inline const std::vector<std::string> kFormFactors{"helm", "symmetrized_fermi", "klein_nystrand"};
inline constexpr const char* kFormFactorDoc = "nuclear form factor (Sec. II)";
inline constexpr const char* kPanelsDoc =
    "Gauss-Legendre panels per segment of the recoil-energy quadrature (accuracy vs time)";

/// Shortest text that reads back as exactly v.
inline std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

template <class S>
const Row<S>& find_row(const char* experiment, const std::vector<Row<S>>& rows,
                       const std::string& name) {
  std::string known;
  for (const auto& r : rows) {
    if (r.spec.name == name) return r;
    known += (known.empty() ? "" : ", ") + r.spec.name;
  }
  throw OptionError(std::string("unknown ") + experiment + " option '" + name +
                    "'; accepted: " + known);
}

/// Parse `text` for `spec`; numbers are returned in `value`, choices in `word`.
inline void parse(const char* experiment, const OptionSpec& spec, const std::string& text,
                  double& value, std::string& word) {
  const auto fail = [&]() {
    throw OptionError(std::string(experiment) + " option " + spec.name + ": '" + text +
                      "' is not accepted; expected " + spec.accepted());
  };
  if (spec.type == OptionType::Choice) {
    bool ok = false;
    for (const auto& c : spec.choices) ok = ok || c == text;
    if (!ok) fail();
    word = text;
    return;
  }
  std::size_t used = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const bool in_range =
      (spec.min_exclusive ? value > spec.min : value >= spec.min) && value <= spec.max;
  if (text.empty() || used != text.size() || !std::isfinite(value) || !in_range) fail();
  if (spec.type == OptionType::Integer && value != std::floor(value)) fail();
}

template <class S>
void set(const char* experiment, S& s, const Row<S>& row, const std::string& text) {
  double v = 0.0;
  std::string w;
  parse(experiment, row.spec, text, v, w);
  std::visit(
      [&](auto m) {
        using T = std::decay_t<decltype(s.*m)>;
        if constexpr (std::is_same_v<T, std::string>)
          s.*m = w;
        else if constexpr (std::is_same_v<T, int>)
          s.*m = static_cast<int>(v);
        else
          s.*m = v;
      },
      row.member);
}

template <class S>
void set_defaults(const char* experiment, S& s, const std::vector<Row<S>>& rows) {
  for (const auto& r : rows)
    if (!r.spec.default_value.empty()) set(experiment, s, r, r.spec.default_value);
}

template <class S>
S from_text(const char* experiment, const std::vector<Row<S>>& rows,
            const std::map<std::string, std::string>& text) {
  S s;
  for (const auto& kv : text) set(experiment, s, find_row(experiment, rows, kv.first), kv.second);
  return s;
}

template <class S>
std::map<std::string, std::string> as_text(const S& s, const std::vector<Row<S>>& rows) {
  std::map<std::string, std::string> out;
  for (const auto& r : rows)
    std::visit(
        [&](auto m) {
          const auto& v = s.*m;
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>)
            out[r.spec.name] = v;
          else if constexpr (std::is_same_v<T, int>)
            out[r.spec.name] = std::to_string(v);
          else if constexpr (std::is_same_v<T, double>)
            out[r.spec.name] = shortest(v);
          else if (v)
            out[r.spec.name] = shortest(*v);
        },
        r.member);
  return out;
}

template <class S>
std::vector<OptionSpec> specs(const std::vector<Row<S>>& rows) {
  std::vector<OptionSpec> out;
  for (const auto& r : rows) out.push_back(r.spec);
  return out;
}

}  // namespace cevns::detail
