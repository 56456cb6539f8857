// Loading a scenario: the schema pass (schema*.cpp) and then the data pass here, which loads the
// table and the concordances and checks every code, label and cluster reference against them.
#include "icsim/scenario/load.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "icsim/abm/districts.hpp"
#include "icsim/abm/land.hpp"
#include "icsim/abm/population.hpp"
#include "icsim/common/error.hpp"
#include "icsim/io/regionalise.hpp"
#include "icsim/io/table_format.hpp"
#include "internal.hpp"

namespace fs = std::filesystem;

namespace icsim::scenario {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) out += "key '" + key + "': ";
  return out + message;
}

Override parse_override(const std::string& argument) {
  const auto eq = argument.find('=');
  auto trim = [](const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return std::string();
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
  };
  if (eq == std::string::npos || trim(argument.substr(0, eq)).empty())
    throw InputError("--set " + argument +
                     ": expected KEY=VALUE, e.g. --set scenario.replications=100 or --set "
                     "programme.shuangbai.investment=1140");
  return Override{trim(argument.substr(0, eq)), trim(argument.substr(eq + 1))};
}

namespace {

using detail::did_you_mean;
using detail::join;
using detail::Sink;
using detail::Where;

class DataPass {
 public:
  DataPass(detail::Parsed& parsed, Sink& sink) : p_(parsed), s_(parsed.scenario), sink_(sink) {}

  Where at(const std::string& key) const {
    auto it = p_.where.find(key);
    if (it != p_.where.end()) return it->second;
    return Where{s_.file, 0, 0, {}};
  }
  void error(const std::string& key, const std::string& message) {
    sink_.add(at(key), key, message);
  }

  bool run(LoadedScenario& out) {
    // The table.
    try {
      out.table = io::load_table(s_.table.path);
    } catch (const std::exception& e) {
      error("table.path", "the table folder does not load: " + std::string(e.what()));
      return false;
    }
    if (s_.table.regionalise) {
      const auto& r = *s_.table.regionalise;
      try {
        io::RegionalSizes sizes = io::load_regional_sizes(r.sizes, out.table);
        io::RegionalisationOptions ro;
        ro.method = io::parse_lq_method(r.method);
        ro.delta = r.delta;
        ro.region_name = r.region.empty() ? s_.region.name : r.region;
        out.table = io::regionalise(out.table, sizes, ro);
      } catch (const std::exception& e) {
        error("table.regionalise.sizes", "regionalisation failed: " + std::string(e.what()));
        return false;
      }
    }
    table_ = &out.table;
    if (out.table.meta.year != s_.base_year)
      error("scenario.base_year", "must equal the table's year " +
                                      std::to_string(out.table.meta.year) + " (" + s_.table.path +
                                      "/table.toml), got " + std::to_string(s_.base_year));

    // Concordances.
    out.systems.reserve(s_.clusters.size());
    for (const auto& c : s_.clusters) {
      try {
        out.systems.push_back(io::load_concordance(c.path, out.table, c.system));
      } catch (const std::exception& e) {
        error("clusters." + c.system, "the concordance does not load: " + std::string(e.what()));
        out.systems.push_back(io::Concordance{c.system, {}, {}, {}});
        failed_systems_.push_back(c.system);
      }
    }
    systems_ = &out.systems;

    for (std::size_t i = 0; i < s_.region.industrial_sectors.size(); ++i)
      sector(s_.region.industrial_sectors[i], indexed("region.industrial_sectors", i), false);
    for (std::size_t i = 0; i < s_.capacity.sectors.size(); ++i)
      sector(s_.capacity.sectors[i], indexed("capacity.sectors", i), false);

    // Final-demand labels.
    std::vector<std::string> labels;
    for (const auto& l : out.table.final_demand.labels)
      if (l != out.table.meta.gfcf) labels.push_back(l);
    for (const auto& [label, growth] : s_.growth.final_demand) {
      const std::string key = "growth.final_demand." + label;
      if (label == out.table.meta.gfcf)
        error(key, "'" + label +
                       "' is the table's gross fixed capital formation column, which the "
                       "projection builds from investment: use investment.other_gfcf_growth "
                       "(and investment.growth, programmes) instead");
      else if (out.table.final_demand.find(label) < 0)
        error(key, "unknown final-demand column '" + label + "'" + did_you_mean(label, labels) +
                       " (the table's columns: " + join(labels, ", ") + ")");
    }
    for (std::size_t g = 0; g < s_.growth.sector_groups.size(); ++g) {
      const auto& sg = s_.growth.sector_groups[g];
      const std::string p = "growth.sector_group[" + std::to_string(g) + "]";
      for (std::size_t i = 0; i < sg.sectors.size(); ++i)
        sector(sg.sectors[i], indexed(p + ".sectors", i), false);
      for (std::size_t i = 0; i < sg.clusters.size(); ++i)
        cluster(sg.clusters[i], indexed(p + ".clusters", i), false);
    }
    households(out.table);
    if (s_.firms.enabled) firms(out);

    for (std::size_t k = 0; k < s_.programmes.size(); ++k)
      for (const auto& [dest, share] : s_.programmes[k].split)
        destination(dest, "programme[" + std::to_string(k) + "].split." + dest);
    for (std::size_t k = 0; k < s_.exogenous_investment.size(); ++k)
      destination(s_.exogenous_investment[k].target,
                  "exogenous_investment[" + std::to_string(k) + "].target");
    for (std::size_t k = 0; k < s_.targets.size(); ++k) {
      const std::string p = "target[" + std::to_string(k) + "]";
      series(s_.targets[k].series, p);
      if (s_.targets[k].denominator) series(*s_.targets[k].denominator, p + ".denominator");
    }
    for (std::size_t k = 0; k < s_.actuals.size(); ++k)
      series(s_.actuals[k].series, "actual[" + std::to_string(k) + "]");
    return true;
  }

