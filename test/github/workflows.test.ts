import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PLAN_COMMENT_MARKER } from '../../src/render/plan-markdown.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Concurrency {
  group: string;
  'cancel-in-progress'?: boolean;
}
interface Job {
  if?: string;
  environment?: string;
  concurrency?: Concurrency;
  permissions?: Record<string, string>;
  strategy?: { 'max-parallel'?: number; 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: Concurrency;
  jobs: Record<string, Job>;
}
interface CompositeAction {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: (Step & { shell?: string })[] };
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflowDir = join(root, '.github/workflows');
const workflowFiles = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
const validator = join(root, 'node_modules/.bin/action-validator');

function load<T>(relative: string): T {
  return parse(readFileSync(join(root, relative), 'utf8')) as T;
}
const workflow = (name: string): Workflow => load<Workflow>(`.github/workflows/${name}`);
const steps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((job) => job.steps);
const applyWorkflows = workflowFiles.filter((f) => f.startsWith('apply'));

describe('GitHub workflows and action', () => {
  it('has the expected workflows', () => {
    expect(workflowFiles.sort()).toEqual(['apply-environments.yml', 'apply.yml', 'ci.yml', 'plan.yml']);
  });

  it.each([...workflowFiles.map((f) => `.github/workflows/${f}`), 'action.yml'])('%s passes action-validator', (file) => {
    const result = spawnSync(validator, [join(root, file)], { encoding: 'utf8' });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  });

  it.each([...workflowFiles.map((f) => `.github/workflows/${f}`), 'action.yml'])(
    '%s interpolates no ${{ }} expression into a script (inputs and event fields go through env)',
    (file) => {
      const all: Step[] = file === 'action.yml' ? load<CompositeAction>(file).runs.steps : steps(load<Workflow>(file));
      const offenders = all
        .flatMap((step) => [step.run, step.with?.['script']].filter((s): s is string => s !== undefined).map((s) => ({ step, s })))
        .filter(({ s }) => s.includes('${{'))
        .map(({ step }) => step.name ?? step.id ?? step.uses ?? step.run);
      expect(offenders).toEqual([]);
    },
  );

  it('ci.yml runs npm ci and npm test on Node 20 and 24', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.jobs['test']?.strategy?.matrix?.['node']).toEqual([20, 24]);
    expect(steps(ci).map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test']);
  });

  it('plan.yml has exactly the least permissions, one run per PR, and posts one sticky comment', () => {
    const plan = workflow('plan.yml');
    expect(plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    for (const job of Object.values(plan.jobs)) expect(job.permissions).toBeUndefined();
    expect(plan.concurrency).toEqual({ group: 'plan-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    expect(plan.on['pull_request']).toMatchObject({ paths: expect.arrayContaining(['subscriptions.yaml', '*.state.json']) });

    const all = steps(plan);
    const planStep = all.find((s) => s.id === 'plan');
    expect(planStep?.run).toContain('plan -f subscriptions.yaml --format markdown --out plan.json --detailed-exitcode > plan.md');
    expect(planStep?.env?.['BIOT_BASE_URL']).toBe('${{ vars.BIOT_BASE_URL }}');
    for (const credential of ['BIOT_SERVICE_USER_ID', 'BIOT_SERVICE_USER_SECRET_KEY', 'BIOT_USERNAME', 'BIOT_PASSWORD', 'BIOT_TOKEN']) {
      expect(planStep?.env).not.toHaveProperty(credential);
    }

    const comment = all.find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(comment?.if).toContain('!github.event.pull_request.head.repo.fork');
    const script = comment?.with?.['script'] ?? '';
    expect(script).toContain(`'${PLAN_COMMENT_MARKER}'`); // the marker the markdown renderer writes
    expect(script).toContain('github.paginate(github.rest.issues.listComments');
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    const notice = all.find((s) => s.run?.includes('::notice'));
    expect(notice?.if).toBe('github.event.pull_request.head.repo.fork');
  });

  it.each(applyWorkflows)('%s never cancels an apply, commits the state with if: always(), and takes secrets from the environment', (file) => {
    const apply = workflow(file);
    expect(apply.permissions).toEqual({ contents: 'write' });
    expect(apply.on['workflow_dispatch']).toMatchObject({ inputs: { 'dry-run': { type: 'boolean' } } });
    for (const job of Object.values(apply.jobs)) {
      const concurrency = job.concurrency ?? apply.concurrency;
      expect(concurrency?.['cancel-in-progress']).toBe(false);
      expect(job.environment).toBeTruthy();
      const reconcile = job.steps.find((s) => s.name === 'Reconcile');
      expect(reconcile?.run).toContain('reconcile -f subscriptions.yaml --state "$STATE_FILE" --auto-approve');
      expect(reconcile?.run).toContain('--dry-run');
      expect(reconcile?.run).toContain('::add-mask::$BIOT_BASE_URL');
      expect(reconcile?.env).toMatchObject({
        BIOT_SERVICE_USER_ID: '${{ secrets.BIOT_SERVICE_USER_ID }}',
        BIOT_SERVICE_USER_SECRET_KEY: '${{ secrets.BIOT_SERVICE_USER_SECRET_KEY }}',
        BIOT_BASE_URL: '${{ vars.BIOT_BASE_URL }}',
      });
      const commit = job.steps.find((s) => s.run?.includes('commit-state.sh'));
      expect(commit?.if).toContain('always()');
    }
  });

  it.skipIf(!existsSync(join(root, 'subscriptions.yaml')))(
    "plan and apply set every variable the repository's manifest uses, alike",
    () => {
      const manifest = readFileSync(join(root, 'subscriptions.yaml'), 'utf8');
      const used = [...new Set([...manifest.matchAll(/^[^#\n]*?\$\{([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]))].sort();
      expect(used.length).toBeGreaterThan(0);
      const planEnv = steps(workflow('plan.yml')).find((s) => s.id === 'plan')?.env ?? {};
      const manifestVars = (env: Record<string, string>): Record<string, string> =>
        Object.fromEntries(Object.entries(env).filter(([name]) => used.includes(name)));
      expect(Object.keys(manifestVars(planEnv)).sort()).toEqual(used);
      for (const file of applyWorkflows) {
        const reconcile = steps(workflow(file)).find((s) => s.name === 'Reconcile');
        expect(manifestVars(reconcile?.env ?? {}), file).toEqual(manifestVars(planEnv));
      }
    },
  );

  it('apply-environments.yml applies dev, staging, prod one at a time, each with its own state', () => {
    const job = Object.values(workflow('apply-environments.yml').jobs)[0];
    expect(job?.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': false, matrix: { environment: ['dev', 'staging', 'prod'] } });
    expect(job?.environment).toBe('${{ matrix.environment }}');
    expect(job?.concurrency).toEqual({ group: 'biot-subs-apply-${{ matrix.environment }}', 'cancel-in-progress': false });
    expect(JSON.stringify(job)).toContain('subscriptions.${{ matrix.environment }}.state.json');
  });

  it('action.yml is a composite action with the documented inputs and outputs', () => {
    const action = load<CompositeAction>('action.yml');
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'command', 'format', 'manifest', 'node-version', 'state']);
    expect(action.inputs['command']?.default).toBe('plan');
    expect(action.inputs['manifest']?.default).toBe('subscriptions.yaml');
    expect(action.inputs['node-version']?.default).toBe('20');
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'output-file', 'plan-file']);
  });
});
