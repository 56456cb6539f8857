#pragma once
// Subcommands of the icsim program; argv[0] is the subcommand's name.
namespace icsim::cli {
int io_command(int argc, char** argv);
int validate_command(int argc, char** argv);  // validate_command.cpp
int run_command(int argc, char** argv);
int sweep_command(int argc, char** argv);    // sweep_command.cpp
int compare_command(int argc, char** argv);  // compare_command.cpp
int merge_command(int argc, char** argv);    // merge_command.cpp
int seek_command(int argc, char** argv);     // seek_command.cpp
int report_command(int argc, char** argv);   // report_command.cpp
int impact_command(int argc, char** argv);   // impact_command.cpp
int score_command(int argc, char** argv);    // score_command.cpp
int explain_command(int argc, char** argv);  // explain_command.cpp
}  // namespace icsim::cli
