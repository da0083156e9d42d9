/**
 * Big manifests for the scale benchmark. The 1 MiB manifest limit leaves ~10 bytes per triple
 * at 100k triples, so entries use `actionNames: ["*"]` (every catalog action of the entity),
 * the way a large real manifest would; each entry has its own endpoint, and a last entry lists
 * actions explicitly to land on the exact count.
 */
import { actionsOf } from '../../dist/catalog/catalog.js';

const ENTITIES = ['patient', 'device', 'patient', 'caregiver'];

/** YAML text expanding to exactly `triples` subscriptions. */
export function scaleManifest(triples) {
  const lines = ['version: 1', 'subscriptions:'];
  let count = 0;
  for (let i = 0; count < triples; i++) {
    const entity = ENTITIES[i % ENTITIES.length];
    const actions = actionsOf(entity);
    const left = triples - count;
    lines.push(`  - entityTypeName: ${entity}`);
    if (actions.length <= left) {
      lines.push('    actionNames: ["*"]');
      count += actions.length;
    } else {
      lines.push(`    actionNames: [${actions.slice(0, left).join(', ')}]`);
      count += left;
    }
    lines.push(`    endpoint: https://hooks.example.com/e/${i}`);
  }
  return `${lines.join('\n')}\n`;
}
