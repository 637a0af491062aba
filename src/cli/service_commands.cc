// `paasmaker service list|show|export|import`: an application's services
// (SPEC §8.4). A service is named by its manifest name within its
// application. Credentials are printed only with --show-credentials (and
// SERVICE_CREDENTIAL_VIEW). Dumps travel as files: export writes stdout or
// -o FILE, import reads stdin or -i FILE and sends it as an upload.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command_context.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "cli/upload.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

std::string ServicePath(const std::string& app_id, const std::string& name) {
  return "/api/v1/applications/" + http::UrlEncode(app_id) + "/services" +
         (name.empty() ? "" : "/" + http::UrlEncode(name));
}

// A file in the temp dir, removed when this goes: a dump is written there
// whole before it reaches its destination, so a failed call leaves no
// half-dump behind (and its error envelope never lands in the output).
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp");
    pattern += "/paasmaker-dump-XXXXXX";
    fd_ = ::mkstemp(pattern.data());
    if (fd_ >= 0) path_ = pattern;
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

Status CopyStream(std::istream& from, std::ostream& to, const std::string& what) {
  to << from.rdbuf();
  to.flush();
  if (!to) return IoError("writing " + what + " failed");
  return Status::Ok();
}

Status ListServices(CommandContext& context, const std::string& wanted, const std::string& workspace) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get(ServicePath(id, "")));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& services = Child(data, "services");
  if (services.empty()) {
    context.out() << "Application " << wanted << " has no services.\n";
    return Status::Ok();
  }
  Table table({"NAME", "PLUGIN", "EXPORT", "CREATED"});
  for (const json& service : services) {
    table.AddRow({Text(service, "name", "?"), Text(service, "plugin", "?"), Text(service, "dump_format", "-"),
                  service.contains("created") && service["created"].is_number()
                      ? FormatTime(service["created"].get<double>())
                      : "-"});
  }
  table.Print(context.out());
  return Status::Ok();
}

Status ShowService(CommandContext& context, const std::string& wanted, const std::string& workspace,
                   const std::string& name, bool show_credentials) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(json data,
                      api.Get(ServicePath(id, name) + (show_credentials ? "?credentials=true" : "")));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& service = Child(data, "service");
  context.out() << "Service:   " << Text(service, "name", "?") << "\n"
                << "Plugin:    " << Text(service, "plugin", "?") << "\n"
                << "Export:    " << Text(service, "dump_format", "not supported") << "\n";
  if (!show_credentials) {
    context.out() << "Credentials: hidden (--show-credentials shows them)\n";
    return Status::Ok();
  }
  context.out() << "Credentials:\n";
  for (const auto& [key, value] : Child(service, "credentials").items()) {
    context.out() << "  " << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  }
  return Status::Ok();
}

Status ExportService(CommandContext& context, const std::string& wanted, const std::string& workspace,
                     const std::string& name, const std::string& output) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  TempFile dump;
  if (!dump.ok()) return IoError("cannot create a temporary file for the dump");
  {
    std::ofstream file(dump.path(), std::ios::binary | std::ios::trunc);
    PM_RETURN_IF_ERROR(api.Stream(ServicePath(id, name) + "/export", [&](const std::string& chunk) {
      file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      return static_cast<bool>(file);
    }));
    file.flush();
    if (!file) return IoError("writing the dump to " + dump.path() + " failed");
  }
  std::ifstream from(dump.path(), std::ios::binary);
  if (output.empty() || output == "-") return CopyStream(from, context.out(), "the dump to stdout");
  std::ofstream to(output, std::ios::binary | std::ios::trunc);
  if (!to) return IoError("cannot write " + output);
  PM_RETURN_IF_ERROR(CopyStream(from, to, output));
  context.err() << "Exported service " << name << " of " << wanted << " to " << output << ".\n";
  return Status::Ok();
}