 private:
  static std::string indexed(const std::string& key, std::size_t i) {
    return key + "[" + std::to_string(i) + "]";
  }

  void sector(const std::string& code, const std::string& key, bool allow_star) {
    if (allow_star && code == "*") return;
    if (table_->sector_index(code) >= 0) return;
    std::string hint = did_you_mean(code, table_->codes);
    error(key, "unknown sector code '" + code + "'" + hint +
                   " (the table's codes: " + join(table_->codes, ", ", 12) + ")");
  }

  void cluster(const std::string& ref, const std::string& key, bool allow_star) {
    const auto slash = ref.find('/');
    if (slash == std::string::npos) {
      error(key, "expected a cluster reference SYSTEM/CLUSTER, got '" + ref + "'");
      return;
    }
    const std::string system = ref.substr(0, slash), code = ref.substr(slash + 1);
    std::vector<std::string> names;
    const io::Concordance* found = nullptr;
    for (const auto& c : *systems_) {
      names.push_back(c.system);
      if (c.system == system) found = &c;
    }
    if (!found) {
      error(key, "unknown cluster system '" + system + "' in '" + ref + "'" +
                     did_you_mean(system, names) +
                     (names.empty() ? std::string(" (the scenario has no [clusters] section)")
                                    : " (systems in [clusters]: " + join(names, ", ") + ")"));
      return;
    }
    if (std::find(failed_systems_.begin(), failed_systems_.end(), system) != failed_systems_.end())
      return;  // already reported
    if (allow_star && code == "*") return;
    if (std::find(found->clusters.begin(), found->clusters.end(), code) != found->clusters.end())
      return;
    error(key, "system '" + system + "' has no cluster '" + code + "'" +
                   did_you_mean(code, found->clusters) +
                   " (its clusters: " + join(found->clusters, ", ", 20) + ")");
  }

  void destination(const std::string& ref, const std::string& key) {
    if (ref.find('/') != std::string::npos)
      cluster(ref, key, false);
    else
      sector(ref, key, false);
  }

  void programme(const std::string& name, const std::string& key) {
    if (name == "*") return;
    std::vector<std::string> names;
    for (const auto& p : s_.programmes) names.push_back(p.name);
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    error(key, "no programme '" + name + "'" + did_you_mean(name, names) +
                   (names.empty() ? std::string(" (the scenario has no [[programme]])")
                                  : " (programmes: " + join(names, ", ", 20) + ")"));
  }

