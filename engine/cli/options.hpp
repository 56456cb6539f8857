#pragma once
// Command-line parsing shared by the subcommands: one place that turns Boost.Program_options
// errors into the InputError every command reports ("... (see 'icsim CMD --help')") and
// prints --help.
#include <boost/program_options.hpp>
#include <string>

namespace icsim::cli {

// Parses argv with the `visible` options and, by position, the `hidden` option named
// `positional` (max_positional values; -1 = any number) into `vm`. Returns true when --help was
// given: `visible` and then `help_footer` (examples) have been printed and the command should
// return 0.
bool parse_command_line(int argc, char** argv,
                        const boost::program_options::options_description& visible,
                        const boost::program_options::options_description& hidden,
                        const char* positional, int max_positional, const std::string& command,
                        const std::string& help_footer, boost::program_options::variables_map& vm);

}  // namespace icsim::cli
