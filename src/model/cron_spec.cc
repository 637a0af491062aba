#include "model/cron_spec.h"

#include <array>
#include <chrono>
#include <cctype>
#include <sstream>
#include <vector>

#include <cctz/civil_time.h>

namespace paasmaker::model {

namespace {

struct FieldDef {
  const char* name;
  int min;
  int max;
  // Symbolic names for values names_base, names_base+1, …; null when none.
  const std::array<const char*, 12>* names;
  int names_base;
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
                                                   nullptr, nullptr, nullptr, nullptr, nullptr};

const FieldDef kSecondField = {"second", 0, 59, nullptr, 0};
const FieldDef kFields[5] = {
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, &kMonthNames, 1},
    {"day-of-week", 0, 7, &kDayNames, 0},  // 7 is Sunday again, as in Vixie cron
};

struct Macro {
  const char* name;
  const char* expansion;
};
constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// One value of a field: a number or, for month and weekday, a name.
Result<int> ParseValue(const std::string& token, const FieldDef& def) {
  int value = -1;
  if (AllDigits(token)) {
    if (token.size() > 4) return InvalidArgument(token + " is out of range " + std::to_string(def.min) + "-" +
                                                 std::to_string(def.max));
    value = std::stoi(token);
  } else if (def.names != nullptr) {
    const std::string lower = Lower(token);
    for (size_t i = 0; i < def.names->size(); ++i) {
      const char* name = (*def.names)[i];
      if (name != nullptr && lower == name) value = def.names_base + static_cast<int>(i);
    }
    if (value < 0) {
      return InvalidArgument("\"" + token + "\" is neither a number nor a name like " +
                             (def.names == &kMonthNames ? std::string("jan") : std::string("mon")));
    }
  } else {
    return InvalidArgument("\"" + token + "\" is not a number");
  }
  if (value < def.min || value > def.max) {
    return InvalidArgument(std::to_string(value) + " is out of range " + std::to_string(def.min) + "-" +
                           std::to_string(def.max));
  }
  return value;
}

// Parses one field into a bit set (bit n set when value n matches).
Status ParseField(const std::string& text, const FieldDef& def, uint64_t* bits) {
  *bits = 0;
  std::stringstream items(text);
  std::string item;
  std::vector<std::string> list;
  while (std::getline(items, item, ',')) list.push_back(item);
  if (list.empty() || text.back() == ',') return InvalidArgument("empty item in list \"" + text + "\"");
  for (const std::string& part : list) {
    if (part.empty()) return InvalidArgument("empty item in list \"" + text + "\"");
    std::string base = part;
    int step = 1;
    const size_t slash = part.find('/');
    if (slash != std::string::npos) {
      base = part.substr(0, slash);
      const std::string step_text = part.substr(slash + 1);
      if (!AllDigits(step_text) || step_text.size() > 4 || std::stoi(step_text) < 1) {
        return InvalidArgument("step must be a whole number of at least 1 in \"" + part + "\"");
      }
      step = std::stoi(step_text);
    }
    int low = def.min;
    int high = def.max;
    if (base == "*") {
      // The whole range. For day-of-week stop at 6 so `*/2` does not add Sunday twice.
      if (def.max == 7) high = 6;
    } else {
      const size_t dash = base.find('-');
      if (dash == std::string::npos) {
        // A step needs a range to walk; Vixie cron rejects `5/10` too.
        if (slash != std::string::npos) {
          return InvalidArgument("a step needs * or a range before it, in \"" + part + "\"");
        }
        PM_ASSIGN_OR_RETURN(low, ParseValue(base, def));
        high = low;
      } else {
        PM_ASSIGN_OR_RETURN(low, ParseValue(base.substr(0, dash), def));
        PM_ASSIGN_OR_RETURN(high, ParseValue(base.substr(dash + 1), def));
        // Sunday ends a week as well as starting one: `fri-sun` means 5-7.
        if (def.max == 7 && high == 0 && low > 0) high = 7;
        if (low > high) return InvalidArgument("range \"" + base + "\" runs backwards");
      }
    }
    for (int v = low; v <= high; v += step) *bits |= uint64_t{1} << v;
  }
  return Status::Ok();
}

bool Bit(uint64_t bits, int n) { return (bits >> n) & 1; }

using Seconds = cctz::time_point<cctz::seconds>;

Seconds AbsoluteOf(std::time_t t) {
  return std::chrono::time_point_cast<cctz::seconds>(std::chrono::system_clock::from_time_t(t));
}
std::time_t UnixOf(Seconds t) { return std::chrono::system_clock::to_time_t(t); }

// 0 = Sunday … 6, as cron and struct tm count (cctz counts from Monday).
int WeekdayOf(const cctz::civil_second& cs) {
  return (static_cast<int>(cctz::get_weekday(cctz::civil_day(cs))) + 1) % 7;
}

int MaxDaysIn(int month) {
  static constexpr int kDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};  // Feb: leap years
  return kDays[month];
}

}  // namespace

