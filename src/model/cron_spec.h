// A parsed 5-field cron schedule, as written in a manifest's `crons[].runspec`
// (SPEC §8.5).
//
//   ┌──────── minute        0-59
//   │ ┌────── hour          0-23
//   │ │ ┌──── day of month  1-31
//   │ │ │ ┌── month         1-12 or jan-dec
//   │ │ │ │ ┌ day of week   0-7 or sun-sat (0 and 7 are Sunday)
//   * * * * *
//
// Each field is `*`, a number or name, a range `a-b`, any of those with a step
// (`*/5`, `10-40/10`), or a comma-separated list of them (`1,15,30-35`).
// The macros @yearly/@annually, @monthly, @weekly, @daily/@midnight and
// @hourly stand for their usual 5-field forms.
//
// Day matching follows Vixie cron, which the original's cronex also used:
// when both day-of-month and day-of-week are restricted (written without a
// leading `*`), a day matches if EITHER matches — `0 0 1 * mon` fires on the
// 1st and on every Monday.
//
// A sixth, leading field gives the second (0-59), as in Quartz and Spring:
// `*/10 * * * * *` fires every ten seconds. Without it a spec fires at
// second 0 of each matching minute.
//
// Fields are read in a time zone: UTC unless the manifest names an IANA
// zone (`timezone: Europe/Berlin`, from the system's /usr/share/zoneinfo,
// Debian's tzdata). Around daylight-saving changes a local time that the
// change skips does not fire that day, and one it repeats fires once, at
// its first occurrence — so a daily job never runs twice or vanishes for
// more than the skipped hour's slots.
//
// A CronSpec is an immutable value; share it freely.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include <cctz/time_zone.h>

#include "core/result.h"

namespace paasmaker::model {

class CronSpec {
 public:
  // Parses `text`. Errors name the field at fault:
  //   bad cron spec "61 * * * *": minute: 61 is out of range 0-59
  // Specs that can never fire (`0 0 31 2 *`) are rejected too, and a
  // `time_zone` that is not a known IANA zone name:
  //   unknown time zone "Mars/Olympus": not an IANA zone name (like Europe/Berlin) known to this host
  static Result<CronSpec> Parse(const std::string& text, const std::string& time_zone = "UTC");

  // The first fire time strictly after `after` (unix seconds; a whole minute
  // for a 5-field spec).
  // Every spec Parse accepts fires at least once every eight years (Feb 29),
  // so this always finds one; -1 would mean a broken invariant.
  std::time_t Next(std::time_t after) const;

  // Whether the schedule fires in the minute containing `t` (5 fields), or
  // at the second `t` (6 fields).
  bool Matches(std::time_t t) const;

  // The text and time zone as given to Parse.
  const std::string& text() const { return text_; }
  const std::string& time_zone() const { return time_zone_; }

 private:
  CronSpec() = default;
  bool DayMatches(int day_of_month, int day_of_week) const;

  std::string text_;
  std::string time_zone_ = "UTC";
  cctz::time_zone zone_ = cctz::utc_time_zone();
  uint64_t seconds_ = 1;       // bit n: second n; a 5-field spec fires at second 0
  bool has_seconds_ = false;   // written with the 6th (leading) field
  uint64_t minutes_ = 0;       // bit n: minute n
  uint32_t hours_ = 0;         // bit n: hour n
  uint32_t days_of_month_ = 0; // bit n: day n (1-31)
  uint32_t months_ = 0;        // bit n: month n (1-12)
  uint32_t days_of_week_ = 0;  // bit n: weekday n (0 = Sunday … 6)
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

}  // namespace paasmaker::model
