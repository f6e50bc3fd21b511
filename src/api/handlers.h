// The API's handlers, one per route (the table is in routes.cc). Each is
// thin: it parses the request, checks access, calls the registry or store,
// and returns a Reply or a Status that becomes a problem+json answer.
#pragma once

#include "api/router.h"

namespace sturgeon::api {

// Operations (ops_handlers.cc).
Result<Reply> HealthCheck(RequestContext& c);
Result<Reply> GetMetrics(RequestContext& c);
Result<Reply> GetOpenApi(RequestContext& c);
Result<Reply> GetMe(RequestContext& c);
Result<Reply> ListAuditTrail(RequestContext& c);

// Farms, pools, species, cohorts and inventory (registry_handlers.cc).
Result<Reply> ListFarms(RequestContext& c);
Result<Reply> CreateFarm(RequestContext& c);
Result<Reply> GetFarm(RequestContext& c);
Result<Reply> GetFarmInventory(RequestContext& c);
Result<Reply> ListPools(RequestContext& c);
Result<Reply> CreatePool(RequestContext& c);
Result<Reply> GetPool(RequestContext& c);
Result<Reply> GetPoolInventory(RequestContext& c);
Result<Reply> GetCompanyInventory(RequestContext& c);
Result<Reply> ListSpecies(RequestContext& c);
Result<Reply> CreateSpecies(RequestContext& c);
Result<Reply> GetSpecies(RequestContext& c);
Result<Reply> ListCohorts(RequestContext& c);
Result<Reply> CreateCohort(RequestContext& c);
Result<Reply> GetCohort(RequestContext& c);

// Caviar traceability (trace_handlers.cc): harvests, batches and steps,
// lots, tins and labels, cases, shipments and logger readings, traces,
// EPCIS export and products.
Result<Reply> CreateHarvest(RequestContext& c);
Result<Reply> ListHarvests(RequestContext& c);
Result<Reply> GetHarvest(RequestContext& c);
Result<Reply> CreateBatch(RequestContext& c);
Result<Reply> ListBatches(RequestContext& c);
Result<Reply> GetBatch(RequestContext& c);
Result<Reply> CreateBatchStep(RequestContext& c);
Result<Reply> CreateLot(RequestContext& c);
Result<Reply> GetLot(RequestContext& c);
Result<Reply> CreateTin(RequestContext& c);
Result<Reply> GetTin(RequestContext& c);
Result<Reply> GetTinLabel(RequestContext& c);
Result<Reply> GetTinLabelQr(RequestContext& c);
Result<Reply> CreateCase(RequestContext& c);
Result<Reply> GetCase(RequestContext& c);
Result<Reply> CreateShipment(RequestContext& c);
Result<Reply> ListShipments(RequestContext& c);
Result<Reply> GetShipment(RequestContext& c);
Result<Reply> CreateReadings(RequestContext& c);
Result<Reply> GetColdChain(RequestContext& c);
Result<Reply> GetBackwardTrace(RequestContext& c);
Result<Reply> GetRecall(RequestContext& c);
Result<Reply> GetEpcis(RequestContext& c);
Result<Reply> ListProducts(RequestContext& c);
Result<Reply> GetProduct(RequestContext& c);
Result<Reply> PutProduct(RequestContext& c);
// The OpenAPI component schemas of the trace routes, derived from the
// trace records' JSON forms (trace_handlers.cc).
nlohmann::json TraceSchemas();
// OpenAPI helpers (openapi.cc): a schema describing `example` (nulls become
// nullable values), and a page of `item`s with its next_cursor.
nlohmann::json SchemaOf(const nlohmann::json& example);
nlohmann::json PageOf(const std::string& item);

// Fish and the records kept about them (record_handlers.cc).
Result<Reply> ListFish(RequestContext& c);
Result<Reply> CreateFish(RequestContext& c);
Result<Reply> GetFish(RequestContext& c);
Result<Reply> ListMoves(RequestContext& c);
Result<Reply> CreateMove(RequestContext& c);
Result<Reply> ListStatus(RequestContext& c);
Result<Reply> CreateStatus(RequestContext& c);
Result<Reply> BulkStatus(RequestContext& c);
Result<Reply> ListFeedings(RequestContext& c);
Result<Reply> CreateFeeding(RequestContext& c);
Result<Reply> ListWater(RequestContext& c);
Result<Reply> CreateWater(RequestContext& c);
Result<Reply> ListDeaths(RequestContext& c);
Result<Reply> CreateDeath(RequestContext& c);
Result<Reply> ListStocktakes(RequestContext& c);
Result<Reply> CreateStocktake(RequestContext& c);
Result<Reply> ListSexings(RequestContext& c);
Result<Reply> CreateSexing(RequestContext& c);
Result<Reply> ListBiopsies(RequestContext& c);
Result<Reply> CreateBiopsy(RequestContext& c);

// Drone stocktake jobs (stocktake_handlers.cc).
Result<Reply> CreateStocktakeJob(RequestContext& c);
Result<Reply> ListPoolStocktakeJobs(RequestContext& c);
Result<Reply> GetStocktakeJob(RequestContext& c);
Result<Reply> GetStocktakeJobSnapshot(RequestContext& c);
Result<Reply> AcceptStocktakeJob(RequestContext& c);

// The web dashboard: its files and its read-only views (dashboard_handlers.cc).
Result<Reply> GetDashboard(RequestContext& c);
Result<Reply> GetDashboardAsset(RequestContext& c);
Result<Reply> GetOverview(RequestContext& c);
Result<Reply> GetFarmOverview(RequestContext& c);
Result<Reply> GetPoolOverview(RequestContext& c);
// Caviar views for the dashboard (caviar_dashboard_handlers.cc).
Result<Reply> GetShipmentReadings(RequestContext& c);
Result<Reply> GetCaviarAlerts(RequestContext& c);

}  // namespace sturgeon::api
