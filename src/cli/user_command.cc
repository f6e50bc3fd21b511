// `sturgeon user add|list` and `sturgeon token create`: API users, their
// roles per farm, and bearer tokens (shown once; only a hash is stored).
#include <iostream>

#include <fmt/format.h>

#include "api/access.h"
#include "api/auth.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "storage/auth_store.h"

namespace sturgeon::cli {
namespace {

std::unique_ptr<AuthStore> OpenAuthOrFail(const std::string& db) {
  // Opening the registry store first applies any pending migrations.
  OpenStoreOrFail(db);
  return OrFail(OpenAuthStore(db));
}

}  // namespace

void AddUserCommands(CLI::App& app) {
  CLI::App* user = app.add_subcommand("user", "Create and list API users")->require_subcommand(1);
  {
    struct Args {
      std::string db, name, role, farm;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = user->add_subcommand(
        "add", "Create a user with a role (or give an existing user a role on another farm)");
    AddDbOption(add, &a->db);
    add->add_option("name", a->name, "User name")->required();
    add->add_option("--role", a->role, "admin, auditor (company-wide), or manager, worker, viewer (with --farm)")
        ->required();
    add->add_option("--farm", a->farm, "Farm code (for manager, worker and viewer)");
    add->callback([a] {
      const api::Role role = OrFail(api::ParseRole(a->role));
      if (api::IsCompanyWide(role) && !a->farm.empty()) {
        Fail(Status::InvalidArgument(fmt::format("--farm: a {} holds on every farm", api::ToString(role))));
      }
      if (!api::IsCompanyWide(role) && a->farm.empty()) {
        Fail(Status::InvalidArgument(fmt::format("--farm: a {} needs a farm", api::ToString(role))));
      }
      auto store = OpenStoreOrFail(a->db);
      std::optional<Id> farm_id;
      if (!a->farm.empty()) farm_id = OrFail(store->FindFarm(a->farm)).id;
      auto auth = OrFail(OpenAuthStore(a->db));
      auto existing = auth->FindUser(a->name);
      User u = existing.ok() ? *existing : OrFail(auth->AddUser(a->name));
      OrFail(auth->SetGrant(u.id, UserGrant{farm_id, std::string(api::ToString(role))}));
      std::cout << fmt::format("user {} {}: {}{}\n", u.name, existing.ok() ? "updated" : "created",
                               api::ToString(role), a->farm.empty() ? "" : " at " + a->farm);
    });
  }
  {
    struct Args {
      std::string db;
      bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* list = user->add_subcommand("list", "List users and their roles");
    AddDbOption(list, &a->db);
    list->add_flag("--json", a->json, "Print a JSON array");
    list->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      auto auth = OrFail(OpenAuthStore(a->db));
      nlohmann::json out = nlohmann::json::array();
      std::vector<std::vector<std::string>> rows;
      for (const User& u : OrFail(auth->ListUsers())) {
        std::string roles;
        nlohmann::json grants = nlohmann::json::array();
        for (const UserGrant& g : u.grants) {
          const std::string farm = g.farm_id ? OrFail(store->GetFarm(*g.farm_id)).code : "";
          roles += (roles.empty() ? "" : ", ") + g.role + (farm.empty() ? "" : "@" + farm);
          grants.push_back({{"role", g.role}, {"farm", farm.empty() ? nlohmann::json(nullptr) : nlohmann::json(farm)}});
        }
        out.push_back({{"id", u.id}, {"name", u.name}, {"grants", grants}});
        rows.push_back({u.name, roles});
      }
      if (a->json) return PrintJson(out);
      PrintTable({"USER", "ROLES"}, rows);
    });
  }

  CLI::App* token = app.add_subcommand("token", "Create API tokens")->require_subcommand(1);
  {
    struct Args {
      std::string db, name, label;
    };
    auto a = std::make_shared<Args>();
    CLI::App* create = token->add_subcommand("create", "Create a bearer token for a user and print it once");
    AddDbOption(create, &a->db);
    create->add_option("name", a->name, "User name")->required();
    create->add_option("--label", a->label, "What the token is for");
    create->callback([a] {
      auto auth = OpenAuthOrFail(a->db);
      std::cout << OrFail(api::CreateToken(*auth, a->name, a->label)) << "\n";
    });
  }
}

}  // namespace sturgeon::cli
