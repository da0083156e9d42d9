/**
 * biot-subs as a library (the package's "." export): the same pieces the CLI composes, for
 * teams that drive it from their own scripts or tests. Load and validate a manifest, plan
 * against a state, apply with the BioT client, render; the emulator for pipeline tests.
 */
export * from './manifest/index.js';
export * from './state/index.js';
export { planChanges, planHasChanges, type PlanInput } from './plan/plan-changes.js';
export { savedPlanMismatch } from './plan/saved-plan.js';
export type { MassDeleteRefusal, Operation, Plan, PlanSummary } from './plan/types.js';
export { applyPlan, type ApplyPlanOptions } from './apply/apply-plan.js';
export { executePlan, isSuccess, type OperationRecorder, type SubscriptionCalls } from './apply/execute-plan.js';
export { resolveEndpoints } from './apply/resolve-endpoints.js';
export type { ApplyReport, OperationOutcome, OperationResult } from './apply/types.js';
export { createBiotClient, type BiotClient, type BiotClientOptions } from './biot/client.js';
export { baseUrlFromEnv, credentialsFromEnv } from './biot/credentials.js';
export type { CallOutcome, Credentials } from './biot/types.js';
export { renderPlanText, shouldColor } from './render/plan-text.js';
export { renderPlanMarkdown } from './render/plan-markdown.js';
export { parseSavedPlan, renderPlanJson } from './render/plan-json.js';
export { renderApplyReport } from './render/apply-report.js';
export { formatGithubAnnotation, formatProblem } from './render/problems.js';
export { maskEndpoint } from './render/mask-endpoint.js';
export { CATALOG, actionsOf } from './catalog/catalog.js';
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator/emulator.js';
export * from './errors.js';
export { subscriptionKey, type SubscriptionRef, type SubscriptionTriple } from './subscription.js';
export { sha256Hex } from './sha256.js';
