// Access control: who may read or write what. Pure rules, no I/O.
//
// A user holds roles (grants), each on one farm or company-wide:
// - admin (company-wide): everything, on every farm;
// - auditor (company-wide): reads everything, including the audit trail;
// - manager (farm): reads and writes everything at the farm: pools, fish,
//   moves, stocktakes and daily records;
// - worker (farm): reads the farm and writes its daily records (status,
//   feedings, water quality, deaths, sexing, biopsies);
// - viewer (farm): reads the farm.
// Company-wide reference data (species, cohorts) is readable by every user;
// farms and species are created by admins, cohorts by admins and managers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/model.h"

namespace sturgeon::api {

enum class Role { kAdmin, kManager, kWorker, kViewer, kAuditor };

std::string_view ToString(Role role);
// admin, manager, worker, viewer or auditor; InvalidArgument otherwise.
Result<Role> ParseRole(std::string_view text);
// Admin and auditor hold on every farm; the others need a farm.
bool IsCompanyWide(Role role);

// What a request wants to do on a farm.
enum class Action { kRead, kWriteDaily, kManage };

struct Grant {
  std::optional<Id> farm_id;  // unset: company-wide
  Role role = Role::kViewer;
};

// The authenticated user of a request. Plain value; thread-compatible.
class Principal {
 public:
  Principal() = default;
  Principal(Id user_id, std::string name, std::vector<Grant> grants);

  Id user_id() const { return user_id_; }
  const std::string& name() const { return name_; }
  const std::vector<Grant>& grants() const { return grants_; }

  bool IsAdmin() const;
  bool CanAudit() const;  // admin or auditor
  // True if the user may read every farm (admin, auditor).
  bool SeesAllFarms() const;
  // Farms the user may read; meaningful when !SeesAllFarms().
  std::vector<Id> ReadableFarms() const;

  bool Can(Action action, Id farm_id) const;
  // OK, or PermissionDenied naming the user, the action and the farm.
  Status Require(Action action, Id farm_id, std::string_view farm_label) const;
  Status RequireAdmin() const;
  Status RequireAudit() const;
  // Admin, or manager of any farm (cohorts are company-wide).
  Status RequireAnyManager() const;

 private:
  Id user_id_ = 0;
  std::string name_;
  std::vector<Grant> grants_;
};

}  // namespace sturgeon::api
