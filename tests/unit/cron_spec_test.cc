#include "model/cron_spec.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

namespace paasmaker::model {
namespace {

std::time_t Utc(int year, int month, int day, int hour, int minute, int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return timegm(&tm);
}

// "2024-03-11 03:00 Mon": readable failures.
std::string Show(std::time_t t) {
  if (t < 0) return "never";
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M %a", &tm);
  return buf;
}

CronSpec Spec(const std::string& text) {
  auto spec = CronSpec::Parse(text);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : *CronSpec::Parse("* * * * *");
}

std::string ParseError(const std::string& text) {
  auto spec = CronSpec::Parse(text);
  EXPECT_FALSE(spec.ok()) << "accepted \"" << text << "\"";
  return spec.ok() ? "" : spec.status().message();
}

// 2024-03-10 is a Sunday.
TEST(CronSpecTest, EveryFiveMinutes) {
  CronSpec spec = Spec("*/5 * * * *");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 10, 10, 2, 30))), "2024-03-10 10:05 Sun");
  // Strictly after: a fire time itself is not returned again.
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 10, 10, 5))), "2024-03-10 10:10 Sun");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 10, 23, 58))), "2024-03-11 00:00 Mon");
  EXPECT_EQ(spec.text(), "*/5 * * * *");
}

TEST(CronSpecTest, WeeklyOnMondayByName) {
  CronSpec spec = Spec("0 3 * * mon");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 10, 12, 0))), "2024-03-11 03:00 Mon");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 11, 3, 0))), "2024-03-18 03:00 Mon");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 11, 2, 59, 59))), "2024-03-11 03:00 Mon");
}

TEST(CronSpecTest, YearlyByMonthName) {
  CronSpec spec = Spec("30 2 1 jan *");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 10, 12, 0))), "2025-01-01 02:30 Wed");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 12, 31, 23, 59))), "2025-01-01 02:30 Wed");
}

TEST(CronSpecTest, RangesListsAndSteps) {
  CronSpec office = Spec("0,30 9-17 * * 1-5");
  EXPECT_EQ(Show(office.Next(Utc(2024, 3, 8, 17, 30))), "2024-03-11 09:00 Mon");  // Friday evening
  EXPECT_EQ(Show(office.Next(Utc(2024, 3, 11, 9, 0))), "2024-03-11 09:30 Mon");

  CronSpec stepped = Spec("15 10-14/2 * * *");
  EXPECT_EQ(Show(stepped.Next(Utc(2024, 3, 10, 10, 15))), "2024-03-10 12:15 Sun");
  EXPECT_EQ(Show(stepped.Next(Utc(2024, 3, 10, 14, 15))), "2024-03-11 10:15 Mon");

  CronSpec quarterly = Spec("0 0 1 jan,APR,Jul,oct *");
  EXPECT_EQ(Show(quarterly.Next(Utc(2024, 4, 1, 0, 0))), "2024-07-01 00:00 Mon");
}

TEST(CronSpecTest, SundayIsZeroOrSeven) {
  EXPECT_EQ(Show(Spec("0 0 * * 7").Next(Utc(2024, 3, 11, 0, 0))), "2024-03-17 00:00 Sun");
  EXPECT_EQ(Show(Spec("0 0 * * 0").Next(Utc(2024, 3, 11, 0, 0))), "2024-03-17 00:00 Sun");
  EXPECT_EQ(Show(Spec("0 0 * * sat-sun").Next(Utc(2024, 3, 11, 0, 0))), "2024-03-16 00:00 Sat");
}

TEST(CronSpecTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // Vixie cron: the 13th OR any Friday; the 13th (a Wednesday) comes first.
  CronSpec spec = Spec("0 0 13 * fri");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 10, 0, 0))), "2024-03-13 00:00 Wed");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 13, 0, 0))), "2024-03-15 00:00 Fri");
  // A `*`-led day-of-month defers to the weekday: odd days that are Mondays.
  EXPECT_EQ(Show(Spec("0 0 */2 * mon").Next(Utc(2024, 3, 10, 0, 0))), "2024-03-11 00:00 Mon");
  EXPECT_EQ(Show(Spec("0 0 */2 * mon").Next(Utc(2024, 3, 11, 0, 0))), "2024-03-25 00:00 Mon");
}

TEST(CronSpecTest, LeapDayWaitsForALeapYear) {
  EXPECT_EQ(Show(Spec("0 0 29 feb *").Next(Utc(2024, 3, 1, 0, 0))), "2028-02-29 00:00 Tue");
}