Status ImportService(CommandContext& context, const std::string& wanted, const std::string& workspace,
                     const std::string& name, const std::string& input) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  TempFile copy;
  std::string path = input;
  if (input.empty() || input == "-") {
    if (!copy.ok()) return IoError("cannot create a temporary file for the dump");
    std::ofstream to(copy.path(), std::ios::binary | std::ios::trunc);
    PM_RETURN_IF_ERROR(CopyStream(std::cin, to, copy.path()));
    path = copy.path();
  }
  UploadOptions options;
  options.filename = name + ".dump";
  PM_ASSIGN_OR_RETURN(std::string upload_id, UploadFile(api, path, options));
  PM_ASSIGN_OR_RETURN(json data, api.Post(ServicePath(id, name) + "/import", {{"upload_id", upload_id}}));
  if (context.json()) PrintJson(context.out(), data);
  else context.out() << "Imported " << data.value("imported_bytes", 0) << " bytes into service " << name << " of "
                     << wanted << ".\n";
  return Status::Ok();
}

struct ServiceArgs {
  std::string app;
  std::string workspace;
  std::string name;
  std::string file;
  bool show_credentials = false;
};

}  // namespace

void RegisterServiceCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "service", "List an application's services, show their credentials, export and "
                                             "import their data");
  auto args = std::make_shared<ServiceArgs>();
  auto add_app = [&](CLI::App* command) {
    command->add_option("APP", args->app, "the application's id, or its name (within --workspace)")->required();
    command->add_option("--workspace", args->workspace, "workspace id, stub or name")->type_name("W");
  };
  auto add_service = [&](CLI::App* command) {
    add_app(command);
    command->add_option("NAME", args->name, "the service's name, as in the manifest and `service list`")->required();
  };

  CLI::App* list = AddCommand(*group, "list",
                              {.summary = "List an application's services",
                               .details = "Each service with its plugin and the format `service export` writes "
                                          "(sql, rdb; - when its data cannot move). Needs SERVICE_VIEW.",
                               .example = "paasmaker service list notes"});
  add_app(list);
  OnRun(list, context, [args](CommandContext& c) { return ListServices(c, args->app, args->workspace); });

  CLI::App* show = AddCommand(*group, "show",
                              {.summary = "Show a service; its credentials with --show-credentials",
                               .details = "Credentials (host, port, user, password, url, ...) are what the "
                                          "application gets in PM_SERVICES; showing them needs "
                                          "SERVICE_CREDENTIAL_VIEW as well as SERVICE_VIEW.",
                               .example = "paasmaker service show notes db --show-credentials"});
  add_service(show);
  show->add_flag("--show-credentials", args->show_credentials, "print the service's credentials (secrets)");
  OnRun(show, context, [args](CommandContext& c) {
    return ShowService(c, args->app, args->workspace, args->name, args->show_credentials);
  });

  CLI::App* out = AddCommand(*group, "export",
                             {.summary = "Write a service's data as a dump",
                              .details = "PostgreSQL services give pg_dump's plain SQL, managed redis an RDB file. "
                                         "Written to stdout unless -o names a file. Needs SERVICE_EXPORT.",
                              .example = "paasmaker service export notes db > notes-db.sql"});
  add_service(out);
  out->add_option("-o,--output", args->file, "write the dump here instead of stdout")->type_name("FILE");
  OnRun(out, context,
        [args](CommandContext& c) { return ExportService(c, args->app, args->workspace, args->name, args->file); });

  CLI::App* in = AddCommand(*group, "import",
                            {.summary = "Replace a service's data with a dump",
                             .details = "Reads the dump (as `service export` wrote it) from stdin unless -i names "
                                        "a file, uploads it and replaces the service's data with it in one step: "
                                        "an import that fails leaves the data as it was. Needs SERVICE_IMPORT.",
                             .example = "paasmaker service import notes-copy db < notes-db.sql"});
  add_service(in);
  in->add_option("-i,--input", args->file, "read the dump from this file instead of stdin")->type_name("FILE");
  OnRun(in, context,
        [args](CommandContext& c) { return ImportService(c, args->app, args->workspace, args->name, args->file); });
}

}  // namespace paasmaker::cli
