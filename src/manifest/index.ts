/** The manifest module's public surface. */
export { loadManifest } from './load-manifest.js';
export { parseManifest } from './parse-manifest.js';
export { parseTemplate, resolveTemplate, variableNames } from './variables.js';
export type { ParsedTemplate, TemplatePart, TemplateResolution } from './variables.js';
export { checkEndpoint } from './endpoint-check.js';
export type { EffectivePolicy, EndpointCheck } from './endpoint-check.js';
export { MAX_MANIFEST_BYTES } from './limits.js';
export type { Environment, Manifest, ManifestPolicy, ManifestProblems, ManifestResult } from './types.js';
