// `icsim io TABLE_DIR`: the static input-output analysis of one table (docs/model.md §2).
#include <Eigen/Dense>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/text_table.hpp"
#include "cli/workbook.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/common/version.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/io/concordance.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/io/extraction.hpp"
#include "icsim/io/leontief.hpp"
#include "icsim/io/multipliers.hpp"
#include "icsim/io/regionalise.hpp"
#include "icsim/io/table_format.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/run_result.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace icsim::cli {
using io::csv_escape;
using io::csv_number;
namespace {

const char* kExamples = R"(Examples:
  icsim io scenarios/data/tables/zhejiang_2017_42
  icsim io scenarios/data/tables/zhejiang_2017_42 --type2 --investment --csv multipliers.csv
  icsim io scenarios/data/tables/zhejiang_2017_42 --out io.h5
  icsim io scenarios/data/tables/zhejiang_2017_42 --concordance 361=scenarios/data/concordances/2017/361-2023.csv
  icsim io scenarios/data/tables/zhejiang_2017_42 --regionalise flq --delta 0.3 \
           --regional-sizes scenarios/data/ningbo/sizes_2017.csv --region Ningbo --write-table ningbo_table/
  icsim io scenarios/data/tables/zhejiang_2017_42 --extract 11,12 --extraction complete
  icsim io scenarios/data/tables/pymrio_test_mrio        (pymrio's text format, read as-is)
  icsim io docs/examples/table_template.xlsx              (a table workbook)
  icsim impact scenarios/data/tables/zhejiang_2017_42 --demand docs/examples/impact_demand.csv
                                                          (direct, indirect and induced effects)
)";

struct Options {
  std::string table_dir;
  bool type2 = false;
  bool investment = false;
  std::vector<std::string> concordances;  // SYSTEM=FILE
  std::string regionalise;
  double delta = 0.3;
  std::string regional_sizes;
  std::string region;
  std::vector<std::string> extract;
  std::string extraction = "complete";
  std::string csv_out;
  std::string h5_out;
  std::string leontief_out;
  std::string write_table;
  int threads = 0;
  bool quiet = false;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, sep);)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string display_name(const io::IOTable& t, std::size_t j) {
  return !t.names_zh[j].empty() ? t.names_zh[j] : t.names[j];
}

// The files of the input table folder (either format) and the other files the command reads:
// no output may replace one of them.
std::vector<std::string> input_files(const Options& o) {
  std::vector<std::string> inputs{o.table_dir, o.regional_sizes};
  for (const char* name :
       {"table.toml", "sectors.csv", "Z.csv", "final_demand.csv", "value_added.csv", "imports.csv",
        "satellites.csv", "gfcf_bridge.csv", "trade_flows_Z.txt", "finald_demand_Y.txt",
        "factor_input.txt", "emissions.txt", "metadata.json"})
    inputs.push_back((fs::path(o.table_dir) / name).string());
  for (const auto& spec : o.concordances)
    if (auto eq = spec.find('='); eq != std::string::npos) inputs.push_back(spec.substr(eq + 1));
  return inputs;
}

// Every output is checked before any work is done, so that a typo in a path costs nothing and
// no device, folder or input is replaced; two options naming one file are refused too.
void check_outputs(Options& o) {
  const std::vector<std::string> inputs = input_files(o);
  o.csv_out = io::check_output_file(o.csv_out, "--csv", inputs);
  o.leontief_out = io::check_output_file(o.leontief_out, "--leontief", inputs);
  o.h5_out = io::check_output_file(o.h5_out, "--out", inputs);
  if (!o.write_table.empty()) io::check_table_folder_target(o.write_table, "--write-table", inputs);
  std::vector<std::pair<std::string, std::string>> named;
  for (auto [path, option] : {std::pair{o.csv_out, "--csv"},
                              {o.leontief_out, "--leontief"},
                              {o.h5_out, "--out"},
                              {o.write_table, "--write-table"}}) {
    if (path.empty()) continue;
    const std::string key = fs::weakly_canonical(fs::absolute(path)).lexically_normal().string();
    for (const auto& [other, other_option] : named)
      if (other == key)
        throw InputError(std::string(option) + " " + path + ": the same file as " + other_option +
                         "; give each output its own name");
    named.emplace_back(key, option);
  }
}

