// The metric of a target, denominator or actual (the Series of scenario.hpp): its name among
// the input-output metrics and the firm model's statistics, the firm model when it needs it, its
// prices and its selection. metric_names(), firm_model_metric() and all_metric_names() are the
// schema's list of metrics.
#include <algorithm>

#include "icsim/abm/statistics.hpp"
#include "icsim/results/variables.hpp"
#include "reader.hpp"

namespace icsim::scenario::detail {
namespace {

// The projection's metrics (results/variables.hpp, less the firm statistics), in the order the
// error messages list them: the input-output ones (region, clusters, sectors), then those only
// the firm model fills.
const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<const results::Variable*> own;
    for (const auto& v : results::variables())
      if (v.statistic < 0) own.push_back(&v);
    auto rank = [](const results::Variable* v) {
      const int group = v->group == results::Group::region              ? 0
                        : v->group == results::Group::clusters          ? 1
                        : v->group == results::Group::district_clusters ? 3
                                                                        : 2;
      return (v->firm_model ? 4 : 0) + group;
    };
    std::stable_sort(own.begin(), own.end(),
                     [&](const auto* a, const auto* b) { return rank(a) < rank(b); });
    std::vector<std::string> out;
    for (const auto* v : own) out.push_back(v->metric());
    return out;
  }();
  return names;
}

// Metrics of metric_names() that only the firm model fills.
bool firm_model_metric(const std::string& metric) {
  const auto* v = results::find_variable(metric);
  return v && v->statistic < 0 && v->firm_model;
}

// The firm model's statistics (abm/statistics.hpp): "districts/<name>" and "region/<name>".
const std::vector<std::string>& statistic_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& info : abm::statistics_info()) out.emplace_back(info.name);
    return out;
  }();
  return names;
}

// Every metric name, for suggestions: the input-output ones and the firm model's.
const std::vector<std::string>& all_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = metric_names();
    for (const auto& n : statistic_names()) out.push_back("region/" + n);
    for (const auto& n : statistic_names()) out.push_back("districts/" + n);
    return out;
  }();
  return names;
}

}  // namespace

// Whether a target's metric or denominator names a firm-model statistic.
bool Reader::uses_firm_model(const toml::table* t) const {
  auto names_statistic = [](const toml::table* x) {
    const toml::node* m = x ? x->get("metric") : nullptr;
    const auto* v = m ? m->as_string() : nullptr;
    if (!v) return false;
    const std::string metric = v->get();
    if (firm_model_metric(metric)) return true;
    const auto& io = metric_names();
    if (std::find(io.begin(), io.end(), metric) != io.end()) return false;
    const bool grouped = metric.rfind("districts/", 0) == 0 || metric.rfind("region/", 0) == 0;
    return grouped && abm::find_statistic(metric.substr(metric.find('/') + 1)) >= 0;
  };
  const toml::node* den = t->get("denominator");
  return names_statistic(t) || names_statistic(den ? den->as_table() : nullptr);
}

