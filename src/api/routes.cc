// THE route table of the Sturgeon HTTP API: every route, in one place.
// The OpenAPI document (GET /api/openapi.json) is generated from it, and the
// router matches against it. Query parameter names refer to the catalogue
// in openapi.cc.
#include "api/handlers.h"
#include "api/router.h"

namespace sturgeon::api {

const std::vector<Route>& Routes() {
  using enum boost::beast::http::verb;
  using A = Access;
  static const std::vector<std::string_view> kList = {"farm", "pool", "fish", "cohort", "from", "to", "limit", "cursor"};
  static const std::vector<std::string_view> kPage = {"limit", "cursor"};
  static const std::vector<std::string_view> kDate = {"date"};
  static const std::vector<Route> kRoutes = {
      // method, path, handler, access, tag, summary, query, request schema, response schema[, body limit]
      {get, "/healthz", HealthCheck, A::kPublic, "operations", "Liveness check (no token needed)", {}, "", "Health"},
      {get, "/metrics", GetMetrics, A::kAuthenticated, "operations", "Prometheus metrics", {}, "", "Text"},
      {get, "/api/openapi.json", GetOpenApi, A::kAuthenticated, "operations", "This OpenAPI document", {}, "", "Object"},
      {get, "/api/me", GetMe, A::kAuthenticated, "operations", "The calling user and their roles", {}, "", "Me"},
      {get, "/api/audit", ListAuditTrail, A::kAuthenticated, "audit", "The audit trail (auditors and admins)",
       {"actor", "resource", "farm", "from", "to", "limit", "cursor"}, "", "AuditPage"},

      {get, "/api/farms", ListFarms, A::kAuthenticated, "farms", "Farms the user may see", kPage, "", "FarmPage"},
      {post, "/api/farms", CreateFarm, A::kAuthenticated, "farms", "Create a farm (admin)", {}, "NewFarm", "Farm"},
      {get, "/api/farms/{code}", GetFarm, A::kAuthenticated, "farms", "One farm", {}, "", "Farm"},
      {get, "/api/farms/{code}/inventory", GetFarmInventory, A::kAuthenticated, "inventory",
       "A farm's inventory on a date, pool by pool", kDate, "", "Inventory"},
      {get, "/api/inventory", GetCompanyInventory, A::kAuthenticated, "inventory",
       "The company's inventory on a date, over the farms the user may see", kDate, "", "Inventory"},

      {get, "/api/pools", ListPools, A::kAuthenticated, "pools", "Pools the user may see",
       {"farm", "limit", "cursor"}, "", "PoolPage"},
      {post, "/api/pools", CreatePool, A::kAuthenticated, "pools", "Create a pool (manager)", {}, "NewPool", "Pool"},
      {get, "/api/pools/{code}", GetPool, A::kAuthenticated, "pools", "One pool", {}, "", "Pool"},
      {get, "/api/pools/{code}/inventory", GetPoolInventory, A::kAuthenticated, "inventory",
       "A pool's head count, biomass and density on a date", kDate, "", "Inventory"},

      {get, "/api/species", ListSpecies, A::kAuthenticated, "species", "Species and hybrids", kPage, "", "SpeciesPage"},
      {post, "/api/species", CreateSpecies, A::kAuthenticated, "species", "Create a species or hybrid (admin)", {},
       "NewSpecies", "Species"},
      {get, "/api/species/{code}", GetSpecies, A::kAuthenticated, "species", "One species", {}, "", "Species"},

      {get, "/api/cohorts", ListCohorts, A::kAuthenticated, "cohorts", "Cohorts", kPage, "", "CohortPage"},
      {post, "/api/cohorts", CreateCohort, A::kAuthenticated, "cohorts", "Create a cohort (admin or manager)", {},
       "NewCohort", "Cohort"},
      {get, "/api/cohorts/{code}", GetCohort, A::kAuthenticated, "cohorts", "One cohort", {}, "", "Cohort"},

      {get, "/api/fish", ListFish, A::kAuthenticated, "fish", "Individual fish now in pools the user may see", kList,
       "", "FishPage"},
      {post, "/api/fish", CreateFish, A::kAuthenticated, "fish", "Create a fish, stocked into a pool (manager)", {},
       "NewFish", "Fish"},
      {get, "/api/fish/{ref}", GetFish, A::kAuthenticated, "fish", "One fish, by PIT tag or id", {}, "", "Fish"},

      {get, "/api/moves", ListMoves, A::kAuthenticated, "moves", "Moves between pools", kList, "", "MovePage"},
      {post, "/api/moves", CreateMove, A::kAuthenticated, "moves", "Record a move (manager of both farms)", {},
       "NewMove", "Move"},

      {get, "/api/status", ListStatus, A::kAuthenticated, "daily status", "Daily status records", kList, "",
       "DailyStatusPage"},
      {post, "/api/status", CreateStatus, A::kAuthenticated, "daily status", "Record one daily status (worker)", {},
       "NewDailyStatus", "DailyStatus"},
      {post, "/api/status/bulk", BulkStatus, A::kAuthenticated, "daily status",
       "Ingest daily status rows as CSV or NDJSON, all or nothing (worker)", {}, "BulkStatus", "BulkResult",
       kBulkBodyLimit},

      {get, "/api/feedings", ListFeedings, A::kAuthenticated, "feedings", "Feedings", kList, "", "FeedingPage"},
      {post, "/api/feedings", CreateFeeding, A::kAuthenticated, "feedings", "Record a feeding (worker)", {},
       "NewFeeding", "Feeding"},

      {get, "/api/water", ListWater, A::kAuthenticated, "water quality", "Water quality readings", kList, "",
       "WaterQualityPage"},
      {post, "/api/water", CreateWater, A::kAuthenticated, "water quality", "Record a water reading (worker)", {},
       "NewWaterQuality", "WaterQuality"},

      {get, "/api/deaths", ListDeaths, A::kAuthenticated, "deaths", "Deaths", kList, "", "RemovalPage"},
      {post, "/api/deaths", CreateDeath, A::kAuthenticated, "deaths", "Record deaths, with cause (worker)", {},
       "NewDeath", "Removal"},

      {get, "/api/stocktakes", ListStocktakes, A::kAuthenticated, "stocktakes", "Stocktake counts", kList, "",
       "StocktakePage"},
      {post, "/api/stocktakes", CreateStocktake, A::kAuthenticated, "stocktakes",
       "Record a counted head count that resets the book count (manager)", {}, "NewStocktake", "Stocktake"},

      {post, "/api/harvests", CreateHarvest, A::kAuthenticated, "caviar",
       "Record a roe harvest from a female, by PIT tag (worker of the fish's farm)", {}, "NewHarvest", "Harvest"},
      {get, "/api/harvests", ListHarvests, A::kAuthenticated, "caviar", "Roe harvests from the user's farms",
       {"farm", "pool", "fish", "limit", "cursor"}, "", "HarvestPage"},
      {get, "/api/harvests/{id}", GetHarvest, A::kAuthenticated, "caviar", "One roe harvest", {}, "", "Harvest"},
      {post, "/api/batches", CreateBatch, A::kAuthenticated, "caviar",
       "Start a processing batch from harvests of one species (worker)", {}, "NewBatch", "Batch"},
      {get, "/api/batches", ListBatches, A::kAuthenticated, "caviar",
       "Processing batches with salt flags and extraction-to-seal minutes; breaches=true: only rule breaches",
       {"farm", "breaches", "limit", "cursor"}, "", "BatchPage"},
      {get, "/api/batches/{code}", GetBatch, A::kAuthenticated, "caviar", "One processing batch", {}, "", "Batch"},
      {post, "/api/batches/{code}/steps", CreateBatchStep, A::kAuthenticated, "caviar",
       "Record the batch's next step: screening, rinsing, salting (salt %), tinning (worker)", {}, "NewBatchStep",
       "Batch"},
      {post, "/api/lots", CreateLot, A::kAuthenticated, "caviar",
       "Grade a tinned batch into a lot by its product's scale; builds the CITES label (manager)", {}, "NewLot", "Lot"},
      {get, "/api/lots/{code}", GetLot, A::kAuthenticated, "caviar", "One graded lot", {}, "", "Lot"},
      {post, "/api/tins", CreateTin, A::kAuthenticated, "caviar",
       "Fill a tin from a lot's remaining roe (worker)", {}, "NewTin", "Tin"},
      {get, "/api/tins/{code}", GetTin, A::kAuthenticated, "caviar", "One tin", {}, "", "Tin"},
      {get, "/api/tins/{code}/label", GetTinLabel, A::kAuthenticated, "caviar",
       "A tin's label as text: CITES code, net weight, grade, trace URI", {}, "", "Text"},
      {get, "/api/tins/{code}/label.png", GetTinLabelQr, A::kAuthenticated, "caviar",
       "A tin's QR code (PNG) holding its trace URI", {}, "", "QrPng"},
      {post, "/api/cases", CreateCase, A::kAuthenticated, "caviar", "Pack tins into a case (worker)", {}, "NewCase",
       "Case"},
      {get, "/api/cases/{code}", GetCase, A::kAuthenticated, "caviar", "One case with its tins", {}, "", "Case"},
      {post, "/api/shipments", CreateShipment, A::kAuthenticated, "caviar", "Ship cases (manager)", {},
       "NewShipment", "Shipment"},
      {get, "/api/shipments", ListShipments, A::kAuthenticated, "caviar",
       "Shipments whose every tin comes from the user's farms", {"limit", "cursor"}, "", "ShipmentPage"},
      {get, "/api/shipments/{code}", GetShipment, A::kAuthenticated, "caviar", "One shipment with its cases", {}, "",
       "Shipment"},
      {post, "/api/shipments/{code}/readings", CreateReadings, A::kAuthenticated, "caviar",
       "Store a shipment's logger readings (JSON or CSV), all or nothing (worker); answers the cold-chain report",
       {"product"}, "NewReadings", "ReadingsResult", kBulkBodyLimit},
      {get, "/api/shipments/{code}/cold-chain", GetColdChain, A::kAuthenticated, "caviar",
       "A shipment's cold chain: readings, excursions and the tins they affect", {"product", "warm_minutes"}, "",
       "ColdChain"},
      {get, "/api/trace", GetBackwardTrace, A::kAuthenticated, "caviar",
       "Backward trace of a tin (tin=ID) or a lot (label=CITES code): batch, fish, pool, farm, parents",
       {"tin", "label"}, "", "Trace"},
      {get, "/api/recall", GetRecall, A::kAuthenticated, "caviar",
       "Forward trace (recall) of a fish or a pool: harvests, lots, totals, shipments and a page of tins",
       {"fish", "pool", "limit", "cursor"}, "", "Recall"},
      {get, "/api/epcis", GetEpcis, A::kAuthenticated, "caviar",
       "EPCIS 2.0 document (JSON-LD) of a lot or a shipment", {"lot", "shipment", "product"}, "", "EpcisDocument"},
      {get, "/api/products", ListProducts, A::kAuthenticated, "caviar",
       "Products: salt range, seal limit, grading scale, cold-chain range", {}, "", "ProductPage"},
      {get, "/api/products/{name}", GetProduct, A::kAuthenticated, "caviar", "One product's settings", {}, "",
       "Product"},
      {put, "/api/products/{name}", PutProduct, A::kAuthenticated, "caviar", "Create or replace a product (admin)",
       {}, "Product", "Product"},

      {get, "/api/sexings", ListSexings, A::kAuthenticated, "sexing", "Ultrasound sexing records", kList, "",
       "SexingPage"},
      {post, "/api/sexings", CreateSexing, A::kAuthenticated, "sexing",
       "Record an ultrasound sexing; sets the fish's sex (worker)", {}, "NewSexing", "Sexing"},

      {get, "/api/biopsies", ListBiopsies, A::kAuthenticated, "biopsies", "Egg biopsies", kList, "", "BiopsyPage"},
      {post, "/api/biopsies", CreateBiopsy, A::kAuthenticated, "biopsies", "Record an egg biopsy (worker)", {},
       "NewBiopsy", "Biopsy"},

      {post, "/api/pools/{code}/stocktakes/jobs", CreateStocktakeJob, A::kAuthenticated, "stocktake jobs",
       "Upload drone footage of a pool to be counted (manager); answers 202 with the queued job",
       {"time", "altitude_m", "hfov_deg"},
       "Video", "StocktakeJob", kVideoBodyLimit},
      {get, "/api/pools/{code}/stocktakes/jobs", ListPoolStocktakeJobs, A::kAuthenticated, "stocktake jobs",
       "A pool's stocktake jobs, newest first", {}, "", "StocktakeJobList"},
      {get, "/api/stocktake-jobs/{id}", GetStocktakeJob, A::kAuthenticated, "stocktake jobs",
       "A stocktake job: state, progress, and when done the count and its variance against the book", {}, "",
       "StocktakeJob"},
      {get, "/api/stocktake-jobs/{id}/snapshot.png", GetStocktakeJobSnapshot, A::kAuthenticated, "stocktake jobs",
       "The annotated frame of a counted job (PNG)", {}, "", "Png"},
      {post, "/api/stocktake-jobs/{id}/accept", AcceptStocktakeJob, A::kAuthenticated, "stocktake jobs",
       "Store a counted job as the pool's new book count (manager)", {}, "", "AcceptedStocktake"},

      {get, "/", GetDashboard, A::kPublic, "dashboard", "The web dashboard (HTML; signs in with a token)", {}, "",
       "Html"},
      {get, "/assets/{name}", GetDashboardAsset, A::kPublic, "dashboard", "A file of the web dashboard", {}, "",
       "Asset"},
      {get, "/api/overview", GetOverview, A::kAuthenticated, "dashboard",
       "Company overview: the user's farms with head count, biomass and alerts", {}, "", "Overview"},
      {get, "/api/farms/{code}/overview", GetFarmOverview, A::kAuthenticated, "dashboard",
       "A farm's pools with fill, last count and variance against the book, and its alerts", {}, "",
       "FarmOverview"},
      {get, "/api/pools/{code}/overview", GetPoolOverview, A::kAuthenticated, "dashboard",
       "A pool's growth, water quality with alert bands, feedings, deaths and last stocktake", {"from", "to"}, "",
       "PoolOverview"},
      {get, "/api/shipments/{code}/readings", GetShipmentReadings, A::kAuthenticated, "dashboard",
       "A shipment's logger readings in time order, for its temperature chart", {}, "", "ShipmentReadings"},
      {get, "/api/caviar-alerts", GetCaviarAlerts, A::kAuthenticated, "dashboard",
       "Cold-chain excursions and batches sealed over the limit, from the user's farms", {}, "", "CaviarAlerts"},
  };
  return kRoutes;
}

}  // namespace sturgeon::api
