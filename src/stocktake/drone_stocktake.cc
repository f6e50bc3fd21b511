#include "stocktake/drone_stocktake.h"

#include <cmath>

#include "registry/inventory_service.h"

namespace sturgeon {

Result<DroneCount> CountPoolFootage(Id pool_id, Timestamp at, const vision::CountOptions& options,
                                    std::string notes) {
  // The report stays in its Result until it is moved into the DroneCount:
  // moving it out first trips GCC 12's -Wmaybe-uninitialized on the
  // optional SizeReport (a false positive).
  Result<vision::CountReport> run = vision::RunCount(options);
  if (!run.ok()) return run.status();
  const vision::CountReport& report = *run;
  Stocktake counted;
  counted.pool_id = pool_id;
  counted.at = at;
  counted.count = report.result.count;
  counted.count_low = report.result.count_low;
  counted.count_high = report.result.count_high;
  if (report.sizes && report.sizes->mean_weight_g > 0) counted.mean_weight_g = report.sizes->mean_weight_g;
  counted.method = "drone";
  counted.notes = std::move(notes);
  return DroneCount{std::move(*run), std::move(counted)};
}

Result<Reconciliation> ReconcileWithBook(Store& store, const Stocktake& counted) {
  STURGEON_ASSIGN_OR_RETURN(Inventory book, InventoryOfPool(store, counted.pool_id, counted.at));
  return Reconcile(book, counted);
}

Result<StoredStocktake> RecordStocktake(Store& store, const Stocktake& counted) {
  STURGEON_ASSIGN_OR_RETURN(Reconciliation r, ReconcileWithBook(store, counted));
  WriteBatch batch;
  batch.stocktakes.push_back(counted);
  STURGEON_RETURN_IF_ERROR(store.Write(batch));
  // Read back the row just written: the pool's newest stocktake at its time.
  RecordQuery q;
  q.pool_id = counted.pool_id;
  q.from = counted.at.date();
  q.to = counted.at.date();
  StoredStocktake out{counted, r};
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(std::vector<Stocktake> rows, store.ListStocktakes(q));
    if (rows.empty()) break;
    out.stocktake.id = rows.back().id;
    q.after_id = rows.back().id;
  }
  return out;
}

nlohmann::json ReconciliationJson(const Reconciliation& r) {
  auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"book_count", r.book_count},
          {"variance", r.variance},
          {"variance_pct", r.variance_pct},
          {"book_within_interval", r.book_within_interval},
          {"book_mean_weight_g", optional(r.book_mean_weight_g)},
          {"mean_weight_variance_pct", optional(r.mean_weight_variance_pct)}};
}

nlohmann::json StocktakeJson(const vision::CountReport& report, const std::string& pool_code, Timestamp at,
                             const Reconciliation& r) {
  nlohmann::json j = vision::ReportToJson(report);
  if (report.sizes && report.sizes->mean_weight_g > 0) j["mean_weight_g"] = report.sizes->mean_weight_g;
  j["pool"] = pool_code;
  j["time"] = at.ToString();
  j.update(ReconciliationJson(r));
  return j;
}

}  // namespace sturgeon