  void series(const Series& s, const std::string& prefix) {
    if (s.metric.rfind("programmes/", 0) == 0) {  // [[programme]] names
      for (std::size_t i = 0; i < s.select.size(); ++i)
        programme(s.select[i], indexed(prefix + ".select", i));
      return;
    }
    const bool clusters = s.metric.rfind("clusters/", 0) == 0;
    const bool sectors = s.metric.rfind("sectors/", 0) == 0;
    const bool districts = s.metric.rfind("districts/", 0) == 0;
    if (s.metric.rfind("district_clusters/", 0) == 0) {  // district codes and cluster references
      for (std::size_t i = 0; i < s.select.size(); ++i) {
        const std::string key = indexed(prefix + ".select", i);
        if (s.select[i].find('/') != std::string::npos)
          cluster(s.select[i], key, true);
        else if (districts_ && s.select[i] != "*")
          district(s.select[i], key);
      }
      overlap(s, prefix);
      return;
    }
    for (std::size_t i = 0; i < s.select.size(); ++i) {
      const std::string key = indexed(prefix + ".select", i);
      if (clusters) cluster(s.select[i], key, true);
      if (sectors) sector(s.select[i], key, true);
      // Without the districts (firm model off: a target with `needs`) there is nothing to check.
      if (districts && districts_ && s.select[i] != "*") district(s.select[i], key);
    }
    if (clusters) overlap(s, prefix);
  }

  // A series sums its selected clusters: refuse a sum over two or more clusters of a system
  // whose concordance declares them overlapping (it would count shared sectors twice).
  void overlap(const Series& s, const std::string& prefix) {
    std::map<std::string, std::set<std::string>> chosen;  // overlapping system -> clusters
    for (const auto& ref : s.select) {
      const auto slash = ref.find('/');
      if (slash == std::string::npos) continue;
      const std::string system = ref.substr(0, slash), code = ref.substr(slash + 1);
      for (const auto& c : *systems_)
        if (c.system == system && c.overlapping) {
          if (code == "*")
            chosen[system].insert(c.clusters.begin(), c.clusters.end());
          else
            chosen[system].insert(code);
        }
    }
    for (const auto& [system, codes] : chosen)
      if (codes.size() > 1)
        error(prefix + ".select",
              "selects " + std::to_string(codes.size()) + " clusters of system '" + system +
                  "', whose concordance declares its clusters overlapping (`# overlapping`): "
                  "they share sectors, so their sum would count those sectors more than once; "
                  "select one cluster of the system");
  }

  // The district codes of the districts file.
  std::vector<std::string> district_codes() const {
    std::vector<std::string> codes;
    if (districts_)
      for (const auto& d : *districts_) codes.push_back(d.code);
    return codes;
  }

  // The index of district `code`, or -1 (reported on `key`).
  int district(const std::string& code, const std::string& key) {
    const std::vector<std::string> codes = district_codes();
    auto it = std::find(codes.begin(), codes.end(), code);
    if (it != codes.end()) return static_cast<int>(it - codes.begin());
    error(key, "unknown district code '" + code + "'" + did_you_mean(code, codes) +
                   " (the codes of " + s_.firms.districts + ": " + join(codes, ", ") + ")");
    return -1;
  }

  // [households]: the column exists (when used or written) and the closure has its income.
  void households(const io::IOTable& table) {
    const HouseholdSpec& h = s_.households;
    const bool labour = h.closure == "labour_income";
    if (!labour && !p_.where.count("households.column")) return;
    std::vector<std::string> labels;
    for (const auto& l : table.final_demand.labels)
      if (l != table.meta.gfcf) labels.push_back(l);
    const std::string key =
        p_.where.count("households.column") ? "households.column" : "households.closure";
    if (h.column == table.meta.gfcf)
      error(key, "'" + h.column +
                     "' is the table's gross fixed capital formation column, not household "
                     "consumption (the table's columns: " +
                     join(labels, ", ") + ")");
    else if (table.final_demand.find(h.column) < 0)
      error(key, (key == "households.column" ? std::string() : "households.column: ") +
                     "unknown final-demand column '" + h.column + "'" +
                     did_you_mean(h.column, labels) +
                     " (the table's columns: " + join(labels, ", ") + ")");
    if (labour && table.value_added.find(table.meta.labour_income) < 0)
      error("households.closure", "\"labour_income\" needs the table's labour income row '" +
                                      table.meta.labour_income +
                                      "' in value_added.csv (table.toml's labour_income; "
                                      "the table's rows: " +
                                      join(table.value_added.labels, ", ") + ")");
  }

