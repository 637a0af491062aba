#include "metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/log.h"

namespace paasmaker::metrics {

namespace {

// Names are constants in code: a bad one is a bug to fix, not input to refuse.
[[noreturn]] void BrokenInvariant(const std::string& what) {
  PM_LOG_ERROR("metrics: {}", what);
  std::abort();
}

void CheckLabels(const std::string& family, const Labels& labels, bool histogram) {
  for (const auto& [name, value] : labels) {
    if (!text::IsLabelName(name) || (histogram && name == "le")) {
      BrokenInvariant("invalid label name \"" + name + "\" on " + family);
    }
  }
}

// One line per series: name{labels} value.
void AppendValues(std::string* out, const std::string& name, const std::map<Labels, double>& values) {
  for (const auto& [labels, value] : values) {
    *out += name + text::LabelSet(labels) + " " + text::FormatValue(value) + "\n";
  }
}

}  // namespace

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

const std::vector<double>& DurationBuckets() {
  static const std::vector<double> buckets = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};
  return buckets;
}

// --- Counter ------------------------------------------------------------------

void Counter::Add(const Labels& labels, double amount) {
  if (!(amount >= 0)) return;  // also NaN
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  if (it == values_.end()) {
    CheckLabels(name_, labels, false);
    it = values_.emplace(labels, 0.0).first;
  }
  it->second += amount;
}

double Counter::Value(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Counter::Render(std::string* out) const {
  text::AppendHeader(out, name_, help_, type());
  std::lock_guard<std::mutex> lock(mutex_);
  AppendValues(out, name_, values_);
}

// --- Gauge --------------------------------------------------------------------

void Gauge::Set(const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  if (it == values_.end()) {
    CheckLabels(name_, labels, false);
    it = values_.emplace(labels, 0.0).first;
  }
  it->second = value;
}

void Gauge::Add(const Labels& labels, double amount) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  if (it == values_.end()) {
    CheckLabels(name_, labels, false);
    it = values_.emplace(labels, 0.0).first;
  }
  it->second += amount;
}

double Gauge::Value(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Gauge::Render(std::string* out) const {
  text::AppendHeader(out, name_, help_, type());
  std::lock_guard<std::mutex> lock(mutex_);
  AppendValues(out, name_, values_);
}

// --- Histogram ----------------------------------------------------------------

Histogram::Histogram(std::string name, std::string help, std::vector<double> bounds)
    : Family(std::move(name), std::move(help)), bounds_(std::move(bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      BrokenInvariant("histogram " + name_ + ": bucket bounds must be finite and increasing");
    }
  }
}

size_t Histogram::BucketOf(double value) const {
  // The first bound >= value: buckets are "less than or equal" (le).
  return static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
}

Histogram::Series& Histogram::SeriesLocked(const Labels& labels) {
  auto it = series_.find(labels);
  if (it == series_.end()) {
    CheckLabels(name_, labels, true);
    it = series_.emplace(labels, Series{std::vector<uint64_t>(bounds_.size() + 1, 0), 0, 0}).first;
  }
  return it->second;
}

void Histogram::Observe(const Labels& labels, double value) {
  if (std::isnan(value)) return;
  size_t bucket = BucketOf(value);
  std::lock_guard<std::mutex> lock(mutex_);
  Series& series = SeriesLocked(labels);
  ++series.counts[bucket];
  series.sum += value;
  ++series.count;
}

void Histogram::ObserveCounts(const Labels& labels, const std::vector<uint64_t>& counts, double sum) {
  if (counts.size() != bounds_.size() + 1) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Series& series = SeriesLocked(labels);
  for (size_t i = 0; i < counts.size(); ++i) {
    series.counts[i] += counts[i];
    series.count += counts[i];
  }
  series.sum += sum;
}

uint64_t Histogram::Count(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

double Histogram::Sum(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.sum;
}

void Histogram::Render(std::string* out) const {
  text::AppendHeader(out, name_, help_, type());
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [labels, series] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < series.counts.size(); ++i) {
      cumulative += series.counts[i];
      std::string le = i < bounds_.size() ? text::FormatValue(bounds_[i]) : "+Inf";
      *out += name_ + "_bucket" + text::LabelSet(labels, "le", le) + " " + std::to_string(cumulative) + "\n";
    }
    *out += name_ + "_sum" + text::LabelSet(labels) + " " + text::FormatValue(series.sum) + "\n";
    *out += name_ + "_count" + text::LabelSet(labels) + " " + std::to_string(series.count) + "\n";
  }
}

