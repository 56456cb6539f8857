#include "cli/workbook.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "cli/python_program.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/io/table_format.hpp"
#include "icsim/io/text.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace icsim::cli {
namespace {

constexpr const char* kWorkbookHint =
    "install Python 3 with python3-openpyxl (tools/install-deps.sh), or set ICSIM_PYTHON";

// A temporary folder, removed with everything in it when the object goes.
struct TempFolder {
  std::string path;
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "icsim-workbook-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error(std::string("cannot create a temporary folder: ") +
                               std::strerror(errno));
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
};

// "TMP/Z.csv:5: ..." -> "BOOK.xlsx, sheet 'Z', row 5: ..."; other mentions of TMP -> BOOK.
std::string in_workbook_terms(std::string message, const std::string& tmp,
                              const std::string& book) {
  for (const char* file : {"table.toml", "sectors.csv", "Z.csv", "final_demand.csv",
                           "value_added.csv", "imports.csv", "satellites.csv", "gfcf_bridge.csv"}) {
    const std::string name = file;
    const std::string sheet = name.substr(0, name.find('.'));
    const std::string prefix = tmp + "/" + name;
    for (std::size_t at = message.find(prefix); at != std::string::npos;
         at = message.find(prefix, at)) {
      std::size_t end = at + prefix.size();
      std::string replacement = book + ", sheet '" + sheet + "'";
      if (end < message.size() && message[end] == ':') {
        std::size_t digits = end + 1;
        while (digits < message.size() && std::isdigit(static_cast<unsigned char>(message[digits])))
          ++digits;
        if (digits > end + 1) {
          replacement += ", row " + message.substr(end + 1, digits - end - 1);
          end = digits;
        }
      }
      message.replace(at, end - at, replacement);
      at += replacement.size();
    }
  }
  for (std::size_t at = message.find(tmp); at != std::string::npos; at = message.find(tmp, at)) {
    message.replace(at, tmp.size(), book);
    at += book.size();
  }
  return message;
}

}  // namespace

void choose_blas_threads(int threads_option, std::size_t sectors) {
  if (threads_option != 0 || !env("OPENBLAS_NUM_THREADS").empty() ||
      !env("OMP_NUM_THREADS").empty())
    return;
  if (sectors < kParallelBlasSectors) set_blas_threads(1);
}

bool is_workbook(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".xlsx" || ext == ".xlsm";
}

io::IOTable load_table_or_workbook(const std::string& path) {
  if (!is_workbook(path)) return io::load_table(path);
  if (const io::PathKind kind = io::path_kind(path); kind != io::PathKind::file)
    throw InputError(path + ": " +
                     (kind == io::PathKind::missing ? "no such workbook" : "not a workbook file"));
  TempFolder tmp;
  const std::string folder = tmp.path + "/table", log = tmp.path + "/stderr.txt";
#ifdef ICSIM_IMPORTERS_DIR
  const char* built_in = ICSIM_IMPORTERS_DIR;
#else
  const char* built_in = nullptr;
#endif
  const std::string converter = find_program("ICSIM_IMPORTERS_DIR", built_in, "workbook.py");
  const int status = run_program({find_python(kWorkbookHint), converter, "to-folder", path, folder},
                                 kWorkbookHint, log);
  if (status != 0) {
    std::string why = io::read_file_bytes(log);
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    if (status == 2 && !why.empty()) throw InputError(why);
    throw InputError(path + ": reading the workbook failed (tools/importers/workbook.py exited " +
                     std::to_string(status) + "): " + why);
  }
  try {
    io::IOTable table = io::load_table_folder(folder);
    return table;
  } catch (const InputError& e) {
    throw InputError(in_workbook_terms(e.what(), folder, path));
  } catch (const ModelError& e) {
    throw ModelError(in_workbook_terms(e.what(), folder, path));
  }
}

}  // namespace icsim::cli
