// What every command shares: the database path, output mode, and the mapping from Status to
// exit codes (DESIGN.md §12: 0 ok, 2 usage, 3 refused input, 4 not found, 1 other failure).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "agritrace/registry/store.h"

namespace agritrace::cli {

struct Context {
  std::string db_path;
  bool json = false;
  int exit_code = 0;

  // Opens the registry; on failure reports it and returns null.
  std::unique_ptr<Store> Open(OpenMode mode = OpenMode::kExisting);
  // Prints "错误：中文 / Error: English" to stderr and sets the exit code.
  void Fail(const Status& status);
  // Prints `value` as JSON with --json, else `human` (a line or more for a person).
  void Print(const Json& value, const std::string& human);
  // Runs a command body, turning an escaped exception into exit code 1.
  void Run(const std::function<void()>& body);
};

int ExitCodeFor(const Status& status);

// The whole file at `path`, or Status::Io saying which file could not be read.
Result<std::string> ReadInputFile(const std::string& path);

// One registration function per command group (one file each).
void RegisterInitCommands(CLI::App& app, Context& ctx);
void RegisterKeyCommands(CLI::App& app, Context& ctx);
void RegisterRegionCommands(CLI::App& app, Context& ctx);
void RegisterOrgCommands(CLI::App& app, Context& ctx);
void RegisterProductCommands(CLI::App& app, Context& ctx);
void RegisterBrandCommands(CLI::App& app, Context& ctx);
void RegisterCertCommands(CLI::App& app, Context& ctx);
void RegisterLotCommands(CLI::App& app, Context& ctx);
void RegisterVerifyCommands(CLI::App& app, Context& ctx);
void RegisterTokenCommands(CLI::App& app, Context& ctx);
void RegisterUserCommands(CLI::App& app, Context& ctx);
void RegisterAuditCommands(CLI::App& app, Context& ctx);
void RegisterLogCommands(CLI::App& app, Context& ctx);
void RegisterLabelCommands(CLI::App& app, Context& ctx);
void RegisterHgzCommands(CLI::App& app, Context& ctx);
void RegisterServeCommand(CLI::App& app, Context& ctx);
void RegisterBackupCommand(CLI::App& app, Context& ctx);
void RegisterMigrateCommand(CLI::App& app, Context& ctx);

}  // namespace agritrace::cli