TEST(CronSpecTest, Macros) {
  EXPECT_EQ(Show(Spec("@daily").Next(Utc(2024, 3, 10, 12, 0))), "2024-03-11 00:00 Mon");
  EXPECT_EQ(Show(Spec("@hourly").Next(Utc(2024, 3, 10, 12, 0))), "2024-03-10 13:00 Sun");
  EXPECT_EQ(Show(Spec("@weekly").Next(Utc(2024, 3, 10, 12, 0))), "2024-03-17 00:00 Sun");
  EXPECT_EQ(Show(Spec("@yearly").Next(Utc(2024, 3, 10, 12, 0))), "2025-01-01 00:00 Wed");
}

TEST(CronSpecTest, MatchesTheMinute) {
  CronSpec spec = Spec("*/15 2 * * *");
  EXPECT_TRUE(spec.Matches(Utc(2024, 3, 10, 2, 30, 59)));
  EXPECT_FALSE(spec.Matches(Utc(2024, 3, 10, 2, 31)));
  EXPECT_FALSE(spec.Matches(Utc(2024, 3, 10, 3, 30)));
}

TEST(CronSpecTest, RejectsOutOfRangeNamingTheField) {
  EXPECT_EQ(ParseError("61 * * * *"), "bad cron spec \"61 * * * *\": minute: 61 is out of range 0-59");
  EXPECT_NE(ParseError("* 24 * * *").find("hour: 24 is out of range 0-23"), std::string::npos);
  EXPECT_NE(ParseError("* * 0 * *").find("day-of-month: 0 is out of range 1-31"), std::string::npos);
  EXPECT_NE(ParseError("* * * 13 *").find("month: 13 is out of range 1-12"), std::string::npos);
  EXPECT_NE(ParseError("* * * * 8").find("day-of-week: 8 is out of range 0-7"), std::string::npos);
  EXPECT_NE(ParseError("1-99999 * * * *").find("minute:"), std::string::npos);
}

TEST(CronSpecTest, RejectsWrongFieldCount) {
  EXPECT_EQ(ParseError("* * *"),
            "bad cron spec \"* * *\": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 3");
  EXPECT_NE(ParseError("").find("got 0"), std::string::npos);
  EXPECT_NE(ParseError("* * * * * * *").find("got 7"), std::string::npos);
}

TEST(CronSpecTest, ASixthLeadingFieldGivesTheSecond) {
  CronSpec spec = Spec("*/10 * * * * *");
  EXPECT_EQ(spec.Next(Utc(2024, 3, 10, 10, 2, 30)), Utc(2024, 3, 10, 10, 2, 40));
  EXPECT_EQ(spec.Next(Utc(2024, 3, 10, 10, 2, 55)), Utc(2024, 3, 10, 10, 3, 0));
  EXPECT_TRUE(spec.Matches(Utc(2024, 3, 10, 10, 2, 40)));
  EXPECT_FALSE(spec.Matches(Utc(2024, 3, 10, 10, 2, 41)));
  EXPECT_EQ(Spec("30 0 12 * * *").Next(Utc(2024, 3, 10, 12, 0, 31)), Utc(2024, 3, 11, 12, 0, 30));
  // Five fields still fire at second 0 only.
  EXPECT_EQ(Spec("* * * * *").Next(Utc(2024, 3, 10, 10, 2, 0)), Utc(2024, 3, 10, 10, 3, 0));
  EXPECT_NE(ParseError("60 * * * * *").find("second: 60 is out of range 0-59"), std::string::npos);
}

TEST(CronSpecTest, RejectsZeroAndBadSteps) {
  EXPECT_EQ(ParseError("*/0 * * * *"),
            "bad cron spec \"*/0 * * * *\": minute: step must be a whole number of at least 1 in \"*/0\"");
  EXPECT_NE(ParseError("*/x * * * *").find("minute: step"), std::string::npos);
  EXPECT_NE(ParseError("5/10 * * * *").find("minute: a step needs * or a range"), std::string::npos);
}

