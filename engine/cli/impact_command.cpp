// `icsim impact TABLE --demand FILE`: direct, indirect and induced effects of a change in final
// demand (or of an investment package, through the investment bridge) for every indicator of
// the table, IMPLAN / RIMS II style (docs/io-analysis.md, "Impact analysis").
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/text_table.hpp"
#include "cli/workbook.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/io/concordance.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/io/impact.hpp"
#include "icsim/io/leontief.hpp"
#include "icsim/io/multipliers.hpp"
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
  icsim impact scenarios/data/tables/zhejiang_2017_42 --demand docs/examples/impact_demand.csv
  icsim impact scenarios/data/tables/zhejiang_2017_42 --investment docs/examples/impact_investment.csv --csv effects.csv
  icsim impact scenarios/data/tables/zhejiang_2017_42 --concordance 361=scenarios/data/concordances/2017/361-2023.csv \
           --cluster 361/green_petrochemicals=10 -o impact.h5
)";

struct Options {
  std::string table;
  std::string demand;
  std::string investment;
  std::vector<std::string> concordances;  // SYSTEM=FILE
  std::vector<std::string> clusters;      // SYSTEM/CODE=AMOUNT
  bool type1 = false;
  std::string csv_out;
  std::string h5_out;
  int top = 10;
  int threads = 0;
  bool quiet = false;
};

std::string display_name(const io::IOTable& t, std::size_t j) {
  return !t.names_zh[j].empty() ? t.names_zh[j] : t.names[j];
}

// The unit of an indicator's effect: the satellite's own unit, else money.
std::vector<std::string> effect_units(const io::IOTable& t, const io::Indicators& ind) {
  std::vector<std::string> units;
  for (const auto& name : ind.names) {
    const int s = t.satellites.find(name);
    units.push_back(s >= 0 && static_cast<std::size_t>(s) < t.satellites.units.size()
                        ? t.satellites.units[static_cast<std::size_t>(s)]
                        : t.meta.money_unit);
  }
  return units;
}

// Investment by sector from --cluster SYSTEM/CODE=AMOUNT: the amount spread over the cluster's
// sectors by weight x output (Concordance::investment_mix), as `icsim io --concordance` does.
Eigen::VectorXd cluster_investment(const Options& o, const io::IOTable& table,
                                   std::vector<std::string>& described) {
  std::vector<io::Concordance> systems;
  for (const auto& spec : o.concordances) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw InputError("--concordance " + spec +
                       ": expected SYSTEM=FILE, e.g. 361=scenarios/data/concordances/2017/"
                       "361-2023.csv");
    systems.push_back(io::load_concordance(spec.substr(eq + 1), table, spec.substr(0, eq)));
  }
  const Eigen::VectorXd x = table.total_output();
  Eigen::VectorXd inv = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(table.size()));
  for (const auto& spec : o.clusters) {
    const auto slash = spec.find('/'), eq = spec.rfind('=');
    if (slash == std::string::npos || eq == std::string::npos || eq < slash)
      throw InputError("--cluster " + spec +
                       ": expected SYSTEM/CODE=AMOUNT, e.g. 361/digital_industry=10");
    const std::string system = spec.substr(0, slash), code = spec.substr(slash + 1, eq - slash - 1);
    const double amount =
        io::parse_csv_number(spec.substr(eq + 1), "--cluster " + spec, 0, "AMOUNT");
    auto sys = std::find_if(systems.begin(), systems.end(),
                            [&](const io::Concordance& c) { return c.system == system; });
    if (sys == systems.end())
      throw InputError("--cluster " + spec + ": no --concordance " + system +
                       "=FILE names the cluster system '" + system + "'");
    auto it = std::find(sys->clusters.begin(), sys->clusters.end(), code);
    if (it == sys->clusters.end())
      throw InputError("--cluster " + spec + ": cluster '" + code + "' is not in system '" +
                       system + "'");
    const auto c = static_cast<Eigen::Index>(it - sys->clusters.begin());
    inv += amount * sys->investment_mix(c, x);
    described.push_back(system + "/" + code + " (" +
                        sys->cluster_names[static_cast<std::size_t>(c)] + "): " + number(amount) +
                        " invested");
  }
  return inv;
}

