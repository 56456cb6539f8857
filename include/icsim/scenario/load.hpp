#pragma once
// Reading, inheriting, overriding and validating scenario files (docs/scenario-reference.md).
// Two passes, both reporting every problem found rather than the first:
//  1. the schema: TOML syntax, unknown keys (with a "did you mean" suggestion), types, ranges,
//     `extends` chains (paths relative to the file that names them; cycles are errors) and
//     `--set key=value` overrides, type-checked against the schema;
//  2. the data: the table loads, sector codes and final-demand components exist in it,
//     concordances load (their own file:line errors), "SYSTEM/CLUSTER" references exist,
//     target and programme years lie inside the horizon.
// Each diagnostic names the file, line and column (or the --set argument), the key, and what
// was expected.
#include <string>
#include <vector>

#include "icsim/abm/districts.hpp"
#include "icsim/io/concordance.hpp"
#include "icsim/io/table.hpp"
#include "icsim/scenario/scenario.hpp"

namespace icsim::scenario {

struct Diagnostic {
  std::string file;  // scenario file, or "--set" for an override
  long line = 0;     // 0 when not known
  long column = 0;
  std::string key;  // dotted key, e.g. "programme[1].start_year"
  std::string message;
  std::string to_string() const;  // "FILE:LINE:COL: key 'K': message"
};

// "key=value" as given to --set; the value is parsed as TOML (a bare word that is not valid
// TOML is taken as a string), then checked against the schema like a value from the file.
struct Override {
  std::string key;
  std::string value;
};
Override parse_override(const std::string& argument);  // InputError if there is no '='

// A scenario with its data loaded: what the projection runs on.
struct LoadedScenario {
  Scenario scenario;
  io::IOTable table;                     // regionalised when the scenario asks for it
  std::vector<io::Concordance> systems;  // in the order of scenario.clusters
  // With the firm model: the districts file, with land quotas and industrial shares after the
  // scenario's per-district overrides (firms.land_supply_by_district, land_supply_scale is
  // applied by the firm model). Empty without the firm model.
  std::vector<abm::District> districts;
};

// Every problem in the file (both passes; the data pass runs only if the schema pass is clean).
std::vector<Diagnostic> validate_scenario(const std::string& path,
                                          const std::vector<Override>& overrides = {});

// Loads and validates; throws InputError listing every diagnostic (one per line) if any.
LoadedScenario load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

// Schema pass only, without loading the data (for tests and `icsim validate --schema-only`).
Scenario parse_scenario(const std::string& path, const std::vector<Override>& overrides = {});

}  // namespace icsim::scenario
