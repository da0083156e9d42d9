import { baseUrlFromEnv } from '../../biot/credentials.js';
import { BiotSubsError, UsageError } from '../../errors.js';
import { existsSync } from 'node:fs';
import { actionsOf, CATALOG } from '../../catalog/catalog.js';
import { didYouMean } from '../../catalog/suggest.js';
import { checkEndpoint } from '../../manifest/endpoint-check.js';
import { loadManifest } from '../../manifest/load-manifest.js';
import { resolveTemplate } from '../../manifest/variables.js';
import { maskEndpoint } from '../../render/mask-endpoint.js';
import { printable } from '../../render/printable.js';
import { unlockState } from '../../state/lock.js';
import { findEntries, importEntry, removeEntry } from '../../state/state-entries.js';
import { newState, readState, serializeState, writeState } from '../../state/state-file.js';
import { defaultStatePath, lockPath } from '../../state/state-path.js';
import type { State, StateEntry } from '../../state/types.js';
import { subscriptionKey } from '../../subscription.js';
import { sha256Hex } from '../../sha256.js';
import { parseCommandArgs, type ParsedArgs, showHelp, stringFlag } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { DEFAULT_MANIFEST } from '../../manifest/default-manifest.js';
import { withLockedState } from '../locked-state.js';
import { checkTarget } from '../prepare-plan.js';
import { USAGE } from '../usage.js';

const SUBCOMMANDS = { list: 0, show: 0, import: 3, rm: 3, unlock: 0 } as const;
type Subcommand = keyof typeof SUBCOMMANDS;

