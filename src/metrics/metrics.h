// Metrics: counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format 0.0.4 for a node's GET /metrics
// (metrics_route.h, issue 15).
//
// Why our own: Debian 12's prometheus-cpp (1.0.1) was tried first. Its text
// serializer does not escape HELP text (promtool rejects its output for a
// help with a backslash), and its -dev package drags in civetweb and
// libcurl's development files for the pull and push parts we do not use.
// What a node needs is small: this file.
//
// The model:
//  - A Registry holds metric families by name. AddCounter/AddGauge/
//    AddHistogram create a family once and return it; asking again for a
//    name already registered with the same kind (and buckets) returns the
//    same family, so a role that is started twice in one process shares it.
//    A name registered with another kind, or an invalid name, is a
//    programming error and aborts (names are constants in code).
//  - A family holds one series per label set. Label values are anything
//    (escaped when rendered); label names must be valid Prometheus names
//    ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__", never "le" on a
//    histogram): an invalid one aborts.
//  - Values that already live elsewhere (nodes by state in SQL, instances
//    in a heart's catalog) are not copied into gauges as they change: a
//    collector (AddCollector) computes them when /metrics is scraped and
//    writes them into a Snapshot.
//  - Render() is the whole exposition: families sorted by name, series by
//    labels; HELP and TYPE for every family (also one without series yet);
//    histograms as _bucket{le=...} (cumulative, ending with le="+Inf"),
//    _sum and _count.
//
// Threads: everything is thread safe. A family has one mutex (an update is
// a map lookup and an add under it: cheap next to what is being counted).
// Collectors run on the scraping thread, one Render at a time, and must not
// block long. The Registry must outlive every family reference and every
// Collection handle; a Collection's destructor waits for a Render that is
// calling it, so a role drops its Collection before the state it reads.
// Never drop a Collection from inside a collector (it would wait for itself).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace paasmaker::metrics {

// Label name → value. A std::map: one order for the same set, whatever
// order the caller wrote it in.
using Labels = std::map<std::string, std::string>;

// Histogram bucket upper bounds, in seconds.
// Request latencies: 5 ms .. 10 s.
const std::vector<double>& LatencyBuckets();
// Longer work (job trees, package fetches): 0.1 s .. 30 min.
const std::vector<double>& DurationBuckets();

// What every family is: a name, a help text, and its series rendered.
class Family {
 public:
  Family(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  virtual const char* type() const = 0;  // "counter", "gauge", "histogram"
  // Appends the HELP and TYPE lines and every series.
  virtual void Render(std::string* out) const = 0;

 protected:
  const std::string name_;
  const std::string help_;
};

// Only goes up. Add with a negative amount is ignored (it would break every
// rate() computed from it).
class Counter : public Family {
 public:
  using Family::Family;
  const char* type() const override { return "counter"; }
  void Render(std::string* out) const override;

  void Add(const Labels& labels, double amount = 1);
  void Increment(const Labels& labels = {}) { Add(labels, 1); }
  // 0 for a label set never counted.
  double Value(const Labels& labels = {}) const;

 private:
  mutable std::mutex mutex_;
  std::map<Labels, double> values_;
};

class Gauge : public Family {
 public:
  using Family::Family;
  const char* type() const override { return "gauge"; }
  void Render(std::string* out) const override;

  void Set(const Labels& labels, double value);
  void Add(const Labels& labels, double amount);
  double Value(const Labels& labels = {}) const;

 private:
  mutable std::mutex mutex_;
  std::map<Labels, double> values_;
};

class Histogram : public Family {
 public:
  // `bounds`: increasing, finite upper bounds; +Inf is implied.
  Histogram(std::string name, std::string help, std::vector<double> bounds);
  const char* type() const override { return "histogram"; }
  void Render(std::string* out) const override;

  void Observe(const Labels& labels, double value);
  // Observations a caller already sorted into these buckets, in bulk:
  // counts[i] fell into (bounds[i-1], bounds[i]], the last element counts
  // those above every bound (so counts.size() == bounds().size() + 1;
  // another size is ignored). `sum` is the sum of their values.
  void ObserveCounts(const Labels& labels, const std::vector<uint64_t>& counts, double sum);
  // Which element of ObserveCounts' `counts` a value belongs to.
  size_t BucketOf(double value) const;

  const std::vector<double>& bounds() const { return bounds_; }
  // For tests: observations of a label set, and their sum.
  uint64_t Count(const Labels& labels = {}) const;
  double Sum(const Labels& labels = {}) const;

 private:
  struct Series {
    std::vector<uint64_t> counts;  // per bucket, not cumulative; last: +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Series& SeriesLocked(const Labels& labels);

  const std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<Labels, Series> series_;
};

// What collectors write at scrape time: gauges and counters whose values
// are read from elsewhere (counters that another part keeps, e.g. in an
// atomic). One Render's worth; the same name may be written many times
// with different labels. A name the Registry already has is skipped (and
// logged) when rendered: one family, one source.
class Snapshot {
 public:
  void Gauge(const std::string& name, const std::string& help, const Labels& labels, double value);
  void Counter(const std::string& name, const std::string& help, const Labels& labels, double value);

 private:
  friend class Registry;
  struct Values {
    std::string help;
    bool counter = false;
    std::map<Labels, double> values;
  };
  void Write(const std::string& name, const std::string& help, bool counter, const Labels& labels, double value);
  std::map<std::string, Values> families_;
};

class Registry;

// Keeps a collector registered while it lives (move only).
class Collection {
 public:
  Collection() = default;
  Collection(Collection&& other) noexcept;
  Collection& operator=(Collection&& other) noexcept;
  ~Collection();
  // Unregisters now; waits for a Render that is calling the collector.
  void Reset();

 private:
  friend class Registry;
  Collection(Registry* registry, uint64_t id) : registry_(registry), id_(id) {}
  Registry* registry_ = nullptr;
  uint64_t id_ = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(const std::string& name, const std::string& help);
  Gauge& AddGauge(const std::string& name, const std::string& help);
  Histogram& AddHistogram(const std::string& name, const std::string& help, const std::vector<double>& bounds);

  // `collect` runs at every Render until the returned Collection is gone.
  [[nodiscard]] Collection AddCollector(std::function<void(Snapshot&)> collect);

  // The exposition (text format 0.0.4).
  std::string Render() const;

 private:
  friend class Collection;
  void RemoveCollector(uint64_t id);
  template <typename T, typename... Args>
  T& Add(const std::string& name, const std::string& help, Args&&... args);

  mutable std::mutex families_mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
  // Held while collectors run, so RemoveCollector waits for a running one.
  mutable std::mutex collectors_mutex_;
  std::map<uint64_t, std::function<void(Snapshot&)>> collectors_;
  uint64_t next_collector_ = 1;
};

// The text format's building blocks (text_format.cc), for the families and
// the unit tests.
namespace text {
// A sample value: integers without a fraction, others in the shortest form
// that reads back the same; "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);
// A label value between the quotes: \ " and newline escaped.
std::string EscapeLabelValue(const std::string& value);
// HELP text: \ and newline escaped.
std::string EscapeHelp(const std::string& help);
// {a="x",b="y"} (nothing for no labels), with `extra` (le="...") last.
std::string LabelSet(const Labels& labels, const std::string& extra_name = "", const std::string& extra_value = "");
// "# HELP ...\n# TYPE ...\n".
void AppendHeader(std::string* out, const std::string& name, const std::string& help, const char* type);
// Valid metric and label names.
bool IsMetricName(const std::string& name);
bool IsLabelName(const std::string& name);
}  // namespace text

}  // namespace paasmaker::metrics
