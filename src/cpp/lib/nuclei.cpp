#include "cevns/nuclei.hpp"

#include <stdexcept>

#include "cevns/constants.hpp"
#include "nuclei_table.hpp"

namespace cevns {

Nucleus Isotope::nucleus() const {
  return {name, Z, N, constants::nuclear_mass_MeV(atomic_mass_u, Z), r_p_fm, r_n_fm};
}

const std::vector<Isotope>& nuclei() {
  static const std::vector<Isotope> table = [] {
    std::vector<Isotope> out;
    out.reserve(detail::nuclei_table_size);
    for (std::size_t i = 0; i < detail::nuclei_table_size; ++i) {
      const auto& r = detail::nuclei_table[i];
      out.push_back(Isotope{r.name, r.element, r.Z, r.N, r.atomic_mass_u, r.abundance, r.r_p_fm,
                            r.r_n_fm, r.rn_parameter, r.source});
    }
    return out;
  }();
  return table;
}

int isotope_index(const std::string& name) {
  const auto& t = nuclei();
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i].name == name) return static_cast<int>(i);
  return -1;
}

const Isotope& isotope(const std::string& name) {
  const int i = isotope_index(name);
  if (i < 0) {
    std::string known;
    for (const auto& r : nuclei()) known += (known.empty() ? "" : ", ") + r.name;
    throw std::invalid_argument("unknown nucleus '" + name + "'; the table has: " + known);
  }
  return nuclei()[static_cast<std::size_t>(i)];
}

Nucleus nucleus(const std::string& name) { return isotope(name).nucleus(); }

std::vector<std::string> elements() {
  std::vector<std::string> out;
  for (const auto& r : nuclei()) {
    bool seen = false;
    for (const auto& e : out) seen = seen || e == r.element;
    if (!seen) out.push_back(r.element);
  }
  return out;
}

std::vector<std::pair<Nucleus, double>> natural_element(const std::string& symbol) {
  std::vector<std::pair<Nucleus, double>> out;
  double total = 0.0;
  for (const auto& r : nuclei())
    if (r.element == symbol && r.abundance > 0.0) {
      out.emplace_back(r.nucleus(), r.abundance);
      total += r.abundance;
    }
  if (out.empty()) {
    std::string known;
    for (const auto& e : elements()) known += (known.empty() ? "" : ", ") + e;
    throw std::invalid_argument("unknown element '" + symbol + "'; the table has: " + known);
  }
  if (total < 0.99)
    throw std::invalid_argument("natural_element: the listed isotopes of " + symbol +
                                " hold less than 99 % of it; add the missing rows");
  for (auto& p : out) p.second /= total;
  return out;
}

}  // namespace cevns
