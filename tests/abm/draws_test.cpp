// The named random draws of the firm model and the sweep (one list per purpose): together they
// must never address the same uniform, each purpose must be listed in one place only, and every
// name must keep the numeric key it had before draws were named (the streams stay bit-identical).
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "icsim/abm/clusters.hpp"
#include "icsim/abm/decisions.hpp"
#include "icsim/abm/firm_model.hpp"
#include "icsim/abm/mujun.hpp"
#include "icsim/abm/population.hpp"
#include "icsim/common/random.hpp"

using namespace icsim;

namespace {

struct List {
  const char* where;
  std::vector<Draw> draws;
};

std::vector<List> every_list() {
  auto list = [](const char* where, const auto& a) {
    return List{where, std::vector<Draw>(a.begin(), a.end())};
  };
  return {list("abm/clusters.hpp", std::vector<Draw>(std::begin(abm::draws::kClusterDraws),
                                                     std::end(abm::draws::kClusterDraws))),
          list("abm/decisions.hpp", abm::draws::kFirmDecisionDraws),
          list("abm/firm_model.hpp", abm::draws::kProjectDraws),
          list("abm/mujun.hpp", abm::draws::kFirmEvaluationDraws),
          list("abm/population.hpp", abm::draws::kFirmSynthesisDraws),
          list("common/random.hpp",
               std::vector<Draw>(std::begin(draws::kSweepDesign), std::end(draws::kSweepDesign)))};
}

}  // namespace

TEST(NamedDraws, NoTwoNamesShareAUniform) {
  std::vector<Draw> all;
  for (const auto& l : every_list()) all.insert(all.end(), l.draws.begin(), l.draws.end());
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j)
      EXPECT_FALSE(draws_meet(all[i], all[j])) << all[i].name << " and " << all[j].name;
  EXPECT_TRUE(draws_are_distinct(all));
}

TEST(NamedDraws, EachPurposeIsListedInOnePlace) {
  std::set<Purpose> seen;
  for (const auto& l : every_list()) {
    std::set<Purpose> mine;
    for (const Draw& d : l.draws) mine.insert(d.purpose);
    EXPECT_EQ(mine.size(), 1u) << l.where << " lists draws of several purposes";
    for (Purpose p : mine)
      EXPECT_TRUE(seen.insert(p).second)
          << "purpose " << static_cast<int>(p) << " listed again in " << l.where;
  }
}

TEST(NamedDraws, KeepTheirNumericKeys) {
  // (purpose, slot) of every draw before the draws had names.
  const std::uint64_t seed = 20240917, rep = 3;
  const std::uint32_t year = 2031, id = 4242;
  auto same = [&](const Draw& d, Purpose p, std::uint32_t slot) {
    EXPECT_EQ(d.purpose, p) << d.name;
    EXPECT_EQ(keyed_uniform(seed, rep, d, year, id), keyed_uniform(seed, rep, p, year, id, slot))
        << d.name;
  };
  same(abm::draws::digital_adoption, Purpose::firm_decision, 2);
  same(abm::draws::loss_exit, Purpose::firm_decision, 4);
  same(abm::draws::expansion, Purpose::firm_decision, 6);
  same(abm::draws::rectification, Purpose::firm_evaluation, 0);
  same(abm::draws::size_and_productivity, Purpose::firm_synthesis, 0);
  same(abm::draws::value_added_and_land, Purpose::firm_synthesis, 2);
  same(abm::draws::plot_ratio, Purpose::firm_synthesis, 4);
  same(abm::draws::programme_placement, Purpose::project_arrival, 0);
  same(abm::draws::arrival_count, Purpose::project_arrival, 0);
  same(abm::draws::arrival_size, Purpose::project_arrival, 0);
  same(abm::draws::arrival_place, Purpose::project_arrival, 2);
  same(abm::draws::arrival_failure, Purpose::project_arrival, 4);
  same(draws::sweep_offset, Purpose::sweep_design, 0);
  same(draws::sweep_shuffle, Purpose::sweep_design, 2);
  // A sequence's k-th uniform is slot + k; a pair's second is slot + 1.
  EXPECT_EQ(keyed_uniform(seed, rep, abm::draws::arrival_count, year, 0, 17),
            keyed_uniform(seed, rep, Purpose::project_arrival, year, 0, 17));
  const auto pair = keyed_uniform_pair(seed, rep, abm::draws::arrival_place, year, id);
  EXPECT_EQ(pair.second, keyed_uniform(seed, rep, Purpose::project_arrival, year, id, 3));
}
