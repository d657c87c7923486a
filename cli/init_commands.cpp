// agritrace init: creates the registry database, its name, base URL and first signing key.
#include "agritrace/registry/dates.h"
#include "agritrace/registry/key_ring.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {
Status CheckBaseUrl(const std::string& url) {
  bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  size_t host = url.find("://") + 3;
  if (!scheme || url.size() <= host || url.back() == '/' || url.find_first_of(" ?#", 0) != std::string::npos)
    return Status::Invalid("--base-url 应为 https://主机[/路径]，末尾不要斜杠，例如 https://v.baisha.gov.cn",
                           "--base-url must look like https://host[/path] without a trailing slash");
  return Status::Ok();
}
}  // namespace

void RegisterInitCommands(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "新建登记库和签名密钥 / create the registry and its signing key");
  static std::string base_url, name;
  cmd->add_option("--base-url", base_url, "扫码网址前缀，如 https://v.baisha.gov.cn / base URL printed in QR codes")->required();
  cmd->add_option("--name", name, "登记库名称（密钥名和日志来源），如 trace.baisha.gov.cn / registry name")->required();
  cmd->callback([&ctx]() {
    ctx.Run([&] {
      if (Status s = CheckBaseUrl(base_url); !s.ok()) return ctx.Fail(s);
      if (name.empty() || name.find_first_of(" \n\t+") != std::string::npos)
        return ctx.Fail(Status::Invalid("--name 不能含空格或加号，例如 trace.baisha.gov.cn",
                                        "--name must have no spaces or '+', e.g. trace.baisha.gov.cn"));
      auto store = ctx.Open(OpenMode::kCreate);
      if (!store) return;
      if (!store->Meta("name").empty())
        return ctx.Fail(Status::Conflict("登记库 " + ctx.db_path + " 已经初始化（" + store->Meta("name") + "），不会覆盖",
                                         "registry " + ctx.db_path + " is already initialised (" + store->Meta("name") + "); nothing changed"));
      NewSigningKey key;
      Status s = store->Transact([&]() -> Status {
        store->SetMeta("name", name);
        store->SetMeta("base_url", base_url);
        store->SetMeta("created_at", NowUtc());
        auto ev = store->AppendEvent("registry.initialised", {{"name", name}, {"base_url", base_url}});
        if (!ev.ok()) return ev.status();
        auto k = CreateSigningKey(*store);
        if (!k.ok()) return k.status();
        key = *k;
        return Status::Ok();
      });
      if (!s.ok()) return ctx.Fail(s);
      Json out = {{"name", name}, {"base_url", base_url}, {"db", ctx.db_path}, {"kid", key.kid},
                  {"key_file", KeyDirFor(ctx.db_path) + "/" + key.kid + ".pem"}};
      ctx.Print(out, "已创建登记库 " + ctx.db_path + "（" + name + "），签名密钥 " + key.kid +
                         "\nCreated registry " + ctx.db_path + " with signing key " + key.kid +
                         "\n请备份密钥目录 " + KeyDirFor(ctx.db_path) + " / back up the key folder");
    });
  });
}

}  // namespace agritrace::cli