void write_csv(io::StagedFile& out, const io::IOTable& t, const io::Impact& im,
               const std::vector<std::string>& units) {
  const Eigen::MatrixXd total = im.total();
  out << "indicator,unit,code,name,name_zh,direct,indirect";
  if (im.induced) out << ",induced";
  out << ",total\n";
  for (std::size_t k = 0; k < im.indicators.names.size(); ++k)
    for (std::size_t j = 0; j < t.size(); ++j) {
      const auto kk = static_cast<Eigen::Index>(k), jj = static_cast<Eigen::Index>(j);
      out << csv_escape(im.indicators.names[k]) << ',' << csv_escape(units[k]) << ','
          << csv_escape(t.codes[j]) << ',' << csv_escape(t.names[j]) << ','
          << csv_escape(t.names_zh[j]) << ',' << csv_number(im.direct(kk, jj)) << ','
          << csv_number(im.indirect(kk, jj));
      if (im.induced) out << ',' << csv_number((*im.induced)(kk, jj));
      out << ',' << csv_number(total(kk, jj)) << '\n';
    }
}

void write_h5(const std::string& path, const Options& o, const io::IOTable& t, const io::Impact& im,
              const std::vector<std::string>& units) {
  const std::size_t n = t.size(), k = im.indicators.names.size();
  output::ResultFile file(path);
  output::write_provenance(file, {t.meta.name, 0, 0, o.threads, 1, t.meta.money_unit});
  std::ostringstream scenario;
  scenario << "# icsim impact: the analysis that produced this file\n[impact]\ntable = \""
           << o.table << "\"\ndemand = \"" << o.demand << "\"\ninvestment = \"" << o.investment
           << "\"\ninduced = " << (im.induced ? "true" : "false") << "\n";
  file.write_text("scenario", scenario.str());
  output::Group g = file.group("impact");
  g.set_attribute("table_name", t.meta.name);
  g.set_attribute("table_region", t.meta.region);
  g.set_attribute("table_year", std::int64_t{t.meta.year});
  g.add_dimension("indicator", im.indicators.names, "indicator");
  g.add_dimension("sector", t.codes, "sector where the effect occurs");
  std::vector<std::string> names(n);
  for (std::size_t j = 0; j < n; ++j) names[j] = display_name(t, j);
  g.write_strings("sector_name", "sector", names, {"", "sector name", {}});
  g.write_strings("unit", "indicator", units, {"", "unit of the indicator's effects", {}});
  g.write("demand", {"sector"}, std::vector<double>(im.demand.data(), im.demand.data() + n),
          {t.meta.money_unit, "final-demand change analysed, by supplying sector", {}});
  auto flat = [&](const Eigen::MatrixXd& M) {  // row-major: indicator, then sector
    std::vector<double> v(k * n);
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t j = 0; j < n; ++j)
        v[a * n + j] = M(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(j));
    return v;
  };
  const char* note = "in each indicator's unit (variable unit)";
  g.write("direct", {"indicator", "sector"}, flat(im.direct),
          {"", std::string("direct effect ") + note, {}});
  g.write("indirect", {"indicator", "sector"}, flat(im.indirect),
          {"", std::string("indirect effect (supply chain, Type I) ") + note, {}});
  if (im.induced)
    g.write("induced", {"indicator", "sector"}, flat(*im.induced),
            {"", std::string("induced effect (household spending, Type II) ") + note, {}});
  g.write("total", {"indicator", "sector"}, flat(im.total()),
          {"", std::string("total effect ") + note, {}});
  file.commit();
}

