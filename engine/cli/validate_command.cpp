// `icsim validate FILE... [--set KEY=VALUE]...`: checks scenario files (schema and data) and
// prints every problem found, or a one-line summary per valid file.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "icsim/common/error.hpp"
#include "icsim/scenario/load.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kValidateExamples = R"(Examples:
  icsim validate scenarios/ningbo/baseline.toml
  icsim validate scenarios/ningbo/*.toml
  icsim validate scenarios/ningbo/baseline.toml --set scenario.replications=10 \
                 --set programme.shuangbai.investment=1140 \
                 --set 'growth.final_demand.exports={ distribution = "normal", mean = 0.03, sd = 0.02 }'
  icsim validate scenarios/ningbo/baseline.toml --schema-only

Each problem is printed as FILE:LINE:COLUMN: key 'KEY': what was expected. The exit status
is 0 when every file is valid and 2 otherwise. The keys of a scenario file are described in
docs/scenario-reference.md.
)";

}  // namespace

int validate_command(int argc, char** argv) {
  std::vector<std::string> files, sets;
  bool schema_only = false;
  po::options_description desc(
      "icsim validate FILE... [options]\n\n"
      "Checks scenario files without running them: TOML syntax, unknown keys (with\n"
      "suggestions), types and ranges, `extends` chains, --set overrides, and then the\n"
      "data: the table and the cluster concordances load, and every sector code,\n"
      "final-demand column and SYSTEM/CLUSTER reference exists.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("set", po::value(&sets)->composing(), "KEY=VALUE: override a key of every file, as `icsim run` would (VALUE is TOML: 0.02, \"text\", [\"11\", \"12\"], { distribution = \"normal\", mean = 0.0, sd = 0.01 }; a bare word is a string). Array entries by name or id: programme.NAME.KEY, target.ID.KEY, or programme[0].KEY. Repeatable")
    ("schema-only", po::bool_switch(&schema_only), "check the file alone, without loading the table and concordances");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files)->composing());
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "file", -1, "validate", kValidateExamples, vm))
    return 0;
  if (files.empty()) throw InputError("missing FILE (see 'icsim validate --help')");
  std::vector<scenario::Override> overrides;
  for (const auto& s : sets) overrides.push_back(scenario::parse_override(s));

  bool all_ok = true;
  for (const auto& file : files) {
    std::vector<scenario::Diagnostic> problems;
    if (schema_only) {
      try {
        scenario::parse_scenario(file, overrides);
      } catch (const InputError& e) {
        all_ok = false;
        std::cerr << e.what() << "\n" << file << ": invalid\n";
        continue;
      }
    } else {
      problems = scenario::validate_scenario(file, overrides);
    }
    if (!problems.empty()) {
      all_ok = false;
      for (const auto& d : problems) std::cerr << d.to_string() << "\n";
      std::cerr << file << ": " << problems.size()
                << (problems.size() == 1 ? " problem" : " problems") << "\n";
      continue;
    }
    const scenario::Scenario s = scenario::parse_scenario(file, overrides);
    std::cout << file << ": ok (scenario '" << s.name << "', " << s.targets.size() << " targets, "
              << s.programmes.size() << " programmes, base " << s.base_year << ", horizon "
              << s.horizon << ")\n";
  }
  return all_ok ? 0 : 2;
}

}  // namespace icsim::cli
