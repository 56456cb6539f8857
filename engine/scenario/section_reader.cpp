// The reader of experiment sections (section_reader.hpp).
#include "section_reader.hpp"

#include <algorithm>
#include <cmath>

#include "icsim/common/error.hpp"

namespace icsim::scenario::detail {

void SectionReader::error(const toml::node* at, const std::string& key,
                          const std::string& message) {
  sink_.add(at ? where_of(at->source(), file_) : Where{file_, 0, 0, {}}, key, message);
}

void SectionReader::check_keys(const toml::table& t, const std::string& prefix,
                               const std::vector<std::string>& allowed) {
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      error(
          &v, prefix + "." + key,
          "unknown key (expected one of " + join(allowed, ", ") + ")" + did_you_mean(key, allowed));
  }
}

std::optional<double> SectionReader::number(const toml::node* n, const std::string& key) {
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value<double>(); v && (n->is_integer() || n->is_floating_point())) {
    if (std::isfinite(*v)) return *v;
  }
  error(n, key, "expected a finite number, got " + type_name(*n));
  return std::nullopt;
}

std::optional<std::int64_t> SectionReader::integer(const toml::table& t, const std::string& name,
                                                   const std::string& prefix, std::int64_t low,
                                                   std::int64_t high) {
  const toml::node* n = t.get(name);
  if (n == nullptr) return std::nullopt;
  const auto v = n->value<std::int64_t>();
  if (!n->is_integer() || !v || *v < low || *v > high) {
    error(n, prefix + "." + name,
          "expected a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
              ", got " + (n->is_integer() ? std::to_string(*v) : type_name(*n)));
    return std::nullopt;
  }
  return v;
}

void SectionReader::fail_if_any() const {
  if (sink_.empty()) return;
  const std::size_t n = sink_.list().size();
  std::string message = "the [" + section_ + "] section has " + std::to_string(n) + " problem" +
                        (n == 1 ? "" : "s") + ":";
  for (const auto& d : sink_.list()) message += "\n  " + d.to_string();
  throw InputError(message);
}

}  // namespace icsim::scenario::detail
