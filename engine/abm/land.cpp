#include "icsim/abm/land.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "icsim/common/error.hpp"

namespace icsim::abm {

namespace {

bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0; }

// Amounts below this are treated as zero (rounding left over from partial grants).
constexpr double kNegligible = 1e-9;

// Moves mu out of `stock`, refusing more than it holds (beyond rounding).
void take(double& stock, double mu, const char* what) {
  if (!finite_nonneg(mu))
    throw std::invalid_argument(std::string("LandMarket: ") + what + ": mu must be >= 0");
  if (mu > stock * (1 + 1e-12) + kNegligible)
    throw std::invalid_argument(std::string("LandMarket: ") + what + ": " + std::to_string(mu) +
                                " mu is more than the " + std::to_string(stock) + " mu held");
  stock = std::max(0.0, stock - mu);
}

}  // namespace

std::vector<RuleProblem> problems(const LandRules& r) {
  std::vector<RuleProblem> out;
  auto require = [&](bool ok, const std::string& field, const std::string& expected) {
    if (!ok) out.push_back({{field}, expected});
  };
  require(r.redevelopment_lag >= 0 && r.redevelopment_lag < 100, "redevelopment_lag",
          "years in [0, 100)");
  require(finite_nonneg(r.redevelopment_rate) && r.redevelopment_rate <= 1, "redevelopment_rate",
          "a share in [0, 1]");
  require(finite_nonneg(r.industrial_share) && r.industrial_share <= 1, "industrial_share",
          "a share in [0, 1]");
  require(std::isfinite(r.reference_industrial_share) && r.reference_industrial_share > 0 &&
              r.reference_industrial_share <= 1,
          "reference_industrial_share", "a share in (0, 1]");
  for (std::size_t d = 0; d < r.industrial_share_by_district.size(); ++d) {
    const double s = r.industrial_share_by_district[d];
    require(finite_nonneg(s) && s <= 1, "industrial_share_by_district[" + std::to_string(d) + "]",
            "a share in [0, 1]");
  }
  require(finite_nonneg(r.approval_to_supply_ratio), "approval_to_supply_ratio", "a number >= 0");
  require(std::isfinite(r.plot_ratio_cap) && r.plot_ratio_cap > 0, "plot_ratio_cap",
          "a number > 0");
  return out;
}

void validate(const LandRules& r) {
  const std::vector<RuleProblem> found = problems(r);
  if (!found.empty()) throw InputError(found.front().text("land"));
}

LandMarket::LandMarket(std::vector<DistrictLandInit> districts, LandRules rules)
    : rules_(std::move(rules)), last_step_year_(0) {
  validate(rules_);
  if (!rules_.industrial_share_by_district.empty() &&
      rules_.industrial_share_by_district.size() != districts.size())
    throw InputError("land.industrial_share_by_district: expected " +
                     std::to_string(districts.size()) + " values (one per district), got " +
                     std::to_string(rules_.industrial_share_by_district.size()));
  pools_.resize(districts.size());
  for (std::size_t d = 0; d < districts.size(); ++d) {
    const DistrictLandInit& in = districts[d];
    const std::string where = "district " + std::to_string(d) + ": ";
    if (!finite_nonneg(in.in_use) || !finite_nonneg(in.available) ||
        !finite_nonneg(in.approved_not_supplied) || !finite_nonneg(in.annual_supply))
      throw InputError(where + "land stocks and supply must be numbers >= 0 mu");
    Pool& p = pools_[d];
    p.in_use = in.in_use;
    p.available = in.available;
    p.approved = in.approved_not_supplied;
    const double share = rules_.industrial_share_by_district.empty()
                             ? rules_.industrial_share
                             : rules_.industrial_share_by_district[d];
    p.quota = in.annual_supply * share / rules_.reference_industrial_share;
    p.plot_ratio_cap = in.plot_ratio_cap > 0 ? in.plot_ratio_cap : rules_.plot_ratio_cap;
    p.initial_total = p.in_use + p.available + p.approved;
  }
}

