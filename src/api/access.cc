#include "api/access.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace sturgeon::api {
namespace {

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kRead: return "read";
    case Action::kWriteDaily: return "write daily records at";
    case Action::kManage: return "manage";
  }
  return "access";
}

// Whether `role` on a farm allows `action` there.
bool Allows(Role role, Action action) {
  switch (role) {
    case Role::kAdmin: return true;
    case Role::kAuditor: return action == Action::kRead;
    case Role::kManager: return true;
    case Role::kWorker: return action != Action::kManage;
    case Role::kViewer: return action == Action::kRead;
  }
  return false;
}

}  // namespace

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kWorker: return "worker";
    case Role::kViewer: return "viewer";
    case Role::kAuditor: return "auditor";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (Role r : {Role::kAdmin, Role::kManager, Role::kWorker, Role::kViewer, Role::kAuditor}) {
    if (lower == ToString(r)) return r;
  }
  return Status::InvalidArgument(
      fmt::format("role: unknown role '{}' (expected admin, manager, worker, viewer or auditor)", text));
}

bool IsCompanyWide(Role role) { return role == Role::kAdmin || role == Role::kAuditor; }

Principal::Principal(Id user_id, std::string name, std::vector<Grant> grants)
    : user_id_(user_id), name_(std::move(name)), grants_(std::move(grants)) {}

bool Principal::IsAdmin() const {
  return std::any_of(grants_.begin(), grants_.end(), [](const Grant& g) { return g.role == Role::kAdmin; });
}

bool Principal::CanAudit() const {
  return std::any_of(grants_.begin(), grants_.end(),
                     [](const Grant& g) { return g.role == Role::kAdmin || g.role == Role::kAuditor; });
}

bool Principal::SeesAllFarms() const { return CanAudit(); }

std::vector<Id> Principal::ReadableFarms() const {
  std::vector<Id> out;
  for (const Grant& g : grants_) {
    if (g.farm_id) out.push_back(*g.farm_id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Principal::Can(Action action, Id farm_id) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const Grant& g) {
    const bool applies = IsCompanyWide(g.role) || (g.farm_id && *g.farm_id == farm_id);
    return applies && Allows(g.role, action);
  });
}

Status Principal::Require(Action action, Id farm_id, std::string_view farm_label) const {
  if (Can(action, farm_id)) return Status::Ok();
  return Status::PermissionDenied(
      fmt::format("user '{}' may not {} farm {}", name_, ActionName(action), farm_label));
}

Status Principal::RequireAdmin() const {
  if (IsAdmin()) return Status::Ok();
  return Status::PermissionDenied(fmt::format("user '{}' is not an admin", name_));
}

Status Principal::RequireAudit() const {
  if (CanAudit()) return Status::Ok();
  return Status::PermissionDenied(fmt::format("user '{}' may not read the audit trail", name_));
}

Status Principal::RequireAnyManager() const {
  const bool ok = std::any_of(grants_.begin(), grants_.end(),
                              [](const Grant& g) { return g.role == Role::kAdmin || g.role == Role::kManager; });
  if (ok) return Status::Ok();
  return Status::PermissionDenied(fmt::format("user '{}' is neither an admin nor a manager", name_));
}

}  // namespace sturgeon::api
