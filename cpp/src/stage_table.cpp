// The stage table, expanded from LOGITKIT_STAGES: names, kinds, the two order presets and each
// stage's unit (defined in cpp/src/stages/).
#include "logitkit/sampler.h"
#include "stage.h"

namespace logitkit {

#define LOGITKIT_DECLARE_UNIT(id, name, kind) extern const StageUnit k##id##Stage;
LOGITKIT_STAGES(LOGITKIT_DECLARE_UNIT)
#undef LOGITKIT_DECLARE_UNIT

namespace {

#define LOGITKIT_UNIT_ADDRESS(id, name, kind) &k##id##Stage,
const StageUnit* const kUnits[kStageCount] = {LOGITKIT_STAGES(LOGITKIT_UNIT_ADDRESS)};
#undef LOGITKIT_UNIT_ADDRESS

#define LOGITKIT_STAGE_NAME(id, name, kind) name,
const char* const kNames[kStageCount] = {LOGITKIT_STAGES(LOGITKIT_STAGE_NAME)};
#undef LOGITKIT_STAGE_NAME

#define LOGITKIT_STAGE_KIND(id, name, kind) StageKind::kind,
const StageKind kKinds[kStageCount] = {LOGITKIT_STAGES(LOGITKIT_STAGE_KIND)};
#undef LOGITKIT_STAGE_KIND

}  // namespace

#define LOGITKIT_STAGE_VALUE(id, name, kind) Stage::k##id,
const Stage kOrderHF[kStageCount] = {LOGITKIT_STAGES(LOGITKIT_STAGE_VALUE)};
#undef LOGITKIT_STAGE_VALUE

#define LOGITKIT_PRESET_VALUE(id) Stage::k##id,
const Stage kOrderLlamaCpp[kStageCount] = {LOGITKIT_ORDER_LLAMA_CPP(LOGITKIT_PRESET_VALUE)};
#undef LOGITKIT_PRESET_VALUE

const StageUnit& unit_of(Stage stage) {
  return *kUnits[static_cast<size_t>(stage)];
}

StageKind stage_kind(Stage stage) {
  return kKinds[static_cast<size_t>(stage)];
}

const char* stage_name(Stage stage) {
  const size_t i = static_cast<size_t>(stage);
  return i < kStageCount ? kNames[i] : "?";
}

}  // namespace logitkit
