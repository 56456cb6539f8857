#pragma once
// A reader for the experiment sections of a scenario file that the schema pass leaves alone
// ([sweep], [calibration], [sensitivity]): each problem is collected with its file, line and
// key, and all of them are thrown together as one InputError.
#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "internal.hpp"

namespace icsim::scenario::detail {

class SectionReader {
 public:
  SectionReader(std::string file, std::string section, Sink& sink)
      : file_(std::move(file)), section_(std::move(section)), sink_(sink) {}

  const std::string& file() const { return file_; }

  void error(const toml::node* at, const std::string& key, const std::string& message);

  // An error for every key of `t` not in `allowed` ("did you mean" included).
  void check_keys(const toml::table& t, const std::string& prefix,
                  const std::vector<std::string>& allowed);

  // A finite number (an integer is accepted); nullopt (and an error) otherwise or if absent.
  std::optional<double> number(const toml::node* n, const std::string& key);

  // t[name] as a whole number in [low, high]; nullopt if absent (no error) or wrong (error).
  std::optional<std::int64_t> integer(const toml::table& t, const std::string& name,
                                      const std::string& prefix, std::int64_t low,
                                      std::int64_t high);

  // Throws one InputError listing every problem found so far ("the [S] section has N problems").
  void fail_if_any() const;

 private:
  std::string file_;
  std::string section_;
  Sink& sink_;
};

}  // namespace icsim::scenario::detail
