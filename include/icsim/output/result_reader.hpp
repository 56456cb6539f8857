#pragma once
// Read-only access to a result file (docs/results.md) with the HDF5 C API: root and variable
// attributes, numeric variables as doubles (row-major, last dimension fastest) and UTF-8 string
// variables. Used by commands that read results back, such as `icsim compare`.
//
// Errors throw icsim::InputError with a message that starts with the file's path: a missing
// file, a file that is not HDF5, a missing object or attribute, or one of the wrong type.
// HDF5's automatic error printing is switched off while the reader works.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace icsim::output {

class ResultReader {
 public:
  explicit ResultReader(const std::string& path);  // opens read-only
  ~ResultReader();
  ResultReader(const ResultReader&) = delete;
  ResultReader& operator=(const ResultReader&) = delete;
  ResultReader(ResultReader&&) noexcept;
  ResultReader& operator=(ResultReader&&) noexcept;

  const std::string& path() const;
  // Whether a group or dataset exists, e.g. "targets" or "clusters/output".
  bool has(const std::string& object) const;
  // Attributes of `object` ("/" for the root). text_attribute wants a string; number_attribute
  // and integer_attribute accept any integer or floating-point scalar.
  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string text_attribute(const std::string& object, const std::string& name) const;
  double number_attribute(const std::string& object, const std::string& name) const;
  std::int64_t integer_attribute(const std::string& object, const std::string& name) const;
  // The dimension lengths of a dataset (empty for a scalar).
  std::vector<std::size_t> shape(const std::string& dataset) const;
  // A numeric dataset converted to double; a string dataset of variable-length strings.
  std::vector<double> numbers(const std::string& dataset) const;
  std::vector<std::string> strings(const std::string& dataset) const;
  // Slice `index` of the first dimension (e.g. one sweep point) of a numeric dataset.
  std::vector<double> numbers_slice(const std::string& dataset, std::size_t index) const;
  // Reads every attribute and every dataset of the file, one at a time, and throws InputError
  // naming the first object that cannot be read (a truncated or damaged file): a check before
  // a long job reads the file some other way (`icsim report`). Returns the datasets read.
  std::size_t verify() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace icsim::output