  // [firms] with enabled = true: the calibration file under the written keys, the districts
  // file, the per-district overrides.
  void firms(LoadedScenario& out) {
    FirmModelSpec& f = s_.firms;
    abm::FirmModelParameters& fp = f.parameters;
    if (!f.calibration.empty()) {
      abm::SynthesisSpec spec = fp.synthesis;
      bool loaded = true;
      try {
        abm::apply_firm_calibration(f.calibration, spec);
      } catch (const std::exception& e) {
        error("firms.calibration", "the calibration file does not load: " + std::string(e.what()));
        loaded = false;
      }
      if (loaded) {
        // The scenario's own keys win over the file.
        fp.synthesis = spec;
        for (const auto& w : p_.written_synthesis)
          std::get<FieldRef<double>>(w.key->field)(s_, 0) = w.value;
        for (const auto& [key, message] : detail::synthesis_problems(s_, true)) {
          const bool written = p_.where.count(key) > 0;
          error(written ? key : "firms.calibration",
                (written ? message : key + " from " + f.calibration + ": " + message));
        }
      }
    }
    fp.synthesis.industrial_sectors = s_.region.industrial_sectors;
    fp.accounts.above_scale_threshold = fp.synthesis.above_scale_threshold;
    fp.output_per_investment = s_.investment.output_per_investment;

    try {
      out.districts = abm::load_districts(f.districts, out.table);
    } catch (const std::exception& e) {
      error("firms.districts", "the districts file does not load: " + std::string(e.what()));
      out.districts.clear();
      return;
    }
    if (out.districts.empty()) {
      error("firms.districts", "the districts file " + f.districts + " lists no districts");
      return;
    }
    districts_ = &out.districts;
    for (const auto& [code, mu] : f.land_supply_by_district) {
      const int d = district(code, "firms.land_supply_by_district." + code);
      if (d >= 0) out.districts[static_cast<std::size_t>(d)].annual_land_supply = mu;
    }
    if (!f.industrial_share_by_district.empty()) {
      std::vector<double> shares(out.districts.size(), fp.land.industrial_share);
      for (const auto& [code, share] : f.industrial_share_by_district) {
        const int d = district(code, "firms.industrial_share_by_district." + code);
        if (d >= 0) shares[static_cast<std::size_t>(d)] = share;
      }
      fp.land.industrial_share_by_district = std::move(shares);
      const std::vector<abm::RuleProblem> problems = abm::problems(fp.land);
      if (!problems.empty())
        error("firms.industrial_share_by_district", problems.front().text("land"));
    }
  }

  detail::Parsed& p_;
  Scenario& s_;
  Sink& sink_;
  const io::IOTable* table_ = nullptr;
  const std::vector<io::Concordance>* systems_ = nullptr;
  const std::vector<abm::District>* districts_ = nullptr;
  std::vector<std::string> failed_systems_;
};

std::vector<Diagnostic> sorted(std::vector<Diagnostic> list) {
  std::stable_sort(list.begin(), list.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
  return list;
}

std::string listing(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += (out.empty() ? "" : "\n") + d.to_string();
  return out;
}

std::vector<Diagnostic> load(const std::string& path, const std::vector<Override>& overrides,
                             LoadedScenario& out) {
  Sink sink;
  detail::Parsed parsed = detail::parse(path, overrides, sink);
  if (sink.empty()) {
    DataPass data(parsed, sink);
    data.run(out);
  }
  out.scenario = std::move(parsed.scenario);
  return sorted(sink.list());
}

}  // namespace

std::vector<Diagnostic> validate_scenario(const std::string& path,
                                          const std::vector<Override>& overrides) {
  LoadedScenario unused;
  return load(path, overrides, unused);
}

LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  LoadedScenario out;
  std::vector<Diagnostic> list = load(path, overrides, out);
  if (!list.empty()) throw InputError(listing(list));
  return out;
}

Scenario parse_scenario(const std::string& path, const std::vector<Override>& overrides) {
  detail::Sink sink;
  detail::Parsed parsed = detail::parse(path, overrides, sink);
  if (!sink.empty()) throw InputError(listing(sorted(sink.list())));
  return std::move(parsed.scenario);
}

}  // namespace icsim::scenario