void print_summary(const Options& o, const io::IOTable& t, const io::Impact& im,
                   const std::vector<std::string>& units, const std::vector<std::string>& inputs) {
  std::cout << t.meta.name << " — " << t.meta.region << ", " << t.meta.year << ", " << t.size()
            << " sectors, money in " << t.meta.money_unit << "\n";
  for (const auto& line : inputs) std::cout << "  " << line << "\n";
  std::cout << "Final-demand change met by the region's sectors: " << number(im.demand.sum()) << " "
            << short_unit(t.meta.money_unit) << "\n\n";
  std::vector<std::string> head{"indicator", "unit", "direct", "indirect"};
  if (im.induced) head.push_back("induced");
  head.push_back("total");
  std::vector<bool> right(head.size(), true);
  right[0] = right[1] = false;
  TextTable tt(head, right);
  const Eigen::MatrixXd total = im.total();
  for (std::size_t k = 0; k < im.indicators.names.size(); ++k) {
    const auto kk = static_cast<Eigen::Index>(k);
    std::vector<std::string> r{im.indicators.names[k], short_unit(units[k]),
                               number(im.direct.row(kk).sum()), number(im.indirect.row(kk).sum())};
    if (im.induced) r.push_back(number(im.induced->row(kk).sum()));
    r.push_back(number(total.row(kk).sum()));
    tt.add_row(r);
  }
  tt.print(std::cout);
  if (!im.induced) std::cout << "  (no induced effects: --type1)\n";
  const std::size_t top = std::min<std::size_t>(static_cast<std::size_t>(o.top), t.size());
  if (top == 0) return;
  std::vector<std::size_t> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return total(0, static_cast<Eigen::Index>(a)) > total(0, static_cast<Eigen::Index>(b));
  });
  std::cout << "\nOutput effects by sector, " << top << " largest (" << short_unit(units[0])
            << "; every sector and indicator: --csv or -o):\n\n";
  std::vector<std::string> h2{"code", "name", "direct", "indirect"};
  if (im.induced) h2.push_back("induced");
  h2.push_back("total");
  std::vector<bool> r2(h2.size(), true);
  r2[0] = r2[1] = false;
  TextTable st(h2, r2);
  for (std::size_t i = 0; i < top; ++i) {
    const auto j = static_cast<Eigen::Index>(order[i]);
    std::vector<std::string> r{t.codes[order[i]], display_name(t, order[i]),
                               number(im.direct(0, j)), number(im.indirect(0, j))};
    if (im.induced) r.push_back(number((*im.induced)(0, j)));
    r.push_back(number(total(0, j)));
    st.add_row(r);
  }
  st.print(std::cout);
}

}  // namespace