std::optional<Series> Reader::series(const toml::table* t, const std::string& prefix, bool required,
                                     bool evaluated) {
  auto metric = string(t, "metric", prefix, required);
  Series s;
  if (!metric) return std::nullopt;
  const auto& names = metric_names();
  const std::string full = dotted(prefix, "metric");
  const bool io_metric = std::find(names.begin(), names.end(), *metric) != names.end();
  const bool districts = metric->rfind("districts/", 0) == 0;
  const bool region = metric->rfind("region/", 0) == 0;
  const std::string rest = metric->substr(metric->find('/') + 1);
  const bool statistic = !io_metric && (districts || region) && abm::find_statistic(rest) >= 0;
  if (districts && !statistic) {
    error(at(*t->get("metric")), full,
          "unknown firm-model statistic '" + rest + "' in '" + *metric + "'" +
              did_you_mean(rest, statistic_names()) +
              " (districts/<statistic> takes one of: " + join(statistic_names(), ", ", 100) + ")");
    return std::nullopt;
  }
  if (!io_metric && !statistic) {
    error(at(*t->get("metric")), full,
          "unknown metric '" + *metric + "'" + did_you_mean(*metric, all_metric_names()) +
              " (expected region/<variable>, clusters/<variable>, sectors/<variable> or "
              "programmes/<variable>, or with "
              "the firm model districts/<statistic>, region/<statistic> or "
              "district_clusters/<variable>; valid: " +
              join(names, ", ") + "; statistics: " + join(statistic_names(), ", ", 100) + ")");
    return std::nullopt;
  }
  if (statistic && evaluated && !firm_model_) {
    error(at(*t->get("metric")), full,
          "'" + *metric +
              "' needs the firm model: set [firms] enabled = true (with firms.districts), or "
              "give the target a 'needs' text");
    return std::nullopt;
  }
  s.metric = *metric;
  if (auto prices = string(t, "prices", prefix)) {
    if (*prices == "constant") {
      s.constant_prices = true;
      if (statistic && abm::info(static_cast<abm::Stat>(abm::find_statistic(rest))).kind !=
                           abm::StatInfo::Kind::money)
        error(at(*t->get("prices")), dotted(prefix, "prices"),
              "\"constant\" prices apply to money statistics only; '" + rest + "' is not money");
    } else if (*prices != "current") {
      error(at(*t->get("prices")), dotted(prefix, "prices"),
            "expected \"current\" or \"constant\", got \"" + *prices + "\"");
    }
  }
  const toml::node* sel = t->get("select");
  if (region) {
    if (sel) {
      error(at(*sel), dotted(prefix, "select"),
            "region metrics take no selection (select is for clusters/, sectors/ and "
            "districts/ metrics)");
      return std::nullopt;
    }
    return s;
  }
  const bool clusters = metric->rfind("clusters/", 0) == 0;
  const bool crossed = metric->rfind("district_clusters/", 0) == 0;
  const bool programmes = metric->rfind("programmes/", 0) == 0;
  auto codes = strings(t, "select", prefix, true,
                       clusters     ? "[\"361-2023/*\"] or [\"246/green_petrochemicals\"]"
                       : districts  ? "[\"zhenhai\", \"beilun\"] (district codes) or [\"*\"]"
                       : crossed    ? "[\"zhenhai\", \"246/green_petrochemicals\"] (districts and "
                                      "clusters)"
                       : programmes ? "[\"shuangbai\"] (programme names) or [\"*\"]"
                                    : "[\"12\", \"13\"] or [\"*\"]");
  if (!codes) return std::nullopt;
  if (codes->empty()) {
    error(at(*sel), dotted(prefix, "select"), "empty; expected at least one code to sum over");
    return std::nullopt;
  }
  if (clusters)
    for (std::size_t i = 0; i < codes->size(); ++i)
      if ((*codes)[i].find('/') == std::string::npos)
        error(where_[dotted(prefix, "select") + "[" + std::to_string(i) + "]"],
              dotted(prefix, "select") + "[" + std::to_string(i) + "]",
              "expected a cluster reference SYSTEM/CLUSTER or SYSTEM/*, got '" + (*codes)[i] + "'");
  if (crossed) {
    const auto is_cluster = [](const std::string& c) { return c.find('/') != std::string::npos; };
    const auto n = std::count_if(codes->begin(), codes->end(), is_cluster);
    if (n == 0 || n == static_cast<long>(codes->size()))
      error(at(*sel), dotted(prefix, "select"),
            "district_clusters metrics select districts (codes or \"*\") and clusters "
            "(SYSTEM/CLUSTER or SYSTEM/*), at least one of each, e.g. [\"zhenhai\", "
            "\"246/green_petrochemicals\"]");
  }
  s.select = *codes;
  return s;
}

}  // namespace icsim::scenario::detail
