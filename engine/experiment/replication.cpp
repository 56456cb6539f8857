// The yearly loop of one replication (engine/experiment/replication.hpp; docs/model.md §3 and
// the overview in engine/experiment/projection.cpp): draws, projects, final demand, the
// capacity-constrained solve with the firm model in the loop, and recording.
#include "replication.hpp"

#include <optional>
#include <span>
#include <vector>

#include "icsim/common/random.hpp"
#include "icsim/io/capacity.hpp"
#include "investment.hpp"

namespace icsim::experiment::detail {
namespace {

// One Growth's yearly draws: own part per year or once per replication, plus loading x shock.
class GrowthDraws {
 public:
  GrowthDraws(const scenario::Growth& growth, RandomStream stream)
      : growth_(&growth), stream_(stream) {}
  double next(double common) {
    if (growth_->per_year || !drawn_) {
      own_ = stream_.draw_growth(growth_->rate);
      drawn_ = true;
    }
    return own_ + growth_->common_loading * common;
  }

 private:
  const scenario::Growth* growth_;
  RandomStream stream_;
  double own_ = 0;
  bool drawn_ = false;
};

}  // namespace

// One replication (global number `replication`) into local slice `r`.
void run_replication(const Model& M, const Slices& s, std::uint64_t replication, int r) {
  const auto& sc = M.sc;
  const std::uint64_t seed = sc.seed;
  const int Y = M.years;
  const Index n = M.n;
  auto stream = [&](Purpose p, std::uint32_t index) {
    return RandomStream(seed, replication, p, index);
  };

  // Common shock and price index first: outlays are deflated by the price of their year.
  std::vector<double> common(static_cast<std::size_t>(Y), 0.0),
      price(static_cast<std::size_t>(Y), 1.0);
  GrowthDraws shock(sc.growth.common, stream(Purpose::common_shock, 0));
  GrowthDraws inflation(sc.price_growth, stream(Purpose::prices, 0));
  for (int t = 1; t < Y; ++t) {
    common[t] = shock.next(0.0);
    price[t] = price[t - 1] * (1 + inflation.next(common[t]));
  }

  // Projects: the firm model's go to it (they start when they have land), the rest to the
  // input-output core's pipeline of outlays, completed capacity and sales outside the region.
  std::optional<abm::FirmModel> firms;
  if (M.firm_base) firms.emplace(M.firm_base, replication, sc.base_year);
  ProjectPipeline pipeline(M, price);
  ProgrammeFlows programme_flows;
  std::vector<abm::ProjectSpec> firm_projects =
      place_projects(M, replication, price, firms.has_value(), pipeline, &programme_flows);
  record_programmes(s, r, programme_flows);
  if (firms) firms->add_projects(std::move(firm_projects));
  const MatrixXd& outlays = pipeline.outlays;
  const MatrixXd& added = pipeline.added;
  const MatrixXd& sales = pipeline.sales;

  std::vector<GrowthDraws> components;
  static const scenario::Growth kNoGrowth;  // the household component under Type II closure
  for (std::size_t k = 0; k < M.components.size(); ++k)
    components.emplace_back(M.components[k].growth ? *M.components[k].growth : kNoGrowth,
                            stream(Purpose::demand_growth, static_cast<std::uint32_t>(k)));
  std::vector<GrowthDraws> groups;
  for (std::size_t g = 0; g < M.groups.size(); ++g)
    groups.emplace_back(*M.groups[g].growth,
                        stream(Purpose::sector_group_growth, static_cast<std::uint32_t>(g)));
  GrowthDraws investment_growth(sc.investment.growth, stream(Purpose::investment, 0));
  GrowthDraws other_gfcf_growth(sc.investment.other_gfcf_growth, stream(Purpose::investment, 1));
  GrowthDraws capacity_trend(sc.capacity.trend_growth, stream(Purpose::capacity, 0));
  // Satellite intensity trends: their own streams, not loaded on the common shock.
  GrowthDraws energy_trend(sc.satellites.energy_intensity_trend, stream(Purpose::satellites, 0));
  GrowthDraws water_trend(sc.satellites.water_intensity_trend, stream(Purpose::satellites, 1));
  GrowthDraws rd_trend(sc.satellites.rd_intensity_trend, stream(Purpose::satellites, 2));
  SatelliteTrends trends;

  // With the firm model, the share of industrial investment that its firms decide is theirs.
  const double I0 = sc.investment.industrial_base *
                    (firms ? 1 - sc.firms.parameters.endogenous_investment_share : 1.0);
  VectorXd index = VectorXd::Ones(static_cast<Index>(M.components.size()));
  VectorXd extra = VectorXd::Ones(n);
  double J = 1, OG = 1;
  VectorXd K = M.K0, leak = VectorXd::Zero(n);
  const VectorXd base_investment = sc.investment.industrial_base * M.share;
  if (firms)
    firms->locate_base_year_investment(
        std::span<const double>(base_investment.data(), static_cast<std::size_t>(n)));
  record(M, s, r, 0, 1.0, M.x0, base_investment, K, leak, trends, firms ? &*firms : nullptr);
  double labour_income = M.labour0;  // last year's, for the Type II closure
  for (int t = 1; t < Y; ++t) {
    const double c = common[t];
    const int year = sc.base_year + t;
    for (std::size_t k = 0; k < components.size(); ++k) {
      const double g = components[k].next(c);  // drawn even when unused: streams stay aligned
      if (static_cast<int>(k) == M.household_component)
        index(static_cast<Index>(k)) = labour_income / M.labour0;
      else
        index(static_cast<Index>(k)) *= 1 + g;
    }
    if (!groups.empty()) {
      VectorXd h = VectorXd::Zero(n);
      for (std::size_t g = 0; g < groups.size(); ++g) h += groups[g].next(c) * M.groups[g].member;
      extra = extra.cwiseProduct((h.array() + 1).matrix());
    }
    J *= 1 + investment_growth.next(c);
    OG *= 1 + other_gfcf_growth.next(c);
    const double trend = capacity_trend.next(c);
    trends.energy *= 1 + energy_trend.next(0.0);
    trends.water *= 1 + water_trend.next(0.0);
    trends.rd *= 1 + rd_trend.next(0.0);

    VectorXd other = (I0 * J) * M.share + outlays.col(t);  // investment outside the firms
    VectorXd inv = other;
    VectorXd f = M.f_fixed + M.g_other0 * OG;
    if (index.size() > 0) f += M.f_listed * index;
    f = f.cwiseProduct(extra) + sales.col(t);
    VectorXd x;
    if (firms) {
      firms->begin_year(year, price[t]);
      inv += Eigen::Map<const VectorXd>(firms->outlays().data(), n);
      f += Eigen::Map<const VectorXd>(firms->extra_sales().data(), n);
      f += M.C * inv;
      K = Eigen::Map<const VectorXd>(firms->capacity().data(), n);
      auto solved = io::solve_capacity_constrained(M.leontief, M.A, f, K, M.firm_sectors);
      x = std::move(solved.x);
      leak = std::move(solved.leak);
      firms->produce(std::span<const double>(x.data(), static_cast<std::size_t>(n)));
      leak += Eigen::Map<const VectorXd>(firms->shortfall().data(), n);
      firms->end_year(year, price[t],
                      std::span<const double>(other.data(), static_cast<std::size_t>(n)));
    } else {
      f += M.C * inv;
      for (Index i = 0; i < n; ++i)
        if (M.constrained(i) > 0) K(i) = K(i) * (1 + trend) + added(i, t);
      auto solved = io::solve_capacity_constrained(M.leontief, M.A, f, K,
                                                   M.capacity ? M.constrained : VectorXd::Zero(n));
      x = std::move(solved.x);
      leak = std::move(solved.leak);
    }
    if (M.household_component >= 0) labour_income = M.labour.dot(x);
    record(M, s, r, static_cast<std::size_t>(t), price[t], x, inv, K, leak, trends,
           firms ? &*firms : nullptr);
  }
}

}  // namespace icsim::experiment::detail
