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
// Times are UTC. A CronSpec is an immutable value; share it freely.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "core/result.h"

namespace paasmaker::model {

class CronSpec {
 public:
  // Parses `text`. Errors name the field at fault:
  //   bad cron spec "61 * * * *": minute: 61 is out of range 0-59
  // Specs that can never fire (`0 0 31 2 *`) are rejected too.
  static Result<CronSpec> Parse(const std::string& text);

  // The first fire time strictly after `after` (unix seconds; a whole minute
  // for a 5-field spec).
  // Every spec Parse accepts fires at least once every eight years (Feb 29),
  // so this always finds one; -1 would mean a broken invariant.
  std::time_t Next(std::time_t after) const;

  // Whether the schedule fires in the minute containing `t` (5 fields), or
  // at the second `t` (6 fields).
  bool Matches(std::time_t t) const;

  // The text as given to Parse.
  const std::string& text() const { return text_; }

 private:
  CronSpec() = default;
  bool DayMatches(int day_of_month, int day_of_week) const;

  std::string text_;
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