int impact_command(int argc, char** argv) {
  Options o;
  po::options_description desc(
      "icsim impact TABLE [--demand FILE] [--investment FILE] [--cluster SYSTEM/CODE=AMOUNT]\n\n"
      "Impact analysis: the direct, indirect (supply chain, Type I) and induced (household\n"
      "spending, Type II) effects of a change in final demand, for every indicator of the\n"
      "table (output, value added and its components, imports, employment and the other\n"
      "satellites), by the sector where they occur. FILE: CSV code,<amount> in the table's\n"
      "money unit; unlisted sectors 0. The inputs add up.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("demand", po::value(&o.demand), "FILE: final-demand change by supplying sector (CSV code,amount)")
    ("investment", po::value(&o.investment), "FILE: investment by investing sector (CSV code,amount), turned into demand for products through the investment bridge (gfcf_bridge.csv or the GFCF column's product mix)")
    ("concordance", po::value(&o.concordances)->composing(), "SYSTEM=FILE: cluster concordance for --cluster. Repeatable")
    ("cluster", po::value(&o.clusters)->composing(), "SYSTEM/CODE=AMOUNT: invest AMOUNT in a cluster (spread over its sectors by weight x output), through the bridge. Repeatable")
    ("type1", po::bool_switch(&o.type1), "no induced effects (households exogenous)")
    ("csv", po::value(&o.csv_out), "FILE: every indicator x sector effect as CSV")
    ("out,o", po::value(&o.h5_out), "FILE.h5: the /impact group (docs/results.md)")
    ("top", po::value(&o.top)->default_value(10), "sectors shown on the terminal (largest output effect)")
    ("threads", po::value(&o.threads)->default_value(0), "threads for the linear algebra (0: OPENBLAS_NUM_THREADS or OMP_NUM_THREADS if set, else 1 below 2,000 sectors and all cores from there)")
    ("quiet,q", po::bool_switch(&o.quiet), "print nothing");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("table", po::value(&o.table));
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "table", 1, "impact", kExamples, vm)) return 0;
  if (o.table.empty()) throw InputError("missing TABLE (see 'icsim impact --help')");
  if (o.demand.empty() && o.investment.empty() && o.clusters.empty())
    throw InputError(
        "nothing to analyse: give --demand FILE, --investment FILE or --cluster "
        "SYSTEM/CODE=AMOUNT (see 'icsim impact --help')");
  if (!o.concordances.empty() && o.clusters.empty())
    throw InputError("--concordance is only used with --cluster SYSTEM/CODE=AMOUNT");
  if (o.top < 0) throw InputError("--top " + std::to_string(o.top) + ": expected 0 or more");
  std::vector<std::string> inputs{o.table, o.demand, o.investment};
  for (const auto& spec : o.concordances)
    if (auto eq = spec.find('='); eq != std::string::npos) inputs.push_back(spec.substr(eq + 1));
  o.csv_out = io::check_output_file(o.csv_out, "--csv", inputs);
  o.h5_out = io::check_output_file(o.h5_out, "--out", inputs);
  if (!o.csv_out.empty() && !o.h5_out.empty() &&
      fs::weakly_canonical(fs::absolute(o.csv_out)) == fs::weakly_canonical(fs::absolute(o.h5_out)))
    throw InputError("--out " + o.h5_out + ": the same file as --csv; give each its own name");
  configure_threads(o.threads);

  const io::IOTable table = load_table_or_workbook(o.table);
  choose_blas_threads(o.threads, table.size());
  const auto n = static_cast<Eigen::Index>(table.size());
  std::vector<std::string> described;
  Eigen::VectorXd demand = Eigen::VectorXd::Zero(n);
  if (!o.demand.empty()) {
    const Eigen::VectorXd d = io::load_sector_amounts(o.demand, table, "final-demand change");
    demand += d;
    described.push_back("final-demand change (" + o.demand + "): " + number(d.sum()));
  }
  Eigen::VectorXd investment = Eigen::VectorXd::Zero(n);
  if (!o.investment.empty()) {
    investment += io::load_sector_amounts(o.investment, table, "investment");
    described.push_back("investment (" + o.investment + "): " + number(investment.sum()));
  }
  if (!o.clusters.empty()) investment += cluster_investment(o, table, described);
  if (!o.investment.empty() || !o.clusters.empty()) {
    std::string source;
    const Eigen::MatrixXd C = io::investment_bridge(table, &source);
    const Eigen::VectorXd bought = C * investment;
    demand += bought;
    described.push_back("investment of " + number(investment.sum()) + " buys " +
                        number(bought.sum()) + " from the region's sectors (bridge: " + source +
                        "); the rest is imported");
  }

  io::LeontiefSystem leontief(table.technical_coefficients());
  io::Impact im;
  try {
    im = io::compute_impact(table, leontief, demand, !o.type1);
  } catch (const InputError& e) {
    if (o.type1) throw;
    throw InputError(std::string(e.what()) +
                     "; or give --type1 for direct and indirect effects only");
  }
  const std::vector<std::string> units = effect_units(table, im.indicators);
  const Eigen::MatrixXd total = im.total();
  for (Eigen::Index k = 0; k < total.rows(); ++k)
    if (!total.row(k).allFinite())
      throw ModelError("the effects on '" + im.indicators.names[static_cast<std::size_t>(k)] +
                       "' are not finite: I - A is (nearly) singular for this table");

  if (!o.quiet) print_summary(o, table, im, units, described);
  io::OutputSet outputs;
  if (!o.csv_out.empty()) write_csv(outputs.file(o.csv_out), table, im, units);
  if (!o.h5_out.empty()) {
    try {
      write_h5(outputs.external(o.h5_out), o, table, im, units);
    } catch (const InputError& e) {
      throw InputError("--out " + o.h5_out + ": " + e.what());
    }
  }
  outputs.commit();
  return 0;
}

}  // namespace icsim::cli
