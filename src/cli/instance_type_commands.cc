// `paasmaker instance-type quantity TYPE_ID N`: scales one instance type of
// a version. The pacemaker places new instances (starting them when the
// version runs) or stops and removes the surplus.
#include <memory>

#include "cli/command_context.h"
#include "cli/job_wait.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

struct QuantityArgs {
  std::string type_id;
  long long quantity = -1;
  WaitFlags wait;
};

Status SetQuantity(CommandContext& context, const QuantityArgs& args) {
  if (args.quantity < 0) return InvalidArgument("the quantity must be 0 or more, got " + std::to_string(args.quantity));
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/instance-types/" + http::UrlEncode(args.type_id) + "/quantity",
                                          {{"quantity", args.quantity}}));
  return ReportJob(context, api, data,
                   "change of instance type " + args.type_id + " to " + std::to_string(args.quantity) + " instances",
                   args.wait);
}

}  // namespace

void RegisterInstanceTypeCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "instance-type", "Scale a version's instance types");
  auto args = std::make_shared<QuantityArgs>();
  CLI::App* quantity = AddCommand(
      *group, "quantity",
      {.summary = "Set how many instances an instance type runs",
       .details = "TYPE_ID is shown by `paasmaker version show V`. Prints the job id (or that there is "
                  "nothing to do); --follow streams the job tree and --wait waits for it, either exiting "
                  "by its outcome.",
       .example = "paasmaker instance-type quantity 0d6f5a1e-3b7c-4c55-9a57-1f2f4e6b8c9d 3 --follow"});
  quantity->add_option("TYPE_ID", args->type_id, "the instance type's id")->required();
  quantity->add_option("N", args->quantity, "the number of instances wanted")->required();
  AddWaitFlags(quantity, args->wait);
  OnRun(quantity, context, [args](CommandContext& c) { return SetQuantity(c, *args); });
}

}  // namespace paasmaker::cli
