import { readFile } from 'node:fs/promises';
import { BiotSubsError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { parseSavedPlan } from '../render/plan-json.js';

/** Reads a plan saved by `plan --out`; a missing or malformed file is the user's to fix. */
export async function loadSavedPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BiotSubsError(`cannot read the saved plan ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseSavedPlan(text, path);
}
