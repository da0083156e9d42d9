/**
 * The shell the workflows and the action run, exercised for real: the state commit against local
 * git remotes, and the action's run step against a stand-in CLI that echoes its arguments.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'biot-subs-gh-'));
  temps.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

describe('.github/scripts/commit-state.sh', () => {
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: 'acme/subs',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_WORKFLOW: 'biot-subs apply',
    BRANCH: 'main',
    PUSH_RETRY_DELAY: '0',
    ...extra,
  });
  const script = join(root, '.github/scripts/commit-state.sh');
  const run = (cwd: string, extra: Record<string, string>): SpawnSyncReturns<string> =>
    spawnSync('bash', [script], { cwd, env: env(extra), encoding: 'utf8' });

  function setUp(): { remote: string; runner: string; other: string } {
    const base = tempDir();
    const remote = join(base, 'remote.git');
    git(base, 'init', '--bare', remote);
    git(base, 'clone', remote, 'seed');
    const seed = join(base, 'seed');
    writeFileSync(join(seed, 'subscriptions.yaml'), 'version: 1\nsubscriptions: []\n');
    writeFileSync(join(seed, 'subscriptions.state.json'), '{"serial": 1}\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '-m', 'seed');
    git(seed, 'push', 'origin', 'HEAD:main');
    git(base, 'clone', remote, 'runner');
    git(base, 'clone', remote, 'other');
    return { remote, runner: join(base, 'runner'), other: join(base, 'other') };
  }

  it('commits only the state, names the run, and rebases onto a push made meanwhile', () => {
    const { runner, other } = setUp();
    writeFileSync(join(runner, 'subscriptions.state.json'), '{"serial": 2}\n');
    writeFileSync(join(runner, 'subscriptions.state.json.journal'), 'journal\n');
    // Someone merges to main while the apply runs: the first push is refused.
    writeFileSync(join(other, 'subscriptions.yaml'), 'version: 1\nsubscriptions: [] # edited\n');
    git(other, 'commit', '-am', 'edit manifest');
    git(other, 'push', 'origin', 'HEAD:main');

    const result = run(runner, { STATE_FILE: 'subscriptions.state.json', LABEL: 'prod' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Push refused (attempt 1 of 5)');

    git(other, 'pull', '--rebase', 'origin', 'main');
    expect(git(other, 'log', '-2', '--format=%s')).toBe('biot-subs: prod state after biot-subs apply run 17\nedit manifest\n');
    expect(git(other, 'log', '-1', '--format=%b')).toContain('https://github.example/acme/subs/actions/runs/4242');
    expect(git(other, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('subscriptions.state.json');
    expect(readFileSync(join(other, 'subscriptions.state.json'), 'utf8')).toBe('{"serial": 2}\n');
  });

  it('does nothing when the state did not change or does not exist', () => {
    const { runner } = setUp();
    const head = git(runner, 'rev-parse', 'HEAD');
    expect(run(runner, { STATE_FILE: 'subscriptions.state.json' }).stdout).toContain('did not change');
    expect(run(runner, { STATE_FILE: 'subscriptions.dev.state.json' }).stdout).toContain('nothing was applied');
    expect(git(runner, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('fails with an annotation when the state changed on the branch too', () => {
    const { runner, other } = setUp();
    writeFileSync(join(runner, 'subscriptions.state.json'), '{"serial": 2}\n');
    writeFileSync(join(other, 'subscriptions.state.json'), '{"serial": 9}\n');
    git(other, 'commit', '-am', 'state edited by hand');
    git(other, 'push', 'origin', 'HEAD:main');
    const result = run(runner, { STATE_FILE: 'subscriptions.state.json' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::Cannot rebase the state commit onto main');
  });
});

describe('action.yml run step', () => {
  interface ActionStep {
    id?: string;
    run?: string;
  }
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { runs: { steps: ActionStep[] } };
  const script = action.runs.steps.find((s) => s.id === 'run')?.run ?? '';

  function runAction(inputs: Record<string, string>, exitCode = 0): { argv: string[]; outputs: Record<string, string>; status: number | null; dir: string; stdout: string } {
    const dir = tempDir();
    const actionPath = join(dir, 'action');
    mkdirSync(join(actionPath, 'dist/cli'), { recursive: true });
    // A stand-in CLI: prints its arguments, exits as told.
    writeFileSync(
      join(actionPath, 'dist/cli/bin.cjs'),
      'process.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n"); process.exitCode = Number(process.env.FAKE_EXIT);\n',
    );
    const work = join(dir, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'some-file.txt'), ''); // a glob would expand to it
    writeFileSync(join(dir, 'run.sh'), script);
    const outputFile = join(dir, 'github-output');
    writeFileSync(outputFile, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'run.sh')], {
      cwd: work,
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'],
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: dir,
        FAKE_EXIT: String(exitCode),
        INPUT_COMMAND: 'plan',
        INPUT_MANIFEST: 'subscriptions.yaml',
        INPUT_STATE: '',
        INPUT_FORMAT: '',
        INPUT_ARGS: '',
        ...inputs,
      },
    });
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const echoed = result.stdout.split('\n').find((line) => line.startsWith('['));
    const argv = echoed ? (JSON.parse(echoed) as string[]) : [];
    return { argv, outputs, status: result.status, dir, stdout: result.stdout };
  }

  it('builds the command line from the inputs and reports the exit code and files', () => {
    const { argv, outputs, status, dir } = runAction({ INPUT_STATE: 'subscriptions.dev.state.json', INPUT_FORMAT: 'markdown', INPUT_ARGS: ' --detailed-exitcode  --resync ' }, 2);
    expect(argv).toEqual(['plan', '-f', 'subscriptions.yaml', '--state', 'subscriptions.dev.state.json', '--format', 'markdown', '--out', join(dir, 'biot-subs-plan.json'), '--detailed-exitcode', '--resync']);
    expect(status).toBe(0); // 2: the plan has changes, not a failure
    expect(outputs).toEqual({ 'plan-file': join(dir, 'biot-subs-plan.json'), 'output-file': join(dir, 'biot-subs-output.txt'), 'exit-code': '2' });
    expect(readFileSync(outputs['output-file'] ?? '', 'utf8')).toContain('"plan"');
  });

  it('fails the step with the CLI exit code, and passes no --state or --format to validate', () => {
    const failed = runAction({ INPUT_COMMAND: 'reconcile', INPUT_ARGS: '--auto-approve' }, 1);
    expect(failed.status).toBe(1);
    expect(failed.outputs['exit-code']).toBe('1');
    expect(failed.argv).toEqual(['reconcile', '-f', 'subscriptions.yaml', '--auto-approve']);
    expect(runAction({ INPUT_COMMAND: 'validate', INPUT_STATE: 's.json', INPUT_FORMAT: 'json' }).argv).toEqual(['validate', '-f', 'subscriptions.yaml']);
    const bad = runAction({ INPUT_COMMAND: 'rm -rf' });
    expect(bad.status).toBe(1);
    expect(bad.argv).toEqual([]);
    expect(bad.stdout).toContain("::error::command must be validate, plan or reconcile, not 'rm -rf'");
    const forged = runAction({ INPUT_COMMAND: 'x\n::set-output name=exit-code::0 %0A' });
    expect(forged.stdout).toBe("::error::command must be validate, plan or reconcile, not 'x?::set-output name=exit-code::0 ?0A'\n");
  });

  it('passes hostile input values as data: no command substitution, no globbing', () => {
    const { argv, dir } = runAction({
      INPUT_MANIFEST: 'a b.yaml; touch pwned1',
      INPUT_ARGS: '$(touch pwned2) `touch pwned3` * --x',
    });
    expect(argv.slice(0, 3)).toEqual(['plan', '-f', 'a b.yaml; touch pwned1']);
    expect(argv.slice(5)).toEqual(['$(touch', 'pwned2)', '`touch', 'pwned3`', '*', '--x']);
    for (const name of ['pwned1', 'pwned2', 'pwned3']) expect(existsSync(join(dir, 'work', name))).toBe(false);
  });
});
