// [[programme]] and [[exogenous_investment]]: keys from the key list (keys_model.cpp); here the
// unique names, identifier-like programme names and the split of a programme's investment.
#include <cctype>
#include <cmath>

#include "reader.hpp"

namespace icsim::scenario::detail {

namespace {

bool identifier_like(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

// programme[i].split: destination -> share, shares summing to 1.
void read_split(Section& c, const toml::table* e, const std::string& p, Programme& pg) {
  const toml::node* sp = c.r.node(e, "split", p, true,
                                  "a table SYSTEM/CLUSTER or sector code -> share, e.g. "
                                  "{ \"246/green_petrochemicals\" = 1.0 }");
  if (!sp) return;
  if (!sp->is_table()) {
    c.r.error(c.r.at(*sp), p + ".split",
              "expected a table SYSTEM/CLUSTER or sector code -> share, got " + type_name(*sp));
    return;
  }
  if (sp->as_table()->empty()) {
    c.r.error(c.r.at(*sp), p + ".split", "empty; expected at least one destination");
    return;
  }
  const KeyInfo& share = *find_key("programme[].split.*");
  double sum = 0;
  bool ok = true;
  for (auto&& [k, v] : *sp->as_table()) {
    const std::string dest(k.str());
    const std::string full = p + ".split." + dest;
    c.parsed.where[full] = c.r.at(v);
    auto x = c.r.number_value(v, full, share.range, std::string(share.expected));
    if (!x) {
      ok = false;
      continue;
    }
    sum += *x;
    pg.split.emplace_back(dest, *x);
  }
  if (ok && std::abs(sum - 1.0) > 1e-6)
    c.r.error(c.r.at(*sp), p + ".split", "shares must sum to 1 (+-1e-6), they sum to " + fmt(sum));
}

}  // namespace

void parse_programmes(Section& c) {
  std::size_t i = 0;
  for (const toml::table* e : c.entries(&c.root, "programme", "")) {
    const std::string p = "programme[" + std::to_string(i++) + "]";
    if (!e) continue;
    c.r.check_keys(*e, "programme[]", p);
    const std::size_t index = c.s.programmes.size();
    c.s.programmes.emplace_back();
    Programme& pg = c.s.programmes.back();
    const TablePlace place{e, "programme[]", p, index};
    c.read_all(place, [&](const KeyInfo& k) {
      if (k.name() == "split") {
        read_split(c, e, p, pg);
        return true;
      }
      if (k.name() != "name") return false;
      if (c.read(k, place) != Read::ok) return true;
      if (!identifier_like(pg.name))
        c.r.error(c.r.at(*e->get("name")), p + ".name",
                  "expected an identifier (letters, digits, '_' or '-', starting with a letter), "
                  "got '" +
                      pg.name + "'; put readable names in 'label'");
      c.add_name(pg.name, p + ".name", c.r.at(*e->get("name")));
      return true;
    });
  }
  c.check_unique("programme name");
}

void parse_exogenous_investment(Section& c) {
  std::size_t i = 0;
  for (const toml::table* e : c.entries(&c.root, "exogenous_investment", "")) {
    const std::string p = "exogenous_investment[" + std::to_string(i++) + "]";
    if (!e) continue;
    c.r.check_keys(*e, "exogenous_investment[]", p);
    const std::size_t index = c.s.exogenous_investment.size();
    c.s.exogenous_investment.emplace_back();
    const TablePlace place{e, "exogenous_investment[]", p, index};
    c.read_all(place, [&](const KeyInfo& k) {
      if (k.name() != "name") return false;
      if (c.read(k, place) == Read::ok)
        c.add_name(c.s.exogenous_investment[index].name, p + ".name", c.r.at(*e->get("name")));
      return true;
    });
  }
  c.check_unique("exogenous investment name");
}

}  // namespace icsim::scenario::detail