struct Cluster {
  std::string id;  // SYSTEM/CODE
  std::string name;
  std::string system;
  Eigen::VectorXd mix;
};

// Multipliers are finite for every table that passes validate_table and Hawkins-Simon; a
// nearly singular I - A can still overflow. Refused with the sector, rather than printed.
void check_results_finite(const io::IOTable& table, const io::Multipliers& m) {
  auto check = [&](const Eigen::MatrixXd& M, const char* kind) {
    for (Eigen::Index j = 0; j < M.cols(); ++j)
      for (Eigen::Index k = 0; k < M.rows(); ++k)
        if (!std::isfinite(M(k, j)))
          throw ModelError(std::string(kind) + " multiplier '" +
                           m.indicators.names[static_cast<std::size_t>(k)] + "' of sector '" +
                           table.codes[static_cast<std::size_t>(j)] +
                           "' is not finite: I - A is (nearly) singular for this table");
  };
  check(m.type1, "Type I");
  if (m.type2) check(*m.type2, "Type II");
}

void write_h5(const std::string& path, const Options& o, const io::IOTable& table,
              const io::Multipliers& m, const io::Linkages& links,
              const std::optional<io::InvestmentMultipliers>& inv,
              const std::vector<Cluster>& clusters) {
  const std::size_t n = table.size();
  const Eigen::VectorXd x = table.total_output();
  const auto& ind = m.indicators;
  {
    output::ResultFile file(path);
    output::write_provenance(file, {table.meta.name, 0, 0, o.threads, 1, table.meta.money_unit});
    std::ostringstream scenario;
    scenario << "# icsim io: the static analysis that produced this file\n[io]\ntable = \""
             << o.table_dir << "\"\ntype2 = " << (o.type2 ? "true" : "false")
             << "\ninvestment = " << (inv ? "true" : "false") << "\n";
    if (!o.regionalise.empty())
      scenario << "regionalise = \"" << o.regionalise << "\"\ndelta = " << o.delta
               << "\nregional_sizes = \"" << o.regional_sizes << "\"\nregion = \"" << o.region
               << "\"\n";
    file.write_text("scenario", scenario.str());

    output::Group g = file.group("io");
    g.set_attribute("table_name", table.meta.name);
    g.set_attribute("table_region", table.meta.region);
    g.set_attribute("table_year", std::int64_t{table.meta.year});
    g.set_attribute("table_source", table.meta.source);
    g.add_dimension("sector", table.codes, "sector code");
    std::vector<std::string> names(n);
    for (std::size_t j = 0; j < n; ++j) names[j] = display_name(table, j);
    g.write_strings("sector_name", "sector", names, {"", "sector name", {}});
    auto row_vec = [](const Eigen::MatrixXd& M, Eigen::Index k) {
      std::vector<double> v(static_cast<std::size_t>(M.cols()));
      for (Eigen::Index j = 0; j < M.cols(); ++j) v[static_cast<std::size_t>(j)] = M(k, j);
      return v;
    };
    const Eigen::MatrixXd r1 = m.type1_ratio();
    const std::optional<Eigen::MatrixXd> r2 = m.type2_ratio();
    for (Eigen::Index k = 1; k < r1.rows(); ++k) {
      const auto ku = static_cast<std::size_t>(k);
      g.write(ind.names[ku] + "_ratio_multiplier", {"sector"}, row_vec(r1, k),
              {"1",
               "Type I ratio multiplier of " + ind.long_names[ku] +
                   ": (direct + indirect) / direct (NaN where the direct coefficient is 0)",
               {}});
      if (r2)
        g.write(ind.names[ku] + "_ratio_multiplier_type2", {"sector"}, row_vec(*r2, k),
                {"1",
                 "Type II ratio multiplier of " + ind.long_names[ku] +
                     ": (direct + indirect + induced) / direct (NaN where the direct "
                     "coefficient is 0)",
                 {}});
    }
    for (Eigen::Index k = 0; k < m.type1.rows(); ++k) {
      const auto ku = static_cast<std::size_t>(k);
      g.write(ind.names[ku] + "_multiplier", {"sector"}, row_vec(m.type1, k),
              {ind.units[ku],
               "Type I " + ind.long_names[ku] +
                   " multiplier (direct + indirect) per unit of final demand",
               {}});
      if (m.type2)
        g.write(ind.names[ku] + "_multiplier_type2", {"sector"}, row_vec(*m.type2, k),
                {ind.units[ku],
                 "Type II " + ind.long_names[ku] +
                     " multiplier (direct + indirect + induced) per unit of final demand",
                 {}});
      if (inv) {
        std::string base =
            k == 0 ? "investment_multiplier" : ind.names[ku] + "_investment_multiplier";
        g.write(base, {"sector"}, row_vec(inv->type1, k),
                {ind.units[ku],
                 "Type I " + ind.long_names[ku] +
                     " effect per unit invested by the sector (bridge: " + inv->bridge_source + ")",
                 {}});
        if (inv->type2)
          g.write(base + "_type2", {"sector"}, row_vec(*inv->type2, k),
                  {ind.units[ku],
                   "Type II " + ind.long_names[ku] + " effect per unit invested by the sector",
                   {}});
      }
    }
    g.write("backward_linkage", {"sector"},
            std::vector<double>(links.backward.data(), links.backward.data() + n),
            {"1", "Rasmussen backward linkage index (column sums of L, mean 1)", {}});
    g.write("forward_linkage", {"sector"},
            std::vector<double>(links.forward.data(), links.forward.data() + n),
            {"1", "Rasmussen forward linkage index (row sums of the Ghosh inverse, mean 1)", {}});
    g.write_strings("linkage_class", "sector", links.classification,
                    {"", "key (both > 1), backward, forward or weak", {}});
    g.write("total_output", {"sector"}, std::vector<double>(x.data(), x.data() + n),
            {table.meta.money_unit, "total output of the base table", {}});
    if (!clusters.empty()) {
      std::vector<std::string> ids, cnames, systems;
      for (auto& c : clusters) {
        ids.push_back(c.id);
        cnames.push_back(c.name);
        systems.push_back(c.system);
      }
      g.add_dimension("cluster", ids, "cluster as SYSTEM/CODE");
      g.write_strings("cluster_name", "cluster", cnames, {"", "cluster name", {}});
      g.write_strings("system", "cluster", systems, {"", "cluster system", {}});
      for (Eigen::Index k = 0; k < inv->type1.rows(); ++k) {
        std::vector<double> v;
        for (auto& c : clusters) v.push_back(inv->type1.row(k).dot(c.mix));
        const auto ku = static_cast<std::size_t>(k);
        g.write((k == 0 ? std::string("cluster_investment_multiplier")
                        : ind.names[ku] + "_cluster_investment_multiplier"),
                {"cluster"}, v,
                {ind.units[ku],
                 "Type I " + ind.long_names[ku] + " effect per unit invested in the cluster",
                 {}});
      }
    }
    file.commit();
  }
}
// The multiplier table, cluster multipliers and extractions, as printed without --quiet.
void print_summary(const Options& o, const io::IOTable& table, const io::Multipliers& m,
                   const io::Linkages& links, const std::optional<io::InvestmentMultipliers>& inv,
                   const std::vector<Cluster>& clusters,
                   const std::vector<io::ExtractionResult>& extractions) {
  const std::size_t n = table.size();
  const auto& ind = m.indicators;
  auto row_of = [&](const std::string& name) { return ind.find(name); };
  std::cout << table.meta.name << " — " << table.meta.region << ", " << table.meta.year << ", " << n
            << " sectors, money in " << table.meta.money_unit << "\n";
  std::cout << "Multipliers per unit of final demand (Type I"
            << (o.type2 ? "; II = households endogenous" : "")
            << "); linkages: Rasmussen backward (L column sums) and forward (Ghosh row sums), "
               "mean 1.\n\n";
  std::vector<std::string> head{"code", "name", "output"};
  std::vector<std::string> shown;
  for (const char* k :
       {"value_added", "compensation", "employment", "net_production_taxes", "imports"}) {
    std::string key = k;
    if (key == "compensation") key = table.meta.labour_income;
    if (key == "net_production_taxes") key = table.meta.taxes;
    if (row_of(key) >= 0) shown.push_back(key);
  }
  for (auto& s : shown) head.push_back(s);
  if (o.type2) head.push_back("output II");
  if (inv) head.push_back("output/invest");
  for (const char* k : {"BL", "FL", "linkage"}) head.push_back(k);
  std::vector<bool> right(head.size(), true);
  right[0] = right[1] = false;
  right.back() = false;
  TextTable tt(head, right);
  for (std::size_t j = 0; j < n; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    std::vector<std::string> r{table.codes[j], display_name(table, j), fixed(m.type1(0, jj), 3)};
    for (auto& s : shown) {
      const bool persons = table.satellites.find(s) >= 0;
      r.push_back(fixed(m.type1(row_of(s), jj), persons ? 1 : 3));
    }
    if (o.type2) r.push_back(fixed((*m.type2)(0, jj), 3));
    if (inv) r.push_back(fixed(inv->type1(0, jj), 3));
    r.push_back(fixed(links.backward(jj), 3));
    r.push_back(fixed(links.forward(jj), 3));
    r.push_back(links.classification[j]);
    tt.add_row(r);
  }
  tt.print(std::cout);
  for (auto& s : shown)
    std::cout << "  " << s << ": " << ind.units[static_cast<std::size_t>(row_of(s))] << "\n";
  if (inv) std::cout << "  investment bridge: " << inv->bridge_source << "\n";
  if (!clusters.empty()) {
    std::cout << "\nInvestment multipliers per cluster (per unit invested, sector mix = weights "
                 "x output):\n\n";
    TextTable ct({"cluster", "name", "output", "value_added"}, {false, false, true, true});
    const int va = row_of("value_added");
    for (const auto& c : clusters) {
      Eigen::VectorXd eff = inv->type1 * c.mix;
      ct.add_row({c.id, c.name, fixed(eff(0), 3), va >= 0 ? fixed(eff(va), 3) : "-"});
    }
    ct.print(std::cout);
  }
  for (const auto& e : extractions) {
    std::string codes;
    for (auto& c : e.extracted) codes += (codes.empty() ? "" : ",") + c;
    std::cout << "\nHypothetical extraction (" << o.extraction << ") of " << codes
              << ": total output " << fixed(e.output_before, 1) << " -> "
              << fixed(e.output_after, 1) << ", loss " << fixed(e.loss(), 1) << " ("
              << fixed(100.0 * e.loss_share(), 2) << " %)\n";
  }
}

