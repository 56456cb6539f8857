#pragma once
// Errors a user can act on. Every message names where the problem is (file, line, column or
// key) and what was expected, because an economist fixing a spreadsheet export needs exactly
// that and nothing else.
#include <stdexcept>
#include <string>

namespace icsim {

// Bad input: a file, a value or an option that the user must fix. The command prints what()
// and exits with status 2 without writing any output file.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A well-formed table that has no economic solution (Hawkins-Simon violated, singular system).
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The run was asked to stop (Ctrl-C, or the scheduler's SIGTERM) before it finished. Nothing
// half-written is left: the result file is not created; finished parts of a resumable run stay.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "FILE:LINE: message" (LINE omitted when 0); the common shape of every located message.
std::string located(const std::string& file, long line, const std::string& message);

}  // namespace icsim
