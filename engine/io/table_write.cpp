// Writing a table folder in icsim's format (importers, --write-table).
#include <filesystem>

#include "icsim/common/error.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/io/table_format.hpp"
#include "icsim/io/text.hpp"

namespace fs = std::filesystem;

namespace icsim::io {

namespace {
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}
void write_component_rows(StagedFile& out, const std::string& key, const Labelled& b,
                          const IOTable& t, bool with_unit) {
  out << key << (with_unit ? ",unit" : "");
  for (const auto& c : t.codes) out << ',' << csv_escape(c);
  out << '\n';
  for (std::size_t r = 0; r < b.size(); ++r) {
    out << csv_escape(b.labels[r]);
    if (with_unit) out << ',' << csv_escape(r < b.units.size() ? b.units[r] : "");
    for (Eigen::Index j = 0; j < b.values.cols(); ++j)
      out << ',' << csv_number(b.values(static_cast<Eigen::Index>(r), j));
    out << '\n';
  }
}

// The files a table folder may hold; those the table does not have are removed when an existing
// table folder is replaced, so that no stale imports.csv joins the new table.
const char* const kTableFiles[] = {"table.toml",       "sectors.csv",     "Z.csv",
                                   "final_demand.csv", "value_added.csv", "imports.csv",
                                   "satellites.csv",   "gfcf_bridge.csv"};
}  // namespace

void stage_table_folder(const IOTable& t, const std::string& dir, OutputSet& outputs) {
  const fs::path d(outputs.folder(dir));
  auto open_out = [&](const fs::path& p) -> StagedFile& { return outputs.file(p.string()); };
  {
    auto& out = open_out(d / "table.toml");
    out << "name = " << toml_string(t.meta.name) << "\nregion = " << toml_string(t.meta.region)
        << "\nyear = " << t.meta.year << "\nmoney_unit = " << toml_string(t.meta.money_unit)
        << "\nsource = " << toml_string(t.meta.source)
        << "\nhousehold_consumption = " << toml_string(t.meta.household_consumption)
        << "\nlabour_income = " << toml_string(t.meta.labour_income)
        << "\ntaxes = " << toml_string(t.meta.taxes) << "\ngfcf = " << toml_string(t.meta.gfcf)
        << "\nbalance_tolerance = " << csv_number(t.meta.balance_tolerance) << "\n";
  }
  {
    auto& out = open_out(d / "sectors.csv");
    const bool regions = t.multi_region();
    out << "code,name,name_zh" << (regions ? ",region" : "") << "\n";
    for (std::size_t i = 0; i < t.size(); ++i) {
      out << csv_escape(t.codes[i]) << ',' << csv_escape(t.names[i]) << ','
          << csv_escape(i < t.names_zh.size() ? t.names_zh[i] : "");
      if (regions) out << ',' << csv_escape(t.sector_region[i]);
      out << '\n';
    }
  }
  auto square = [&](const fs::path& p, const Eigen::MatrixXd& m) {
    auto& out = open_out(p);
    out << "code";
    for (const auto& c : t.codes) out << ',' << csv_escape(c);
    out << '\n';
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      out << csv_escape(t.codes[static_cast<std::size_t>(i)]);
      for (Eigen::Index j = 0; j < m.cols(); ++j) out << ',' << csv_number(m(i, j));
      out << '\n';
    }
  };
  square(d / "Z.csv", t.Z);
  {
    auto& out = open_out(d / "final_demand.csv");
    out << "code";
    for (const auto& l : t.final_demand.labels) out << ',' << csv_escape(l);
    out << '\n';
    for (Eigen::Index i = 0; i < t.final_demand.values.rows(); ++i) {
      out << csv_escape(t.codes[static_cast<std::size_t>(i)]);
      for (Eigen::Index k = 0; k < t.final_demand.values.cols(); ++k)
        out << ',' << csv_number(t.final_demand.values(i, k));
      out << '\n';
    }
  }
  write_component_rows(open_out(d / "value_added.csv"), "component", t.value_added, t, false);
  if (t.imports.size() > 0)
    write_component_rows(open_out(d / "imports.csv"), "component", t.imports, t, false);
  else
    outputs.remove_on_commit((d / "imports.csv").string());
  if (t.satellites.size() > 0)
    write_component_rows(open_out(d / "satellites.csv"), "indicator", t.satellites, t, true);
  else
    outputs.remove_on_commit((d / "satellites.csv").string());
  if (t.gfcf_bridge)
    square(d / "gfcf_bridge.csv", *t.gfcf_bridge);
  else
    outputs.remove_on_commit((d / "gfcf_bridge.csv").string());
}

void check_table_folder_target(const std::string& dir, const std::string& option,
                               const std::vector<std::string>& inputs) {
  check_output_folder(dir, option, inputs);
  if (path_kind(dir) != PathKind::folder) return;
  std::error_code ec;
  bool table = false, other = false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    bool known = false;
    for (const char* f : kTableFiles) known = known || name == f;
    (known ? table : other) = true;
    if (name == "table.toml") table = true;
  }
  if (ec) throw InputError(located(dir, 0, option + ": cannot list the folder: " + ec.message()));
  if (other && !table)
    throw InputError(located(dir, 0,
                             option + ": the folder exists and holds other files than a table; "
                                      "give the name of a new folder (or of a table folder to "
                                      "replace)"));
}

void save_table_folder(const IOTable& t, const std::string& dir) {
  check_table_folder_target(dir, "table folder", {});
  OutputSet outputs;
  stage_table_folder(t, dir, outputs);
  outputs.commit();
}

}  // namespace icsim::io
