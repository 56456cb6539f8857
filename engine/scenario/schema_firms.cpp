// The firm and land model's sections: [firms] (and [firms.expansion], [firms.digital],
// [firms.exit], [firms.arrivals], [firms.projects]), [mujun], [mujun.weights] and [land]. The
// keys come from the key list (keys_firms.cpp); here: the districts file needed when enabled,
// per-district tables, the synthesis and accounts cross-key rules and the rules' own checks
// (abm::problems).
#include "icsim/abm/land.hpp"
#include "icsim/abm/mujun.hpp"
#include "reader.hpp"

namespace icsim::scenario::detail {

std::vector<std::pair<std::string, std::string>> synthesis_problems(Scenario& s, bool ranges) {
  std::vector<std::pair<std::string, std::string>> out;
  if (ranges)
    for (const KeyInfo& k : scenario_keys()) {
      if (!k.synthesis) continue;
      const double v = std::get<FieldRef<double>>(k.field)(s, 0);
      if (!std::isfinite(v) || !k.range.contains(v))
        out.emplace_back(std::string(k.path),
                         "expected a number " + std::string(k.expected) + ", got " + fmt(v));
    }
  const abm::SynthesisSpec& spec = s.firms.parameters.synthesis;
  if (spec.below_scale_mean_output > 0 && spec.above_scale_threshold > 0 &&
      !(spec.below_scale_mean_output < spec.above_scale_threshold))
    out.emplace_back("firms.below_scale_mean_output",
                     "expected the mean output of a below-scale firm to be below "
                     "above_scale_threshold " +
                         fmt(spec.above_scale_threshold) + ", got " +
                         fmt(spec.below_scale_mean_output));
  if (spec.plot_ratio_min > 0 && spec.plot_ratio_max > 0 &&
      !(spec.plot_ratio_min <= spec.plot_ratio_max))
    out.emplace_back("firms.plot_ratio_min", "expected plot_ratio_min <= plot_ratio_max, got " +
                                                 fmt(spec.plot_ratio_min) + " > " +
                                                 fmt(spec.plot_ratio_max));
  return out;
}

namespace {

// A rule set's first problem (abm::problems), reported on the first of its fields the scenario
// wrote, else on the section, with the values of its number fields.
void report_rule_problem(Section& c, const std::string& section,
                         const std::vector<abm::RuleProblem>& problems) {
  if (problems.empty()) return;
  const abm::RuleProblem& p = problems.front();
  auto& where = c.parsed.where;
  std::string key = p.fields.empty() ? section : section + "." + p.fields.front();
  Where w = where.count(section) ? where[section] : c.r.at(nullptr);
  for (const auto& f : p.fields)
    if (where.count(section + "." + f)) {
      key = section + "." + f;
      w = where[key];
      break;
    }
  std::string got;
  for (const auto& f : p.fields)
    if (auto v = c.number_of(section + "." + f))
      got += (got.empty() ? "" : ", ") + f + " = " + fmt(*v);
  c.r.error(w, key,
            "expected " + p.expected + (got.empty() ? std::string() : " (got " + got + ")"));
}

// firms.land_supply_by_district, firms.industrial_share_by_district: district code -> number.
void by_district(Section& c, const toml::table* fi, const std::string& key,
                 std::vector<std::pair<std::string, double>>& out) {
  const toml::table* t = c.r.table(fi, key, "firms");
  if (!t) return;
  const KeyInfo& value = *find_key("firms." + key + ".*");
  for (auto&& [k, v] : *t) {
    const std::string full = "firms." + key + "." + std::string(k.str());
    c.parsed.where[full] = c.r.at(v);
    if (auto x = c.r.number_value(v, full, value.range, std::string(value.expected)))
      out.emplace_back(std::string(k.str()), *x);
  }
}

}  // namespace

void parse_firms(Section& c) {
  FirmModelSpec& fm = c.s.firms;
  abm::FirmModelParameters& fp = fm.parameters;
  const toml::table* fi = c.sub_table(&c.root, "firms");
  const TablePlace place{fi, "firms", "firms"};
  c.read_all(place, [&](const KeyInfo& k) {
    const std::string name(k.name());
    if (k.synthesis) {
      if (c.read(k, place) == Read::ok)
        c.parsed.written_synthesis.push_back({&k, *c.number_of(std::string(k.path))});
      return true;
    }
    if (name == "calibration") {
      c.read(k, place);
      if (fm.enabled && !(fi && fi->get("districts")))
        c.r.error(c.r.at(fi), "firms.districts",
                  "missing; expected the districts CSV (e.g. districts = "
                  "\"../data/ningbo/districts.csv\"), which the firm model needs because "
                  "firms.enabled is true");
      return true;
    }
    if (name == "land_supply_by_district") by_district(c, fi, name, fm.land_supply_by_district);
    if (name == "industrial_share_by_district")
      by_district(c, fi, name, fm.industrial_share_by_district);
    if (k.type == KeyType::table)
      if (const toml::table* t = c.sub_table(fi, std::string(k.path)))
        c.read_all({t, std::string(k.path), std::string(k.path)});
    return k.type == KeyType::map || k.type == KeyType::table;
  });
  if (fm.calibration.empty())  // otherwise after the calibration file, in the data pass
    for (const auto& [key, message] : synthesis_problems(c.s, false))
      c.r.error(c.parsed.where.count(key) ? c.parsed.where[key] : c.r.at(fi), key, message);
  if (fp.accounts.wage_per_person > 0 && fp.accounts.labour_share_of_value_added > 0)
    c.r.error(c.parsed.where["firms.labour_share_of_value_added"],
              "firms.labour_share_of_value_added",
              "give either wage_per_person or labour_share_of_value_added, not both (labour "
              "cost would count twice)");
  fp.accounts.above_scale_threshold = fp.synthesis.above_scale_threshold;
  fp.synthesis.industrial_sectors = c.s.region.industrial_sectors;
  fp.output_per_investment = c.s.investment.output_per_investment;
}

namespace {

// mujun.d_surcharge: an array of surcharges by consecutive D year.
void read_d_surcharge(Section& c, const toml::table* t, const KeyInfo& k) {
  const std::string expected(k.expected);
  const toml::node* n =
      c.r.node(t, "d_surcharge", "mujun", false, "an array of numbers " + std::string(expected));
  if (!n) return;
  if (!n->is_array()) {
    c.r.error(c.r.at(*n), "mujun.d_surcharge",
              "expected an array of surcharges in yuan per kWh >= 0, by consecutive D year, "
              "e.g. [0.05, 0.10, 0.15], got " +
                  type_name(*n));
    return;
  }
  std::vector<double> out;
  bool ok = true;
  std::size_t i = 0;
  const Range non_negative{0, std::numeric_limits<double>::infinity()};
  for (auto&& e : *n->as_array()) {
    const std::string ek = "mujun.d_surcharge[" + std::to_string(i++) + "]";
    const toml::node& located = e.source().begin.line ? e : *n;
    c.parsed.where[ek] = c.r.at(located);
    if (!e.is_number()) {
      c.r.error(c.r.at(located), ek, "expected a number " + expected + ", got " + type_name(e));
      ok = false;
    } else if (auto x = c.r.number_value(e, ek, non_negative, expected)) {
      out.push_back(*x);
    } else {
      ok = false;
    }
  }
  if (ok) c.s.firms.parameters.mujun.d_surcharge = std::move(out);
}

}  // namespace

void parse_mujun_and_land(Section& c) {
  abm::FirmModelParameters& fp = c.s.firms.parameters;
  const toml::table* mu = c.sub_table(&c.root, "mujun");
  c.read_all({mu, "mujun", "mujun"}, [&](const KeyInfo& k) {
    if (k.name() == "d_surcharge") {
      read_d_surcharge(c, mu, k);
      return true;
    }
    if (k.name() != "weights") return false;
    if (const toml::table* w = c.sub_table(mu, "mujun.weights"))
      c.read_all({w, "mujun.weights", "mujun.weights"});
    return true;
  });
  report_rule_problem(c, "mujun", abm::problems(fp.mujun));

  const toml::table* la = c.sub_table(&c.root, "land");
  c.read_all({la, "land", "land"});
  report_rule_problem(c, "land", abm::problems(fp.land));
}

}  // namespace icsim::scenario::detail