Result<CronSpec> CronSpec::Parse(const std::string& text, const std::string& time_zone) {
  auto fail = [&](const std::string& why) { return InvalidArgument("bad cron spec \"" + text + "\": " + why); };

  std::string expanded = text;
  {
    std::string trimmed = text;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
    if (!trimmed.empty() && trimmed[0] == '@') {
      const Macro* found = nullptr;
      for (const Macro& m : kMacros) {
        if (Lower(trimmed) == m.name) found = &m;
      }
      if (found == nullptr) return fail("unknown macro \"" + trimmed + "\"");
      expanded = found->expansion;
    }
  }

  std::istringstream in(expanded);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5 && fields.size() != 6) {
    return fail("expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got " +
                std::to_string(fields.size()));
  }

  CronSpec spec;
  spec.text_ = text;
  spec.time_zone_ = time_zone.empty() ? "UTC" : time_zone;
  // Zone names are paths below /usr/share/zoneinfo to cctz: allow names only.
  bool name_like = spec.time_zone_.find("..") == std::string::npos && spec.time_zone_[0] != '/' &&
                   spec.time_zone_.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") ==
                       std::string::npos;
  if (!name_like || !cctz::load_time_zone(spec.time_zone_, &spec.zone_)) {
    return InvalidArgument("unknown time zone \"" + spec.time_zone_ +
                           "\": not an IANA zone name (like Europe/Berlin) known to this host");
  }
  if (fields.size() == 6) {
    Status s = ParseField(fields[0], kSecondField, &spec.seconds_);
    if (!s.ok()) return fail(std::string(kSecondField.name) + ": " + s.message());
    spec.has_seconds_ = true;
    fields.erase(fields.begin());
  }
  uint64_t bits[5];
  for (int i = 0; i < 5; ++i) {
    Status s = ParseField(fields[i], kFields[i], &bits[i]);
    if (!s.ok()) return fail(std::string(kFields[i].name) + ": " + s.message());
  }
  spec.minutes_ = bits[0];
  spec.hours_ = static_cast<uint32_t>(bits[1]);
  spec.days_of_month_ = static_cast<uint32_t>(bits[2]);
  spec.months_ = static_cast<uint32_t>(bits[3]);
  // Fold 7 (Sunday, the Vixie alias) onto 0 so weekday lookups use tm_wday directly.
  spec.days_of_week_ = static_cast<uint32_t>((bits[4] & 0x7f) | (Bit(bits[4], 7) ? 1u : 0u));
  spec.day_of_month_restricted_ = fields[2][0] != '*';
  spec.day_of_week_restricted_ = fields[4][0] != '*';

  // With the either-day rule every weekday comes round in any month, so only
  // a day-of-month that no chosen month has (Feb 30) can make a spec dead.
  if (!(spec.day_of_month_restricted_ && spec.day_of_week_restricted_)) {
    bool possible = false;
    for (int month = 1; month <= 12 && !possible; ++month) {
      if (!Bit(spec.months_, month)) continue;
      for (int day = 1; day <= MaxDaysIn(month) && !possible; ++day) possible = Bit(spec.days_of_month_, day);
    }
    if (!possible) return fail("day-of-month: no chosen month has such a day, so it would never fire");
  }
  return spec;
}

bool CronSpec::DayMatches(int day_of_month, int day_of_week) const {
  const bool dom = Bit(days_of_month_, day_of_month);
  const bool dow = Bit(days_of_week_, day_of_week);
  // Vixie cron: a `*`-led field defers to the other; two restricted fields widen.
  if (day_of_month_restricted_ && day_of_week_restricted_) return dom || dow;
  return dom && dow;
}

bool CronSpec::Matches(std::time_t t) const {
  const cctz::civil_second cs = cctz::convert(AbsoluteOf(t), zone_);
  return Bit(months_, cs.month()) && DayMatches(cs.day(), WeekdayOf(cs)) && Bit(hours_, cs.hour()) &&
         Bit(minutes_, cs.minute()) && (!has_seconds_ || Bit(seconds_, cs.second()));
}

std::time_t CronSpec::Next(std::time_t after) const {
  // Walk the zone's civil time from the second after `after`, skipping
  // whole months, days, hours and minutes that cannot match before stepping
  // seconds: a few thousand steps at most, even for a Feb-29-only spec. A
  // 5-field spec fires at second 0 (seconds_ is bit 0 alone).
  cctz::civil_second cs = cctz::convert(AbsoluteOf(after + 1), zone_);
  const cctz::year_t give_up_year = cs.year() + 10;
  while (cs.year() <= give_up_year) {
    if (!Bit(months_, cs.month())) {
      cs = cctz::civil_second(cctz::civil_month(cs) + 1);
    } else if (!DayMatches(cs.day(), WeekdayOf(cs))) {
      cs = cctz::civil_second(cctz::civil_day(cs) + 1);
    } else if (!Bit(hours_, cs.hour())) {
      cs = cctz::civil_second(cctz::civil_hour(cs) + 1);
    } else if (!Bit(minutes_, cs.minute())) {
      cs = cctz::civil_second(cctz::civil_minute(cs) + 1);
    } else if (!Bit(seconds_, cs.second())) {
      cs += 1;
    } else {
      // A matching local time: skipped by a DST change it does not exist;
      // repeated, only its first occurrence counts (see the header).
      const cctz::time_zone::civil_lookup lookup = zone_.lookup(cs);
      if (lookup.kind != cctz::time_zone::civil_lookup::SKIPPED) {
        std::time_t t = UnixOf(lookup.pre);
        if (t > after) return t;
      }
      cs += 1;
    }
  }
  return -1;  // unreachable for specs Parse accepted (see Parse's dead-spec check)
}

}  // namespace paasmaker::model
