// The schema pass: the merged document becomes a Scenario; every unknown key, wrong type,
// out-of-range value, duplicate and missing key is reported (docs/scenario-reference.md). The
// keys, their types and ranges come from the key list (include/icsim/scenario/keys.hpp); each
// section's parser (schema_*.cpp) adds what the list cannot say alone (cross-key rules,
// uniqueness, references).
#include <filesystem>

#include "reader.hpp"

namespace fs = std::filesystem;

namespace icsim::scenario::detail {

// [scenario]
void parse_scenario_section(Section& c) {
  Scenario& s = c.s;
  s.seed = 1;
  s.replications = 1000;
  const toml::table* sc = c.sub_table(&c.root, "scenario", true);
  c.read_all({sc, "scenario", "scenario"}, [&](const KeyInfo& k) {
    if (k.name() != "horizon") return false;
    if (c.read(k, {sc, "scenario", "scenario"}) != Read::ok) return true;
    if (s.base_year && !(s.horizon > s.base_year && s.horizon <= s.base_year + 50)) {
      c.r.error(c.r.at(*sc->get("horizon")), "scenario.horizon",
                "expected a year after base_year " + std::to_string(s.base_year) +
                    " and at most 50 years later (" + std::to_string(s.base_year + 1) + ".." +
                    std::to_string(s.base_year + 50) + "), got " + std::to_string(s.horizon));
      s.horizon = 0;
    }
    return true;
  });
}

// [table], [table.regionalise], [clusters]
void parse_table_and_clusters(Section& c) {
  const toml::table* tb = c.sub_table(&c.root, "table", true);
  c.read_all({tb, "table", "table"}, [&](const KeyInfo& k) {
    if (k.name() != "regionalise") return false;
    if (const toml::table* rg = c.sub_table(tb, "table.regionalise")) {
      c.s.table.regionalise.emplace();
      c.read_all({rg, "table.regionalise", "table.regionalise"});
    }
    return true;
  });

  if (const toml::table* cl = c.r.table(&c.root, "clusters", "")) {
    for (auto&& [k, v] : *cl) {
      const std::string system(k.str());
      const std::string full = "clusters." + system;
      c.parsed.where[full] = c.r.at(v);
      if (system.empty() || system.find('/') != std::string::npos) {
        c.r.error(c.r.at(v), full, "a cluster system name must be non-empty and contain no '/'");
        continue;
      }
      if (!v.is_string()) {
        c.r.error(c.r.at(v), full,
                  "expected a string (the concordance CSV of system '" + system + "'), got " +
                      type_name(v));
        continue;
      }
      c.s.clusters.push_back({system, v.as_string()->get()});
    }
  }
}

// region.industrial_sectors is needed by capacity constraints, industrial investment and the
// firm model.
void check_industrial_sectors(Section& c) {
  const Scenario& s = c.s;
  if (!c.industrial_ok || !s.region.industrial_sectors.empty() ||
      !(s.capacity.enabled || s.investment.industrial_base > 0 || s.firms.enabled))
    return;
  const toml::node* rg = c.root.get("region");
  const toml::node* listed =
      rg && rg->is_table() ? rg->as_table()->get("industrial_sectors") : nullptr;
  Where w = listed ? c.r.at(*listed) : c.r.at(rg && rg->is_table() ? rg->as_table() : nullptr);
  c.r.error(w, "region.industrial_sectors",
            std::string(listed ? "is empty" : "missing") +
                "; expected the codes of the industrial sectors (needed because " +
                (s.capacity.enabled ? "capacity.enabled is true"
                 : s.firms.enabled  ? "firms.enabled is true"
                                    : "investment.industrial_base > 0") +
                "; set capacity.enabled = false otherwise)");
}

Parsed parse(const std::string& path, const std::vector<Override>& overrides, Sink& sink) {
  Parsed parsed;
  Scenario& s = parsed.scenario;
  s.file = fs::absolute(path).lexically_normal().string();
  parsed.document = read_document(path, overrides, sink);
  if (!parsed.document) return parsed;
  const toml::table& root = *parsed.document;
  Reader r(sink, parsed.where, s.file);
  r.check_keys(root, "", "");
  Section c(r, parsed, root);

  parse_scenario_section(c);
  parse_table_and_clusters(c);
  parse_region_and_growth(c);
  parse_economy(c);
  parse_firms(c);
  parse_mujun_and_land(c);
  r.set_firm_model(s.firms.enabled);
  check_industrial_sectors(c);
  parse_programmes(c);
  parse_exogenous_investment(c);
  parse_targets(c);
  parse_actuals(c);

  s.resolved_toml = resolved_text(root, fs::path(s.file).parent_path().string());
  return parsed;
}

}  // namespace icsim::scenario::detail
