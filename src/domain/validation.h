// Domain rules for single records, independent of storage. Each returns OK or
// an InvalidArgument Status naming the field and the offending value.
#pragma once

#include <string_view>

#include "core/status.h"
#include "domain/model.h"

namespace sturgeon {

// 15 decimal digits (ISO 11784 FDX-B).
Status ValidatePitTag(std::string_view tag);
// Three capital letters, or "MMM x FFF" for a hybrid.
Status ValidateSpeciesCode(std::string_view code);
// 1-40 characters of A-Z, 0-9, '-', '_' and '.'.
Status ValidateCode(std::string_view field, std::string_view code);

Status Validate(const Farm& farm);
Status Validate(const Pool& pool);
Status Validate(const Species& species);
Status Validate(const Cohort& cohort);
Status Validate(const Fish& fish);
Status Validate(const Move& move);
Status Validate(const Removal& removal);
Status Validate(const Stocktake& stocktake);
Status Validate(const DailyStatus& status);
Status Validate(const Feeding& feeding);
Status Validate(const WaterQuality& water);
Status Validate(const Sexing& sexing);
Status Validate(const Biopsy& biopsy);

}  // namespace sturgeon
