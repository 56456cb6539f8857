#pragma once
// Internal to engine/output: silences HDF5's automatic error printing for a scope, so that
// failures reach the user as one InputError naming the file instead of an HDF5 stack dump.
#include <hdf5.h>

namespace icsim::output {

class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace icsim::output