TEST(CronSpecTest, RejectsOtherMistakes) {
  EXPECT_NE(ParseError("* * * foo *").find("month: \"foo\" is neither a number nor a name"), std::string::npos);
  EXPECT_NE(ParseError("* * * * funday").find("day-of-week:"), std::string::npos);
  EXPECT_NE(ParseError("mon * * * *").find("minute: \"mon\" is not a number"), std::string::npos);
  EXPECT_NE(ParseError("30-10 * * * *").find("minute: range \"30-10\" runs backwards"), std::string::npos);
  EXPECT_NE(ParseError("1,,2 * * * *").find("minute: empty item"), std::string::npos);
  EXPECT_NE(ParseError("1, * * * *").find("minute: empty item"), std::string::npos);
  EXPECT_NE(ParseError("0 0 30 feb *").find("would never fire"), std::string::npos);
  EXPECT_NE(ParseError("@reboot").find("unknown macro"), std::string::npos);
  // Feb 30 is fine when a weekday may fire instead (either-day rule).
  EXPECT_TRUE(CronSpec::Parse("0 0 30 feb mon").ok());
}

// Time zones: the fields are read in the zone's local time.
CronSpec ZonedSpec(const std::string& text, const std::string& zone) {
  auto spec = CronSpec::Parse(text, zone);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : *CronSpec::Parse("* * * * *");
}

TEST(CronSpecTest, DailyInAZoneFiresAtItsLocalTime) {
  // 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 UTC in summer (CEST).
  CronSpec spec = ZonedSpec("0 9 * * *", "Europe/Berlin");
  EXPECT_EQ(spec.time_zone(), "Europe/Berlin");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 1, 15, 0, 0))), "2024-01-15 08:00 Mon");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 7, 15, 0, 0))), "2024-07-15 07:00 Mon");
  EXPECT_TRUE(spec.Matches(Utc(2024, 7, 15, 7, 0)));
  EXPECT_FALSE(spec.Matches(Utc(2024, 7, 15, 9, 0)));
  // The day is the zone's too: Monday 00:30 in Tokyo is Sunday 15:30 UTC.
  CronSpec monday = ZonedSpec("30 0 * * mon", "Asia/Tokyo");
  EXPECT_EQ(Show(monday.Next(Utc(2024, 3, 10, 0, 0))), "2024-03-10 15:30 Sun");
}

TEST(CronSpecTest, ASkippedLocalTimeDoesNotFireThatDay) {
  // Berlin skips 02:00-03:00 on 2024-03-31: 02:30 does not exist that day.
  CronSpec spec = ZonedSpec("30 2 * * *", "Europe/Berlin");
  EXPECT_EQ(Show(spec.Next(Utc(2024, 3, 30, 12, 0))), "2024-04-01 00:30 Mon");  // 02:30 CEST
  // An hourly cron fires 23 times that day, each once.
  CronSpec hourly = ZonedSpec("0 * * * *", "Europe/Berlin");
  int fires = 0;
  for (std::time_t t = hourly.Next(Utc(2024, 3, 30, 22, 59)); t < Utc(2024, 3, 31, 22, 0); t = hourly.Next(t)) {
    ++fires;
  }
  EXPECT_EQ(fires, 23);
}

TEST(CronSpecTest, ARepeatedLocalTimeFiresOnce) {
  // Berlin repeats 02:00-03:00 on 2024-10-27 (00:00-01:00 UTC): 02:30 fires
  // at its first occurrence only.
  CronSpec spec = ZonedSpec("30 2 * * *", "Europe/Berlin");
  std::time_t first = spec.Next(Utc(2024, 10, 26, 12, 0));
  EXPECT_EQ(Show(first), "2024-10-27 00:30 Sun");
  EXPECT_EQ(Show(spec.Next(first)), "2024-10-28 01:30 Mon");
  CronSpec hourly = ZonedSpec("0 * * * *", "Europe/Berlin");
  int fires = 0;
  for (std::time_t t = hourly.Next(Utc(2024, 10, 26, 21, 59)); t < Utc(2024, 10, 27, 23, 0); t = hourly.Next(t)) {
    ++fires;
  }
  EXPECT_EQ(fires, 24);  // 25 hours that day, 24 local hours
}

TEST(CronSpecTest, UnknownTimeZonesAreRefusedByName) {
  for (const char* zone : {"Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe Berlin"}) {
    auto spec = CronSpec::Parse("* * * * *", zone);
    ASSERT_FALSE(spec.ok()) << zone;
    EXPECT_NE(spec.status().message().find("unknown time zone"), std::string::npos) << spec.status().ToString();
    EXPECT_NE(spec.status().message().find(zone), std::string::npos) << spec.status().ToString();
  }
  EXPECT_TRUE(CronSpec::Parse("* * * * *", "UTC").ok());
  EXPECT_TRUE(CronSpec::Parse("* * * * *", "").ok());  // UTC
}

}  // namespace
}  // namespace paasmaker::model