// --- Snapshot -----------------------------------------------------------------

void Snapshot::Write(const std::string& name, const std::string& help, bool counter, const Labels& labels,
                     double value) {
  if (!text::IsMetricName(name)) BrokenInvariant("invalid metric name \"" + name + "\"");
  CheckLabels(name, labels, false);
  Values& family = families_[name];
  if (family.values.empty()) {
    family.help = help;
    family.counter = counter;
  } else if (family.counter != counter) {
    BrokenInvariant(name + " written as a counter and as a gauge");
  }
  family.values[labels] = value;
}

void Snapshot::Gauge(const std::string& name, const std::string& help, const Labels& labels, double value) {
  Write(name, help, false, labels, value);
}

void Snapshot::Counter(const std::string& name, const std::string& help, const Labels& labels, double value) {
  Write(name, help, true, labels, value);
}

// --- Collection ---------------------------------------------------------------

Collection::Collection(Collection&& other) noexcept : registry_(other.registry_), id_(other.id_) {
  other.registry_ = nullptr;
}

Collection& Collection::operator=(Collection&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = other.registry_;
    id_ = other.id_;
    other.registry_ = nullptr;
  }
  return *this;
}

Collection::~Collection() { Reset(); }

void Collection::Reset() {
  if (registry_ != nullptr) registry_->RemoveCollector(id_);
  registry_ = nullptr;
}

// --- Registry -----------------------------------------------------------------

template <typename T, typename... Args>
T& Registry::Add(const std::string& name, const std::string& help, Args&&... args) {
  if (!text::IsMetricName(name)) BrokenInvariant("invalid metric name \"" + name + "\"");
  std::lock_guard<std::mutex> lock(families_mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(name, std::make_unique<T>(name, help, std::forward<Args>(args)...)).first;
  }
  T* family = dynamic_cast<T*>(it->second.get());
  if (family == nullptr) BrokenInvariant(name + " is already registered as a " + it->second->type());
  return *family;
}

Counter& Registry::AddCounter(const std::string& name, const std::string& help) { return Add<Counter>(name, help); }

Gauge& Registry::AddGauge(const std::string& name, const std::string& help) { return Add<Gauge>(name, help); }

Histogram& Registry::AddHistogram(const std::string& name, const std::string& help,
                                  const std::vector<double>& bounds) {
  Histogram& family = Add<Histogram>(name, help, bounds);
  if (family.bounds() != bounds) BrokenInvariant(name + " is already registered with other buckets");
  return family;
}

Collection Registry::AddCollector(std::function<void(Snapshot&)> collect) {
  std::lock_guard<std::mutex> lock(collectors_mutex_);
  uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return Collection(this, id);
}

void Registry::RemoveCollector(uint64_t id) {
  std::lock_guard<std::mutex> lock(collectors_mutex_);
  collectors_.erase(id);
}

std::string Registry::Render() const {
  Snapshot snapshot;
  {
    std::lock_guard<std::mutex> lock(collectors_mutex_);
    for (const auto& [id, collect] : collectors_) collect(snapshot);
  }
  // Both sources in one name order; a family is rendered whole, so its
  // series stay together as the format requires.
  std::map<std::string, const Family*> families;
  {
    std::lock_guard<std::mutex> lock(families_mutex_);
    for (const auto& [name, family] : families_) families.emplace(name, family.get());
  }
  std::string out;
  auto snapshot_it = snapshot.families_.begin();
  auto render_snapshot = [&](const std::string& name, const Snapshot::Values& values) {
    if (families.count(name) > 0) {
      PM_LOG_ERROR("metrics: {} is both a registered family and written by a collector; the collector's is left out",
                   name);
      return;
    }
    text::AppendHeader(&out, name, values.help, values.counter ? "counter" : "gauge");
    AppendValues(&out, name, values.values);
  };
  for (const auto& [name, family] : families) {
    for (; snapshot_it != snapshot.families_.end() && snapshot_it->first < name; ++snapshot_it) {
      render_snapshot(snapshot_it->first, snapshot_it->second);
    }
    if (snapshot_it != snapshot.families_.end() && snapshot_it->first == name) {
      render_snapshot(snapshot_it->first, snapshot_it->second);  // logs the clash
      ++snapshot_it;
    }
    family->Render(&out);
  }
  for (; snapshot_it != snapshot.families_.end(); ++snapshot_it) render_snapshot(snapshot_it->first, snapshot_it->second);
  return out;
}

}  // namespace paasmaker::metrics
