import { choiceFlag, numberFlag, stringFlag, type OptionSpecs, type ParsedArgs } from './args.js';
import { DEFAULT_MANIFEST } from '../manifest/default-manifest.js';
import type { PlanRequest } from './prepare-plan.js';
import { PLAN_FORMATS, type PlanFormat } from './render-plan.js';

/** Flags `plan` and `reconcile` share. */
export const PLAN_OPTIONS = {
  file: { type: 'string', short: 'f' },
  state: { type: 'string' },
  format: { type: 'string' },
  resync: { type: 'boolean' },
  'max-delete-percent': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpecs;

export function planRequestFrom(values: ParsedArgs['values'], usage: string): PlanRequest & { format: PlanFormat } {
  return {
    manifestPath: stringFlag(values, 'file') ?? DEFAULT_MANIFEST,
    statePath: stringFlag(values, 'state'),
    resync: values['resync'] === true,
    maxDeletePercent: numberFlag(values, 'max-delete-percent', 25, { min: 0, max: 100, integer: false }, usage),
    allowMassDelete: values['allow-mass-delete'] === true,
    format: choiceFlag(values, 'format', PLAN_FORMATS, 'text', usage),
  };
}
