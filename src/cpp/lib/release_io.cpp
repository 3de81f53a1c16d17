// Strict parsers of the COHERENT release files (cevns/release_io.hpp).
#include "cevns/release_io.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <system_error>

namespace cevns::io {

namespace {

constexpr const char* kSpace = " \t\r\n\f\v";

std::string strip(const std::string& s) {
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    i = s.find_first_not_of(kSpace, i);
    if (i == std::string::npos) break;
    std::size_t j = s.find_first_of(kSpace, i);
    out.push_back(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j;
  }
  return out;
}

/// %g formatting (for messages).
std::string fmt_g(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// Quoting of a line for messages.
std::string quoted(const std::string& s) { return "'" + s + "'"; }

/// Lines of a text file (split at \n, \r\n or \r).
std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MissingDataError(path + ": file does not exist or cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<std::string> lines;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') {
      lines.push_back(cur);
      cur.clear();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

/// Parse a whole token as a double (correctly rounded).
bool parse_double(const std::string& token, double& out) {
  const char* b = token.data();
  const char* e = b + token.size();
  if (b != e && *b == '+') ++b;
  if (b == e) return false;
  const auto res = std::from_chars(b, e, out, std::chars_format::general);
  return res.ec == std::errc() && res.ptr == e;
}

std::vector<double> parse_row(const std::string& path, int lineno, const std::string& line,
                              std::size_t ncols) {
  const auto fields = split_ws(line);
  if (fields.size() != ncols)
    throw MalformedDataError(path + ", line " + std::to_string(lineno) + ": expected " +
                             std::to_string(ncols) + " columns, found " +
                             std::to_string(fields.size()) + ": " + quoted(line));
  std::vector<double> values(ncols);
  for (std::size_t k = 0; k < ncols; ++k)
    if (!parse_double(fields[k], values[k]))
      throw MalformedDataError(path + ", line " + std::to_string(lineno) + ": not a number in " +
                               quoted(line));
  for (double v : values)
    if (!std::isfinite(v))
      throw MalformedDataError(path + ", line " + std::to_string(lineno) +
                               ": non-finite value in " + quoted(line));
  return values;
}

/// Strictly increasing, evenly spaced centres (spacings equal to rtol 1e-6, atol 1e-9).
void check_regular(const std::string& path, const std::vector<double>& c, const std::string& what,
                   const std::vector<int>& lines) {
  if (c.size() < 2) return;
  for (std::size_t i = 1; i < c.size(); ++i)
    if (c[i] - c[i - 1] <= 0)
      throw MalformedDataError(path + ", line " + std::to_string(lines[i]) + ": " + what + " " +
                               fmt_g(c[i]) + " does not increase (previous " + fmt_g(c[i - 1]) +
                               ")");
  const double s0 = c[1] - c[0];
  for (std::size_t i = 1; i < c.size(); ++i) {
    const double s = c[i] - c[i - 1];
    if (!(std::fabs(s - s0) <= 1e-9 + 1e-6 * std::fabs(s0)))
      throw MalformedDataError(path + ", line " + std::to_string(lines[i]) + ": " + what +
                               " spacing " + fmt_g(s) + " differs from the first spacing " +
                               fmt_g(s0) + ": the grid is not regular");
  }
}

std::vector<double> column(const Table& t, std::size_t k) {
  std::vector<double> out(t.n_rows());
  for (std::size_t i = 0; i < t.n_rows(); ++i) out[i] = t.at(i, k);
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ---------------------------------------------------------------------------
// A minimal YAML reader: block mappings, block sequences of mappings, plain or
// quoted scalars, '|'/'>' block scalars and multi-line plain scalars. It is
// enough for LArParametersAnlA.yaml; anything it does not understand is kept
// as a scalar and then fails the key/unit checks with a clear message.
// ---------------------------------------------------------------------------
struct YNode {
  enum Kind { Scalar, Map, List } kind = Scalar;
  std::string scalar;
  std::vector<std::pair<std::string, YNode>> map;
  std::vector<YNode> list;
  const YNode* get(const std::string& key) const {
    if (kind != Map) return nullptr;
    for (const auto& kv : map)
      if (kv.first == key) return &kv.second;
    return nullptr;
  }
};

struct YLine {
  int indent;
  std::string text;
  int lineno;
};

class YamlReader {
 public:
  YamlReader(std::string path, std::vector<YLine> lines)
      : path_(std::move(path)), lines_(std::move(lines)) {}

  YNode parse() {
    if (lines_.empty()) throw MalformedDataError(path_ + ": expected a mapping at the top level");
    std::size_t i = 0;
    YNode root = block(i, -1);
    if (i != lines_.size() || root.kind != YNode::Map)
      throw MalformedDataError(path_ + ", line " +
                               std::to_string(lines_[std::min(i, lines_.size() - 1)].lineno) +
                               ": not valid YAML (unexpected indentation or content)");
    return root;
  }

 private:
  static bool key_split(const std::string& t, std::string& key, std::string& rest) {
    if (t.empty() || t[0] == '-' || t[0] == '#') return false;
    for (std::size_t p = 0; p < t.size(); ++p) {
      if (t[p] == ':' && (p + 1 == t.size() || t[p + 1] == ' ' || t[p + 1] == '\t')) {
        key = strip(t.substr(0, p));
        rest = strip(t.substr(p + 1));
        return !key.empty();
      }
      if (t[p] == '"' || t[p] == '\'') return false;
    }
    return false;
  }

  static std::string clean_scalar(std::string s) {
    // drop a trailing " # comment" and surrounding quotes
    if (!s.empty() && s[0] != '"' && s[0] != '\'') {
      const auto h = s.find(" #");
      if (h != std::string::npos) s = strip(s.substr(0, h));
    }
    if (s.size() >= 2 &&
        ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\'')))
      s = s.substr(1, s.size() - 2);
    return s;
  }

  static bool is_item(const std::string& t) { return t == "-" || t.rfind("- ", 0) == 0; }

  /// Parse the block starting at line i whose lines are indented more than parent.
  YNode block(std::size_t& i, int parent) {
    YNode node;
    if (i >= lines_.size() || lines_[i].indent <= parent) return node;  // empty scalar
    const int ind = lines_[i].indent;
    std::string k, r;
    if (is_item(lines_[i].text)) {
      node.kind = YNode::List;
      while (i < lines_.size() && lines_[i].indent == ind && is_item(lines_[i].text)) {
        std::string rest = lines_[i].text.substr(1);
        const auto off = rest.find_first_not_of(' ');
        if (off == std::string::npos) {  // "-" alone: item on the next lines
          ++i;
          node.list.push_back(block(i, ind));
          continue;
        }
        // rewrite "- key: v" as a mapping line indented past the dash
        lines_[i].indent = ind + 1 + static_cast<int>(off);
        lines_[i].text = rest.substr(off);
        node.list.push_back(block(i, ind));
      }
      return node;
    }
    if (key_split(lines_[i].text, k, r)) {
      node.kind = YNode::Map;
      while (i < lines_.size() && lines_[i].indent == ind && key_split(lines_[i].text, k, r)) {
        ++i;
        YNode child;
        if (!r.empty() && (r[0] == '|' || r[0] == '>')) {
          while (i < lines_.size() && lines_[i].indent > ind)
            child.scalar += lines_[i++].text + "\n";
        } else if (r.empty()) {
          child = block(i, ind);
        } else {
          child.scalar = clean_scalar(r);
          while (i < lines_.size() && lines_[i].indent > ind)  // plain multi-line scalar
            child.scalar += " " + lines_[i++].text;
        }
        node.map.emplace_back(k, std::move(child));
      }
      return node;
    }
    // plain multi-line scalar
    while (i < lines_.size() && lines_[i].indent > parent) {
      node.scalar += (node.scalar.empty() ? "" : " ") + lines_[i].text;
      ++i;
    }
    return node;
  }

  std::string path_;
  std::vector<YLine> lines_;
};

YNode read_yaml(const std::string& path) {
  std::vector<YLine> out;
  int lineno = 0;
  for (const auto& raw : read_lines(path)) {
    ++lineno;
    const std::string t = strip(raw);
    if (t.empty() || t[0] == '#' || t == "---") continue;
    if (raw.find('\t') != std::string::npos && raw.find_first_not_of(' ') < raw.size() &&
        raw[raw.find_first_not_of(' ')] == '\t')
      throw MalformedDataError(path + ", line " + std::to_string(lineno) +
                               ": not valid YAML (tab indentation)");
    out.push_back(YLine{static_cast<int>(raw.find_first_not_of(' ')), t, lineno});
  }
  return YamlReader(path, std::move(out)).parse();
}

const YNode& yget(const std::string& path, const YNode& tree,
                  std::initializer_list<const char*> keys) {
  const YNode* node = &tree;
  std::string walked;
  for (const char* key : keys) {
    walked += (walked.empty() ? "" : ".") + std::string(key);
    node = node->get(key);
    if (node == nullptr)
      throw MalformedDataError(path + ": missing key '" + walked + "' in the Ar parameter file");
  }
  return *node;
}

double ynumber(const std::string& path, const YNode& node, const std::string& where) {
  double v = 0.0;
  if (node.kind != YNode::Scalar || !parse_double(strip(node.scalar), v))
    throw MalformedDataError(path + ": " + where + " = '" + node.scalar + "' is not a number");
  if (!std::isfinite(v))
    throw MalformedDataError(path + ": " + where + " = '" + node.scalar + "' is not finite");
  return v;
}

double with_units(const std::string& path, const YNode& tree, const char* key, const char* units,
                  std::string* text = nullptr) {
  const std::string actual = strip(yget(path, tree, {key, "units"}).scalar);
  if (actual != units)
    throw MalformedDataError(path + ": " + key + ".units is '" + actual + "', expected '" + units +
                             "'");
  const YNode& v = yget(path, tree, {key, "value"});
  if (text) *text = strip(v.scalar);
  return ynumber(path, v, std::string(key) + ".value");
}

double param_value(const std::string& path, const YNode& tree, const char* block,
                   const char* name) {
  const YNode& params = yget(path, tree, {block, "parameters"});
  for (const auto& item : params.list) {
    const YNode* n = item.get("name");
    if (n && n->kind == YNode::Scalar && n->scalar == name) {
      const YNode* v = item.get("value");
      if (!v)
        throw MalformedDataError(path + ": " + block + "." + name + " = None is not a number");
      return ynumber(path, *v, std::string(block) + "." + name);
    }
  }
  throw MalformedDataError(path + ": " + block + ".parameters has no parameter named '" + name +
                           "'");
}

/// value x 1e22 rounded once from the shortest decimal representation of value,
/// so that the yaml's 13.8 (E22 POT) gives exactly 1.38e23 (a float product rounds off).
double times_1e22(double value) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  const auto e = s.find('e');
  const int exponent = std::stoi(s.substr(e + 1)) + 22;
  s = s.substr(0, e) + "e" + std::to_string(exponent);
  double out = 0.0;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return out;
}

}  // namespace

Table read_table(const std::string& path, std::size_t n_cols) {
  Table t;
  t.n_cols = n_cols;
  int lineno = 0;
  for (const auto& raw : read_lines(path)) {
    ++lineno;
    const std::string line = strip(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto row = parse_row(path, lineno, line, n_cols);
    t.values.insert(t.values.end(), row.begin(), row.end());
    t.lines.push_back(lineno);
  }
  if (t.lines.empty()) throw MalformedDataError(path + ": no data lines");
  return t;
}

Events load_csi_events(const std::string& path) {
  const Table t = read_table(path, 2);
  Events ev;
  ev.energy_pe = column(t, 0);
  ev.time_us = column(t, 1);
  for (std::size_t i = 0; i < t.n_rows(); ++i)
    if (ev.energy_pe[i] < 0)
      throw MalformedDataError(path + ", line " + std::to_string(t.lines[i]) +
                               ": negative energy " + fmt_g(ev.energy_pe[i]) + " PE");
  return ev;
}

Shape1D load_csi_shape(const std::string& path) {
  const Table t = read_table(path, 2);
  Shape1D s{column(t, 0), column(t, 1)};
  check_regular(path, s.centres, "bin centre", t.lines);
  for (std::size_t i = 0; i < t.n_rows(); ++i)
    if (s.values[i] < 0)
      throw MalformedDataError(path + ", line " + std::to_string(t.lines[i]) +
                               ": negative shape value " + fmt_g(s.values[i]));
  return s;
}

std::map<std::string, std::array<double, 4>> load_csi_coefficients(const std::string& path) {
  struct Row {
    int lineno;
    std::string comment;
    std::vector<double> values;
  };
  std::vector<std::string> header;
  std::string comment;
  std::vector<Row> rows;
  int lineno = 0;
  for (const auto& raw : read_lines(path)) {
    ++lineno;
    const std::string line = strip(raw);
    if (line.empty()) continue;
    if (line[0] == '#') {
      comment = strip(line.substr(line.find_first_not_of('#')));
      if (rows.empty()) header.push_back(comment);
      continue;
    }
    rows.push_back(Row{lineno, comment, parse_row(path, lineno, line, 4)});
  }
  std::string text;
  for (const auto& h : header) text += (text.empty() ? "" : " ") + lower(h);
  std::string kind;
  std::vector<std::string> labels;
  if (text.find("efficiency") != std::string::npos) {
    kind = "efficiency";
    labels = {"nominal", "plus", "minus"};
  } else if (text.find("scintillation") != std::string::npos) {
    kind = "scintillation";
    labels = {"nominal", "syst0_plus", "syst0_minus", "syst1_plus", "syst1_minus"};
  } else {
    throw MalformedDataError(path +
                             ": the header comments name neither an efficiency nor a "
                             "scintillation response curve; cannot tell which coefficients "
                             "these are");
  }
  if (rows.size() != labels.size())
    throw MalformedDataError(path + ": expected " + std::to_string(labels.size()) +
                             " coefficient rows for the " + kind + " curve, found " +
                             std::to_string(rows.size()));
  const std::regex syst(R"(syst\s+model\s*(\d*)\s*,\s*([+-])\s*1\s*sigma)", std::regex::icase);
  std::map<std::string, std::array<double, 4>> out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    const std::string& label = labels[r];
    const std::string where = path + ", line " + std::to_string(row.lineno) + ": ";
    if (label == "nominal") {
      if (lower(row.comment).find("nominal") == std::string::npos)
        throw MalformedDataError(where + "expected the nominal row here, comment reads '" +
                                 row.comment + "'");
    } else {
      std::smatch m;
      if (!std::regex_search(row.comment, m, syst))
        throw MalformedDataError(where + "expected a 'Syst model' row for '" + label +
                                 "', comment reads '" + row.comment + "'");
      // The efficiency release labels both variants "+1 sigma": the order decides.
      if (kind == "scintillation") {
        const std::string expected = "syst" + m[1].str() + (m[2].str() == "+" ? "_plus" : "_minus");
        if (expected != label)
          throw MalformedDataError(where + "comment '" + row.comment + "' announces " + expected +
                                   ", but rows must come in the order nominal, "
                                   "syst0_plus, syst0_minus, syst1_plus, syst1_minus");
      }
    }
    out[label] = {row.values[0], row.values[1], row.values[2], row.values[3]};
  }
  return out;
}

std::vector<double> ArTable::energy_time() const {
  const std::size_t ne = energy.size(), nf = f90.size(), nt = time.size();
  std::vector<double> out(ne * nt, 0.0);
  for (std::size_t i = 0; i < ne; ++i)
    for (std::size_t j = 0; j < nf; ++j)
      for (std::size_t k = 0; k < nt; ++k) out[i * nt + k] += values[(i * nf + j) * nt + k];
  return out;
}

ArTable load_ar_table(const std::string& path) {
  const Table t = read_table(path, 4);
  const auto& shape = ar_grid_shape;
  const std::size_t expected = shape[0] * shape[1] * shape[2];
  if (t.n_rows() != expected)
    throw MalformedDataError(path + ": expected " + std::to_string(expected) + " rows (" +
                             std::to_string(shape[0]) + " energy x " + std::to_string(shape[1]) +
                             " F90 x " + std::to_string(shape[2]) + " time bins), found " +
                             std::to_string(t.n_rows()) + ": the grid is incomplete");
  static const char* names[3] = {"energy", "F90", "time"};
  std::array<std::vector<double>, 3> axes;
  std::array<std::vector<std::size_t>, 3> index;
  for (std::size_t k = 0; k < 3; ++k) {
    const auto col = column(t, k);
    std::vector<double> u = col;
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    if (u.size() != shape[k])
      throw MalformedDataError(path + ": expected " + std::to_string(shape[k]) + " distinct " +
                               names[k] + " bin centres, found " + std::to_string(u.size()));
    std::vector<int> first(u.size());
    for (std::size_t c = 0; c < u.size(); ++c)
      first[c] =
          t.lines[static_cast<std::size_t>(std::find(col.begin(), col.end(), u[c]) - col.begin())];
    check_regular(path, u, std::string(names[k]) + " bin centre", first);
    index[k].resize(col.size());
    for (std::size_t i = 0; i < col.size(); ++i)
      index[k][i] =
          static_cast<std::size_t>(std::lower_bound(u.begin(), u.end(), col[i]) - u.begin());
    axes[k] = std::move(u);
  }
  ArTable out{axes[0], axes[1], axes[2], std::vector<double>(expected, 0.0)};
  std::vector<char> seen(expected, 0);
  for (std::size_t r = 0; r < t.n_rows(); ++r) {
    const std::size_t i = index[0][r], j = index[1][r], k = index[2][r];
    const std::size_t flat = (i * shape[1] + j) * shape[2] + k;
    if (seen[flat])
      throw MalformedDataError(path + ", line " + std::to_string(t.lines[r]) +
                               ": duplicate cell (energy " + fmt_g(axes[0][i]) + ", F90 " +
                               fmt_g(axes[1][j]) + ", time " + fmt_g(axes[2][k]) + ")");
    seen[flat] = 1;
    out.values[flat] = t.at(r, 3);
  }
  return out;
}

ArEfficiency load_ar_efficiency(const std::string& path) {
  const Table t = read_table(path, 3);
  ArEfficiency e{column(t, 0), column(t, 1), column(t, 2)};
  check_regular(path, e.kevee, "keVee bin centre", t.lines);
  for (std::size_t i = 1; i < e.kevnr.size(); ++i)
    if (e.kevnr[i] - e.kevnr[i - 1] <= 0)
      throw MalformedDataError(path + ", line " + std::to_string(t.lines[i]) +
                               ": keVnr bin centre does not increase");
  for (std::size_t i = 0; i < e.eff.size(); ++i)
    if (e.eff[i] < 0 || e.eff[i] > 1)
      throw MalformedDataError(path + ", line " + std::to_string(t.lines[i]) + ": efficiency " +
                               fmt_g(e.eff[i]) + " is outside [0, 1]");
  return e;
}

ArParameters load_ar_parameters(const std::string& path) {
  const YNode raw = read_yaml(path);
  ArParameters p{};
  p.exposure_pot = times_1e22(with_units(path, raw, "beamExposure", "E22 POT"));
  p.distance_m = with_units(path, raw, "distanceToTarget", "m");
  p.fiducial_mass_kg = with_units(path, raw, "fiducialMass", "kg");
  p.nu_per_pot =
      ynumber(path, yget(path, raw, {"neutrinosPerProton", "value"}), "neutrinosPerProton.value");
  p.qf_a = param_value(path, raw, "larQF", "a");
  p.qf_b = param_value(path, raw, "larQF", "b");
  p.resolution_a = param_value(path, raw, "energyResolution", "a");
  p.pot_trace_mean_ns = param_value(path, raw, "snsPOTTraceTiming", "a");
  p.pot_trace_sigma_ns = param_value(path, raw, "snsPOTTraceTiming", "b");
  return p;
}

}  // namespace cevns::io
