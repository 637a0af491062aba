// PacemakerJob: the shape of every job plugin that runs on the pacemaker
// (lifecycle, health). It refuses to run on a node without the pacemaker
// role (ctx null: the type is registered everywhere so any node validates
// any tree), and turns the Result of Run into the job's outcome: a value is
// the SUCCESS summary, an error is logged and becomes the FAILED summary.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "jobs/job_context.h"
#include "jobs/job_plugin.h"

namespace paasmaker::pacemaker {

struct PacemakerContext;

class PacemakerJob : public jobs::JobPlugin {
 public:
  PacemakerJob(std::string name, PacemakerContext* ctx) : name_(std::move(name)), ctx_(ctx) {}
  std::string name() const override { return name_; }
  void Start(jobs::JobContext& c) const override {
    if (!ctx_) return c.Failed("this node is not the pacemaker; " + name_ + " runs only there");
    Result<std::string> summary = Run(*ctx_, c);
    if (summary.ok()) return c.Succeeded(*summary);
    c.log().Error(summary.status().ToString());
    c.Failed(summary.status().message());
  }

 protected:
  virtual Result<std::string> Run(PacemakerContext& ctx, jobs::JobContext& c) const = 0;

 private:
  std::string name_;
  PacemakerContext* ctx_;
};

}  // namespace paasmaker::pacemaker
