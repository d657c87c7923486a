// agritrace user add|list|disable|reset-password: console accounts (registry/users.h). The CLI
// acts as "cli" in the log events. Initial passwords are random and shown once; the console asks
// for a new one at first sign-in.
#include <iostream>

#include "agritrace/registry/users.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {

constexpr const char* kActor = "cli";

// One line from standard input: the password, without its line ending. Reads at most a little
// more than the longest password allowed, so a huge input is refused rather than held.
Result<std::string> ReadPasswordLine() {
  std::string line;
  char c;
  while (line.size() <= kMaxPasswordBytes + 2 && std::cin.get(c) && c != '\n') line.push_back(c);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty())
    return Status::Invalid("标准输入中没有密码：请用 echo 或 printf 把密码送入此命令",
                           "no password on standard input: pipe one in with printf or echo")
        .with_reason("password-missing");
  return line;
}

std::string OneTimeNote(const std::string& password) {
  return "初始密码 / initial password: " + password +
         "\n请当面或通过安全渠道交给本人；首次登录时须修改，之后无法再次查看。\n"
         "Hand it over in person or by a safe channel; it must be changed at first sign-in and is "
         "not shown again.";
}

}  // namespace

void RegisterUserCommands(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "控制台账号 / console accounts");
  user->require_subcommand(1);

  auto* add = user->add_subcommand(
      "add", "新建账号并显示一次性初始密码 / add an account and show its one-time password");
  static UserInput in;
  static bool password_stdin = false;
  add->add_option("--username", in.username,
                  "用户名：小写字母、数字、. _ - / user name: lower-case letters, digits, . _ -")
      ->required();
  add->add_option("--role", in.role,
                  "clerk（文员）|manager（负责人）|bureau（农业农村局）|bureau-admin（局管理员）")
      ->required();
  add->add_option("--org", in.org_id,
                  "clerk、manager 所属主体编号 / organisation id of a clerk or manager");
  add->add_flag("--password-stdin", password_stdin,
                "从标准输入读取初始密码（一行） / read the initial password from standard input");
  add->callback([&ctx] {
    ctx.Run([&] {
      std::string password;
      if (password_stdin) {
        auto line = ReadPasswordLine();
        if (!line.ok()) return ctx.Fail(line.status());
        password = *line;
      } else {
        password = GeneratePassword();
      }
      auto hash = HashPassword(password);
      if (!hash.ok()) return ctx.Fail(hash.status());
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddUser(*store, in, *hash, true, kActor);
      if (!r.ok()) return ctx.Fail(r.status());
      Json out = *r;
      std::string human = "已添加用户 / added user " + in.username + " (" + in.role + ")";
      if (!password_stdin) {
        out["initial_password"] = password;
        human += "\n" + OneTimeNote(password);
      }
      ctx.Print(out, human);
    });
  });

  user->add_subcommand("list", "列出账号（不含密码） / list accounts (no passwords)")
      ->callback([&ctx] {
        ctx.Run([&] {
          auto store = ctx.Open();
          if (!store) return;
          const std::vector<User> all = ListUsers(*store);
          std::string human;
          for (const User& u : all) {
            human += std::to_string(u.id) + "  " + u.username + "  " + u.role;
            if (u.org_id) human += "  org " + std::to_string(u.org_id);
            if (u.disabled) human += "  已停用 disabled";
            if (u.must_change_password) human += "  待改密码 must change password";
            human += "\n";
          }
          ctx.Print(all, human.empty() ? "还没有账号 / no accounts" : human);
        });
      });

  auto* disable = user->add_subcommand(
      "disable", "停用账号并结束其所有登录 / disable an account and end its sessions");
  static std::string disable_name;
  disable->add_option("USERNAME", disable_name, "用户名 / user name")->required();
  disable->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = DisableUser(*store, disable_name, kActor);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(*r, "已停用 / disabled " + disable_name + "，结束登录 / sessions ended: " +
                        std::to_string(r->sessions_ended));
    });
  });

  auto* reset = user->add_subcommand(
      "reset-password",
      "重设为新的一次性密码并结束其所有登录 / set a new one-time password, end its sessions");
  static std::string reset_name;
  reset->add_option("USERNAME", reset_name, "用户名 / user name")->required();
  reset->callback([&ctx] {
    ctx.Run([&] {
      const std::string password = GeneratePassword();
      auto hash = HashPassword(password);
      if (!hash.ok()) return ctx.Fail(hash.status());
      auto store = ctx.Open();
      if (!store) return;
      auto r = ResetPassword(*store, reset_name, *hash, kActor);
      if (!r.ok()) return ctx.Fail(r.status());
      Json out = *r;
      out["initial_password"] = password;
      ctx.Print(out, "已重设 / reset " + reset_name + "\n" + OneTimeNote(password));
    });
  });
}

}  // namespace agritrace::cli