export async function runState(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const usage = USAGE.state;
  const { values, positionals } = parseCommandArgs(
    argv,
    { file: { type: 'string', short: 'f' }, state: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    usage,
    { min: 1, max: 4 },
  );
  if (values['help']) return showHelp(ctx, usage);
  const [sub, ...args] = positionals;
  if (!isSubcommand(sub)) throw new UsageError(`unknown state command '${sub ?? ''}'`, usage);
  if (args.length !== SUBCOMMANDS[sub]) {
    throw new BiotSubsError(`'state ${sub}' takes ${SUBCOMMANDS[sub] === 0 ? 'no arguments' : 'ENTITY ACTION ENDPOINT'}`);
  }
  const statePath = statePathFrom(values);
  switch (sub) {
    case 'list':
      return listState(await readState(statePath), statePath, ctx);
    case 'show': {
      const state = await readState(statePath);
      if (!state) throw new BiotSubsError(`${statePath} does not exist: nothing has been applied yet`);
      ctx.stdout.write(printable(serializeState(state), { keepNewlines: true }));
      return 0;
    }
    case 'unlock': {
      const existed = existsSync(lockPath(statePath));
      const holder = await unlockState(statePath);
      ctx.stdout.write(
        holder
          ? `removed the lock held by pid ${holder.pid} on ${printable(holder.host)} (${printable(holder.command)}, since ${printable(holder.startedAt)})\n`
          : existed
            ? 'removed an unreadable lock\n'
            : 'no lock was held\n',
      );
      return 0;
    }
    case 'import':
      return importSubscription(statePath, manifestFrom(values), args as [string, string, string], ctx);
    case 'rm':
      return forgetSubscription(statePath, args as [string, string, string], ctx);
  }
}

function listState(state: State | null, statePath: string, ctx: CliContext): ExitCode {
  if (!state) {
    ctx.stdout.write(`${statePath}: no state yet (nothing applied)\n`);
    return 0;
  }
  const count = state.subscriptions.length;
  ctx.stdout.write(
    `${statePath}: ${count} subscription${count === 1 ? '' : 's'} applied to ${state.target ?? '(no environment yet)'} (serial ${state.serial})\n`,
  );
  for (const entry of state.subscriptions) {
    const flag = entry.uncertain ? '  (uncertain: re-asserted by the next reconcile)' : '';
    // The state may come from a pull request: its text must not steer the terminal or the CI log.
    ctx.stdout.write(`${printable(entry.entityTypeName)}\t${printable(entry.actionName)}\t${printable(maskEndpoint(entry.endpoint))}${flag}\n`);
  }
  return 0;
}

/** Adopts a subscription made outside biot-subs, so the next plan counts it as applied. No call. */
async function importSubscription(
  statePath: string,
  manifestPath: string,
  [entityTypeName, actionName, endpoint]: [string, string, string],
  ctx: CliContext,
): Promise<ExitCode> {
  await checkEventNames(entityTypeName, actionName, manifestPath, ctx);
  const check = checkEndpoint(endpoint, ctx.env, { allowHttp: true });
  if (!check.ok) throw new BiotSubsError(check.messages.join('; '));
  const target = ctx.env['BIOT_BASE_URL'] ? baseUrlFromEnv(ctx.env) : null;
  if (target === null) {
    ctx.stderr.write(
      'biot-subs: warning: BIOT_BASE_URL is not set, so the state is not bound to an environment yet; the first reconcile binds it\n',
    );
  }
  return withLockedState(statePath, 'state import', ctx, async (state): Promise<ExitCode> => {
    // Importing says "this BioT holds it": the state of another environment must not adopt it.
    checkTarget(state, target, statePath);
    const current = state ? { ...state, target: state.target ?? target } : newState(target);
    const ref = { entityTypeName, actionName, endpoint, endpointSha256: sha256Hex(check.resolved) };
    if (findEntries(current, entityTypeName, actionName, ref.endpointSha256).some((e) => !e.uncertain)) {
      ctx.stdout.write(`already in the state: ${entityTypeName} ${actionName} ${maskEndpoint(endpoint)}\n`);
      return 0;
    }
    await writeState(statePath, importEntry(current, ref, new Date().toISOString()), state);
    ctx.stdout.write(`imported ${entityTypeName} ${actionName} ${maskEndpoint(endpoint)} into ${statePath}\n`);
    return 0;
  });
}

/** Forgets an entry without a call: BioT keeps the subscription, biot-subs stops managing it. */
async function forgetSubscription(
  statePath: string,
  [entityTypeName, actionName, endpoint]: [string, string, string],
  ctx: CliContext,
): Promise<ExitCode> {
  return withLockedState(statePath, 'state rm', ctx, async (state): Promise<ExitCode> => {
    if (!state) throw new BiotSubsError(`${statePath} does not exist: nothing to remove`);
    const candidates = findEntries(state, entityTypeName, actionName);
    // Match the template as recorded; failing that, what it resolves to with today's variables.
    let matches = candidates.filter((entry) => entry.endpoint === endpoint);
    if (matches.length === 0) {
      const resolved = resolveTemplate(endpoint, ctx.env);
      if (resolved.ok) matches = candidates.filter((entry) => entry.endpointSha256 === sha256Hex(resolved.value));
    }
    const several = matches.length > 1;
    if (several) matches = pickStale(matches, ctx.env, endpoint, statePath);
    const [entry] = matches;
    if (!entry) {
      throw new BiotSubsError(
        `no ${entityTypeName} ${actionName} subscription to ${maskEndpoint(endpoint)} in ${statePath}; see 'biot-subs state list'`,
      );
    }
    await writeState(statePath, removeEntry(state, subscriptionKey(entry)), state);
    const which = several ? ' (the entry applied with earlier variable values)' : '';
    ctx.stdout.write(`removed ${entityTypeName} ${actionName} ${maskEndpoint(entry.endpoint)}${which} from ${statePath} (BioT was not called)\n`);
    return 0;
  });
}

/**
 * One template applied with different variable values leaves several entries (a changed variable
 * blocks the old one's unsubscribe, and the plan says to forget it with `state rm`). The one to
 * forget is the entry today's variables no longer rebuild: the other is the one just applied.
 */
function pickStale(matches: StateEntry[], env: CliContext['env'], endpoint: string, statePath: string): StateEntry[] {
  const resolved = resolveTemplate(endpoint, env);
  const stale = matches.filter((entry) => !resolved.ok || sha256Hex(resolved.value) !== entry.endpointSha256);
  if (stale.length === 1) return stale;
  throw new BiotSubsError(
    `${matches.length} entries in ${statePath} have the endpoint ${maskEndpoint(endpoint)}, applied with different variable values; give the URL that was subscribed instead of the template to pick one`,
  );
}

function manifestFrom(values: ParsedArgs['values']): string {
  return stringFlag(values, 'file') ?? DEFAULT_MANIFEST;
}

function statePathFrom(values: ParsedArgs['values']): string {
  return stringFlag(values, 'state') ?? defaultStatePath(manifestFrom(values));
}

/**
 * An imported typo would be unsubscribed by the next reconcile while the real subscription stays
 * unmanaged: names are checked against the catalog and the manifest's extraActions, if it loads.
 */
async function checkEventNames(entity: string, action: string, manifestPath: string, ctx: CliContext): Promise<void> {
  const loaded = existsSync(manifestPath) ? await loadManifest(manifestPath, ctx.env) : null;
  const extra = loaded?.ok ? loaded.manifest.extraActions : {};
  const entities = [...CATALOG.keys(), ...Object.keys(extra)];
  if (!entities.includes(entity)) {
    throw new BiotSubsError(`unknown entity type '${printable(entity)}'${didYouMean(entity, entities)}; see 'biot-subs catalog'`);
  }
  const actions = actionsOf(entity, extra);
  if (!actions.includes(action)) {
    throw new BiotSubsError(
      `unknown action '${printable(action)}' for ${entity}${didYouMean(action, actions)}; newer actions go in the manifest's extraActions`,
    );
  }
}

function isSubcommand(name: string | undefined): name is Subcommand {
  return name !== undefined && Object.hasOwn(SUBCOMMANDS, name);
}
