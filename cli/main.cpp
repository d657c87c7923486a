// agritrace [--db PATH] [--json] GROUP VERB …
#include <cstdlib>
#include <iostream>

#include "cli/context.h"

int main(int argc, char** argv) {
  using namespace agritrace::cli;
  Context ctx;
  const char* env_db = std::getenv("AGRITRACE_DB");
  ctx.db_path = env_db && *env_db ? env_db : "./agritrace.db";

  CLI::App app("agritrace：认证农产品追溯登记、标签打印与扫码验真\n"
               "agritrace: registry, labels and scan verification for certified farm products",
               "agritrace");
  app.set_help_flag("-h,--help", "显示帮助 / show help");
  app.add_option("--db", ctx.db_path, "登记库文件（默认 $AGRITRACE_DB 或 ./agritrace.db） / registry database file");
  app.add_flag("--json", ctx.json, "以 JSON 输出 / print JSON");
  app.require_subcommand(1);
  app.fallthrough();

  RegisterInitCommands(app, ctx);
  RegisterKeyCommands(app, ctx);
  RegisterRegionCommands(app, ctx);
  RegisterOrgCommands(app, ctx);
  RegisterProductCommands(app, ctx);
  RegisterBrandCommands(app, ctx);
  RegisterCertCommands(app, ctx);
  RegisterLotCommands(app, ctx);
  RegisterVerifyCommands(app, ctx);
  RegisterTokenCommands(app, ctx);
  RegisterUserCommands(app, ctx);
  RegisterAuditCommands(app, ctx);
  RegisterLogCommands(app, ctx);
  RegisterLabelCommands(app, ctx);
  RegisterHgzCommands(app, ctx);
  RegisterServeCommand(app, ctx);
  RegisterBackupCommand(app, ctx);
  RegisterMigrateCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "用法错误：" << e.what() << "\nUsage error: " << e.what()
              << "\n运行 agritrace --help 或在命令后加 --help 查看用法 / run with --help for usage\n";
    return 2;
  }
  return ctx.exit_code;
}