// --csv: every indicator's multipliers and the linkages, one row per sector.
void write_multipliers_csv(io::StagedFile& out, const io::IOTable& table, const io::Multipliers& m,
                           const io::Linkages& links,
                           const std::optional<io::InvestmentMultipliers>& inv) {
  const std::size_t n = table.size();
  const auto& ind = m.indicators;
  out << "code,name,name_zh";
  for (auto& k : ind.names) out << ',' << k << "_multiplier";
  if (m.type2)
    for (auto& k : ind.names) out << ',' << k << "_multiplier_type2";
  if (inv)
    for (auto& k : ind.names) out << ',' << k << "_investment_multiplier";
  if (inv && m.type2)
    for (auto& k : ind.names) out << ',' << k << "_investment_multiplier_type2";
  // Ratio multipliers (total / direct coefficient); output's would repeat the simple one.
  const Eigen::MatrixXd r1 = m.type1_ratio();
  const std::optional<Eigen::MatrixXd> r2 = m.type2_ratio();
  for (std::size_t k = 1; k < ind.names.size(); ++k)
    out << ',' << ind.names[k] << "_ratio_multiplier";
  if (r2)
    for (std::size_t k = 1; k < ind.names.size(); ++k)
      out << ',' << ind.names[k] << "_ratio_multiplier_type2";
  out << ",backward_linkage,forward_linkage,linkage_class\n";
  auto ratio_cell = [](double v) { return std::isfinite(v) ? csv_number(v) : std::string(); };
  for (std::size_t j = 0; j < n; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    out << csv_escape(table.codes[j]) << ',' << csv_escape(table.names[j]) << ','
        << csv_escape(table.names_zh[j]);
    for (Eigen::Index k = 0; k < m.type1.rows(); ++k) out << ',' << csv_number(m.type1(k, jj));
    if (m.type2)
      for (Eigen::Index k = 0; k < m.type2->rows(); ++k)
        out << ',' << csv_number((*m.type2)(k, jj));
    if (inv)
      for (Eigen::Index k = 0; k < inv->type1.rows(); ++k)
        out << ',' << csv_number(inv->type1(k, jj));
    if (inv && inv->type2)
      for (Eigen::Index k = 0; k < inv->type2->rows(); ++k)
        out << ',' << csv_number((*inv->type2)(k, jj));
    for (Eigen::Index k = 1; k < r1.rows(); ++k) out << ',' << ratio_cell(r1(k, jj));
    if (r2)
      for (Eigen::Index k = 1; k < r2->rows(); ++k) out << ',' << ratio_cell((*r2)(k, jj));
    out << ',' << csv_number(links.backward(jj)) << ',' << csv_number(links.forward(jj)) << ','
        << links.classification[j] << '\n';
  }
}

}  // namespace