namespace {
std::vector<DistrictLandInit> from_districts(const std::vector<District>& districts) {
  std::vector<DistrictLandInit> out(districts.size());
  for (std::size_t d = 0; d < districts.size(); ++d) {
    out[d].in_use = districts[d].industrial_land;
    out[d].available = districts[d].land_available;
    out[d].approved_not_supplied = districts[d].land_approved;
    out[d].annual_supply = districts[d].annual_land_supply;
  }
  return out;
}
}  // namespace

LandMarket LandMarket::for_districts(const std::vector<District>& districts, LandRules rules) {
  return LandMarket(from_districts(districts), std::move(rules));
}

const LandMarket::Pool& LandMarket::pool(std::size_t d) const {
  if (d >= pools_.size())
    throw std::out_of_range("LandMarket: district " + std::to_string(d) + " of " +
                            std::to_string(pools_.size()));
  return pools_[d];
}
LandMarket::Pool& LandMarket::pool(std::size_t d) {
  return const_cast<Pool&>(static_cast<const LandMarket&>(*this).pool(d));
}

void LandMarket::release(std::size_t district, double mu, int year) {
  Pool& p = pool(district);
  if (mu == 0) return;
  take(p.in_use, mu, "release");
  p.pending.push_back({year + rules_.redevelopment_lag, mu});
  p.pending_total += mu;
}

void LandMarket::release(const std::vector<double>& mu_by_district, int year) {
  for (std::size_t d = 0; d < mu_by_district.size(); ++d)
    if (mu_by_district[d] != 0) release(d, mu_by_district[d], year);
}

void LandMarket::step(int year) {
  if (stepped_ && year <= last_step_year_)
    throw std::invalid_argument("LandMarket::step: year " + std::to_string(year) +
                                " is not after the last step " + std::to_string(last_step_year_));
  stepped_ = true;
  last_step_year_ = year;
  for (Pool& p : pools_) {
    LandFlows f;
    if (rules_.supply == LandSupply::quota) {
      f.approved = p.quota * rules_.approval_to_supply_ratio;
      p.approved += f.approved;
      f.supplied = std::min(p.approved, p.quota);
      p.approved -= f.supplied;
      p.available += f.supplied;
      p.quota_left = 0;
    } else {
      p.quota_left = p.quota;  // supplied by allocate() as requests need it
    }

    double matured = 0;
    auto keep = std::remove_if(p.pending.begin(), p.pending.end(), [&](const Pending& e) {
      if (e.ready_year > year) return false;
      matured += e.mu;
      return true;
    });
    p.pending.erase(keep, p.pending.end());
    if (p.pending.empty())
      p.pending_total = 0;  // no drift from repeated subtraction
    else
      p.pending_total = std::max(0.0, p.pending_total - matured);
    f.redeveloped = matured * rules_.redevelopment_rate;
    f.taken_out = matured - f.redeveloped;
    p.available += f.redeveloped;

    p.cum_approved += f.approved;
    p.cum_supplied += f.supplied;
    p.cum_taken_out += f.taken_out;
    p.last = f;
  }
}

double LandMarket::supply_on_demand(Pool& p, double mu) {
  if (rules_.supply != LandSupply::on_demand || !(mu > kNegligible) || !(p.quota_left > 0))
    return 0;
  const double want = std::min(mu, p.quota_left);
  // 增存挂钩: new approvals follow the land supplied.
  const double approved = want * rules_.approval_to_supply_ratio;
  p.approved += approved;
  p.cum_approved += approved;
  p.last.approved += approved;
  const double s = std::min(want, p.approved);
  p.approved = std::max(0.0, p.approved - s);
  p.quota_left -= want;
  p.available += s;
  p.cum_supplied += s;
  p.last.supplied += s;
  return s;
}

double LandMarket::offer(const Pool& p) const {
  return p.available + (rules_.supply == LandSupply::on_demand ? p.quota_left : 0.0);
}

