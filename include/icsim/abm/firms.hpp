#pragma once
// The firm population of the agent-based model (docs/model.md §3), in structure-of-arrays layout:
// one vector per attribute, firm i at index i in every vector, so that the yearly update
// streams through the few arrays it touches (and vectorises) instead of dragging whole firm
// records through the cache. Money in the table's unit (CNY 100 million, 亿元) per year, land in
// mu (亩). Districts are indices into a District list; sectors are indices into the table.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace icsim::abm {

// A district (区/县/市) of the region with its land pool.
struct District {
  std::string code;                  // e.g. "beilun"
  std::string name;                  // e.g. "北仑区"
  double industrial_land = 0;        // mu of industrial land in use in the base year
  double land_available = 0;         // mu supplied and ready but not yet in use (供而未用)
  double land_approved = 0;          // mu approved but not yet supplied (批而未供)
  double annual_land_supply = 0;     // mu of new industrial land supplied per year (quota)
  std::vector<double> sector_share;  // per table sector: the district's share of its output
  std::string source;                // where the figures come from ("estimate: ..." if so)
};

// 亩均 class of a firm (亩均论英雄 evaluation): A best .. D worst; unrated = not evaluated
// (no land, or below the size that is evaluated).
enum class MujunClass : std::uint8_t { unrated = 0, A = 1, B = 2, C = 3, D = 4 };

// Bits of FirmPopulation::flags.
enum FirmFlag : std::uint8_t {
  kAboveScale = 1u << 0,         // 规上: revenue >= the above-scale threshold (0.2 亿)
  kDigital = 1u << 1,            // adopted digital renovation (数字化改造)
  kActive = 1u << 2,             // operating (cleared when the firm exits)
  kUnderConstruction = 1u << 3,  // a new firm whose plant is not built yet
  kProgramme = 1u << 4,          // created by a scenario programme project
  kNumericalControl = 1u << 5,   // adopted NC / intelligent equipment (数控化、智能化改造)
  kGreen = 1u << 6,              // adopted green renovation (绿色化改造)
};

struct FirmPopulation {
  // Identity and place
  std::vector<std::uint32_t> id;        // stable across the run (keys its random draws)
  std::vector<std::uint16_t> sector;    // index into the table's sectors
  std::vector<std::uint16_t> district;  // index into the districts
  std::vector<std::uint8_t> flags;      // FirmFlag bits
  std::vector<MujunClass> mujun_class;
  std::vector<std::uint8_t> years_in_d;  // consecutive years rated D (surcharge escalates)
  // Production
  std::vector<double> capacity;          // output capacity, money/year
  std::vector<double> output;            // output this year, money
  std::vector<double> capital;           // fixed capital, money
  std::vector<float> productivity;       // competitiveness multiplier (1 = sector average)
  std::vector<float> value_added_rate;   // value added / output
  std::vector<float> tax_rate;           // taxes paid / output
  std::vector<float> labour_per_output;  // persons per unit of output
  std::vector<float> energy_per_output;  // tonnes of coal equivalent per unit of output
  // Land
  std::vector<double> land;       // mu occupied
  std::vector<float> plot_ratio;  // floor area / land area (容积率)

  // Applies f to every per-firm vector: the one list of them. Adding a field means adding it
  // here and to bytes_per_firm() (tests/abm/firms_test.cpp checks the two agree).
  template <class F>
  void for_each_array(F&& f) {
    f(id);
    f(sector);
    f(district);
    f(flags);
    f(mujun_class);
    f(years_in_d);
    f(capacity);
    f(output);
    f(capital);
    f(productivity);
    f(value_added_rate);
    f(tax_rate);
    f(labour_per_output);
    f(energy_per_output);
    f(land);
    f(plot_ratio);
  }

  std::size_t size() const { return id.size(); }
  void reserve(std::size_t n);
  void resize(std::size_t n);
  // Appends a firm with the given attributes (others zero); returns its index.
  std::size_t push_back_defaults();
  // Bytes of storage per firm across all arrays (the layout's memory cost).
  static constexpr std::size_t bytes_per_firm() {
    return sizeof(std::uint32_t) + 2 * sizeof(std::uint16_t) + 3 * sizeof(std::uint8_t) +
           3 * sizeof(double) + 5 * sizeof(float) + sizeof(double) + sizeof(float);
  }
};

}  // namespace icsim::abm