int io_command(int argc, char** argv) {
  Options o;
  po::options_description desc(
      "icsim io TABLE [options]     (TABLE: a table folder or WORKBOOK.xlsx)\n\n"
      "Input-output analysis of one table folder (docs/table-format.md), a\n"
      "pymrio text folder or a table workbook (.xlsx, one sheet per file of the\n"
      "folder): Type I (and II) multipliers for every indicator the\n"
      "table has, investment multipliers, Rasmussen linkages, hypothetical\n"
      "extraction, and location-quotient regionalisation.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("type2", po::bool_switch(&o.type2), "also Type II multipliers (households endogenous: labour income -> household consumption)")
    ("investment", po::bool_switch(&o.investment), "also investment multipliers: effect per unit invested by each sector, through gfcf_bridge.csv (or the GFCF column's product mix)")
    ("concordance", po::value(&o.concordances)->composing(), "SYSTEM=FILE: cluster concordance (CSV cluster,sector,weight); adds investment multipliers per cluster. Repeatable")
    ("regionalise", po::value(&o.regionalise), "slq|cilq|flq|aflq: first regionalise the table with location quotients (needs --regional-sizes)")
    ("delta", po::value(&o.delta)->default_value(0.3, "0.3"), "FLQ/AFLQ sensitivity delta in [0,1)")
    ("regional-sizes", po::value(&o.regional_sizes), "CSV code,<measure>: the region's size per sector; measure 'output' or a satellite such as 'employment'")
    ("region", po::value(&o.region)->default_value("region"), "name of the region produced by --regionalise")
    ("extract", po::value(&o.extract)->composing(), "CODES: hypothetical extraction of these sectors (comma-separated; repeat for separate extractions)")
    ("extraction", po::value(&o.extraction)->default_value("complete"), "complete|backward|forward")
    ("csv", po::value(&o.csv_out), "FILE: write the multiplier table (every indicator: simple, ratio = total / direct, investment) as CSV")
    ("out,o", po::value(&o.h5_out), "FILE.h5: write the /io group of the result layout (docs/results.md)")
    ("leontief", po::value(&o.leontief_out), "FILE: write the Leontief inverse L itself as CSV")
    ("write-table", po::value(&o.write_table), "DIR: write the (regionalised) table as a table folder")
    ("threads", po::value(&o.threads)->default_value(0), "threads for the linear algebra (0: OPENBLAS_NUM_THREADS or OMP_NUM_THREADS if set, else 1 below 2,000 sectors and all cores from there)")
    ("quiet,q", po::bool_switch(&o.quiet), "do not print the multiplier table");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("table", po::value(&o.table_dir));
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "table", 1, "io", kExamples, vm)) return 0;
  if (o.table_dir.empty())
    throw InputError("missing TABLE (a table folder or workbook; see 'icsim io --help')");
  if (!o.regionalise.empty() && o.regional_sizes.empty())
    throw InputError("--regionalise needs --regional-sizes FILE");
  if (o.regionalise.empty() && !o.regional_sizes.empty())
    throw InputError("--regional-sizes is only used with --regionalise slq|cilq|flq|aflq");
  if (!(o.delta >= 0.0 && o.delta < 1.0))
    throw InputError("--delta " + std::to_string(o.delta) + ": expected a value in [0, 1)");
  io::ExtractionKind kind;
  if (o.extraction == "complete")
    kind = io::ExtractionKind::complete;
  else if (o.extraction == "backward")
    kind = io::ExtractionKind::backward;
  else if (o.extraction == "forward")
    kind = io::ExtractionKind::forward;
  else
    throw InputError("--extraction " + o.extraction + ": expected complete, backward or forward");
  check_outputs(o);
  configure_threads(o.threads);

  io::IOTable table = load_table_or_workbook(o.table_dir);
  choose_blas_threads(o.threads, table.size());
  if (!o.regionalise.empty()) {
    io::RegionalSizes sizes = io::load_regional_sizes(o.regional_sizes, table);
    io::RegionalisationOptions ro;
    ro.method = io::parse_lq_method(o.regionalise);
    ro.delta = o.delta;
    ro.region_name = o.region;
    table = io::regionalise(table, sizes, ro);
  }
  const std::size_t n = table.size();
  const Eigen::VectorXd x = table.total_output();

  // Every analysis below shares this one factorization of I - A.
  io::LeontiefSystem leontief(table.technical_coefficients());
  io::Multipliers m = io::compute_multipliers(table, leontief, o.type2);
  check_results_finite(table, m);
  io::Linkages links = io::compute_linkages(leontief, x);
  std::optional<io::InvestmentMultipliers> inv;
  if (o.investment || !o.concordances.empty()) inv = io::compute_investment_multipliers(table, m);

  std::vector<Cluster> clusters;
  for (const auto& spec : o.concordances) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw InputError("--concordance " + spec +
                       ": expected SYSTEM=FILE, e.g. 361=clusters/361.csv");
    io::Concordance c = io::load_concordance(spec.substr(eq + 1), table, spec.substr(0, eq));
    for (Eigen::Index k = 0; k < static_cast<Eigen::Index>(c.clusters.size()); ++k)
      clusters.push_back({c.system + "/" + c.clusters[static_cast<std::size_t>(k)],
                          c.cluster_names[static_cast<std::size_t>(k)], c.system,
                          c.investment_mix(k, x)});
  }

  std::vector<io::ExtractionResult> extractions;
  for (const auto& spec : o.extract) {
    std::vector<int> idx;
    for (const auto& code : split(spec, ',')) {
      int i = table.sector_index(code);
      if (i < 0) throw InputError("--extract: sector code '" + code + "' is not in the table");
      idx.push_back(i);
    }
    extractions.push_back(io::extract(table, idx, kind));
  }

  if (!o.quiet) print_summary(o, table, m, links, inv, clusters, extractions);

  // All outputs are staged and committed together at the end: a failing --out leaves no --csv.
  io::OutputSet outputs;
  if (!o.csv_out.empty()) write_multipliers_csv(outputs.file(o.csv_out), table, m, links, inv);
  if (!o.leontief_out.empty()) {
    const Eigen::MatrixXd L = leontief.inverse();
    io::StagedFile& out = outputs.file(o.leontief_out);
    out << "code";
    for (auto& c : table.codes) out << ',' << csv_escape(c);
    out << '\n';
    for (std::size_t i = 0; i < n; ++i) {
      out << csv_escape(table.codes[i]);
      for (std::size_t j = 0; j < n; ++j)
        out << ',' << csv_number(L(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
      out << '\n';
    }
  }

  if (!o.write_table.empty()) io::stage_table_folder(table, o.write_table, outputs);
  if (!o.h5_out.empty()) {
    try {
      write_h5(outputs.external(o.h5_out), o, table, m, links, inv, clusters);
    } catch (const InputError& e) {
      throw InputError("--out " + o.h5_out + ": " + e.what());
    }
  }
  outputs.commit();
  return 0;
}

}  // namespace icsim::cli