std::vector<LandGrant> LandMarket::allocate(std::vector<LandRequest>& queue) {
  const bool programme_first = rules_.programme_land != ProgrammeLand::queue;
  const bool guaranteed = rules_.programme_land == ProgrammeLand::guaranteed;
  std::stable_sort(queue.begin(), queue.end(), [&](const LandRequest& a, const LandRequest& b) {
    if (programme_first && a.programme != b.programme) return a.programme;
    if (a.expected_tax_per_mu != b.expected_tax_per_mu)
      return a.expected_tax_per_mu > b.expected_tax_per_mu;
    return a.project_id < b.project_id;
  });
  std::vector<LandGrant> grants;
  std::vector<LandRequest> waiting;
  waiting.reserve(queue.size());
  for (LandRequest r : queue) {
    if (!(r.mu_needed > kNegligible)) continue;  // nothing to serve
    std::size_t d;
    if (r.district == kAnyDistrict) {
      if (pools_.empty()) {
        waiting.push_back(r);
        continue;
      }
      d = 0;  // the most available land, ties to the lower index
      for (std::size_t k = 1; k < pools_.size(); ++k)
        if (offer(pools_[k]) > offer(pools_[d])) d = k;
    } else {
      if (r.district < 0 || static_cast<std::size_t>(r.district) >= pools_.size())
        throw std::out_of_range("LandMarket::allocate: project " + std::to_string(r.project_id) +
                                " asks for district " + std::to_string(r.district) + " of " +
                                std::to_string(pools_.size()));
      d = static_cast<std::size_t>(r.district);
    }
    Pool& p = pools_[d];
    // On demand, the quota supplies what the available land lacks (for a request that takes all
    // or nothing, only if the quota left covers all of it). Guaranteed programme land does not
    // draw on the quota: what the available land lacks comes from 批而未供 and the provincial
    // indicator below, which the province grants on top of the city's quota.
    const bool reserved = guaranteed && r.programme;
    const bool partial = rules_.partial_grants || reserved;
    if (!reserved && r.mu_needed > p.available && (partial || offer(p) >= r.mu_needed))
      supply_on_demand(p, r.mu_needed - p.available);
    double g = 0;
    if (partial)
      g = std::min(r.mu_needed, p.available);
    else if (p.available >= r.mu_needed)
      g = r.mu_needed;
    p.available = std::max(0.0, p.available - g);
    if (reserved && r.mu_needed - g > kNegligible) {
      // 要素保障: the shortfall from 批而未供, then from a provincial indicator (a new approval).
      const double shortfall = r.mu_needed - g;
      const double from_approved = std::min(shortfall, p.approved);
      const double from_indicator = shortfall - from_approved;
      // On demand, approvals follow supply (增存挂钩): what 批而未供 gave is approved again.
      const double reapproved = rules_.supply == LandSupply::on_demand
                                    ? from_approved * rules_.approval_to_supply_ratio
                                    : 0.0;
      p.approved += reapproved - from_approved;
      p.cum_supplied += shortfall;
      p.cum_approved += from_indicator + reapproved;
      p.last.supplied += shortfall;
      p.last.approved += from_indicator + reapproved;
      p.last.guaranteed += shortfall;
      g = r.mu_needed;
    }
    if (g > kNegligible) {
      p.in_use += g;
      p.cum_granted += g;
      grants.push_back({r.project_id, static_cast<std::uint16_t>(d), g});
      r.mu_needed -= g;
    }
    if (r.mu_needed > kNegligible) waiting.push_back(r);
  }
  queue = std::move(waiting);
  return grants;
}

double LandMarket::record_use(std::size_t district, double mu) {
  Pool& p = pool(district);
  if (!finite_nonneg(mu)) throw std::invalid_argument("LandMarket::record_use: mu must be >= 0");
  const double g = std::min(mu, p.available);
  p.available -= g;
  p.in_use += g;
  return g;
}

void LandMarket::release_use(std::size_t district, double mu) {
  Pool& p = pool(district);
  take(p.in_use, mu, "release_use");
  p.available += mu;
}

double LandMarket::stocks(std::size_t d) const {
  const Pool& p = pool(d);
  return p.in_use + p.available + p.approved + p.pending_total;
}

double LandMarket::expected_total(std::size_t d) const {
  const Pool& p = pool(d);
  return p.initial_total + p.cum_approved - p.cum_taken_out;
}

}  // namespace icsim::abm
