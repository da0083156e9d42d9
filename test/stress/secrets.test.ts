/**
 * Promise: no credential ever leaves biot-subs. For every command and output format, for failing
 * logins, faults, a 401 mid-run and a run killed mid-apply: the service-user secret key, the
 * password, BIOT_TOKEN, every access and refresh token the emulator issued (sniffed by a proxy
 * between the CLI and the emulator), variable-supplied URL secrets and literal URL passwords never
 * appear in stdout, stderr, the state, the journal, the lock (while held) or a saved plan.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.js';
import {
  cli,
  figure,
  inTempDir,
  manifestYaml,
  sleep,
  spawnCli,
  waitFor,
  type Entry,
  type SpawnedResult,
} from './helpers.js';

const SERVICE_ID = 'svc-reconciler';
const SECRET_KEY = 'svc-S3cretKey-0a1b2c3d4e5f';
const USERNAME = 'ops@example.com';
const PASSWORD = 'usr-Pa55word-9z8y7x6w';
const HOOK_KEY = 's3cr3t-hook-key-5f6e7d8c';
const PLUGIN_SECRET_PATH = 'PluginPathSecret77xq';
const LITERAL_URL_PASSWORD = 'Lit3ralUrlPassw0rd';
const LITERAL_QUERY_VALUE = 'L1teralQueryVal99';
const BASE_URL_PASSWORD = 'BaseUrlPassw0rd55';
const WRONG_SECRET = 'wrong-Secret-XYZ123abc';
const WRONG_PASSWORD = 'wrong-Passw0rd-QRS456';
const BOGUS_TOKEN = 'bogus-Token-abc987def654';

/** Records every token the emulator hands out or the CLI sends, passing everything through. */
class SniffingProxy {
  readonly tokens = new Set<string>();
  readonly bodies: string[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.sniffHeaders(req.headers);
        const up = request(`${this.upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            this.sniffBody(text);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
          answer.on('error', () => res.destroy());
        });
        // A dropped connection upstream is dropped downstream too.
        up.on('error', () => res.destroy());
        up.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private sniffHeaders(headers: IncomingHttpHeaders): void {
    const auth = headers.authorization;
    if (auth?.startsWith('Bearer ')) this.tokens.add(auth.slice('Bearer '.length));
  }

  private sniffBody(text: string): void {
    this.bodies.push(text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    const visit = (v: unknown, key: string): void => {
      if (typeof v === 'string' && /token|jwt/i.test(key) && v.length >= 8) this.tokens.add(v);
      else if (v !== null && typeof v === 'object') for (const [k, inner] of Object.entries(v)) visit(inner, k === 'token' ? key + k : k);
    };
    visit(value, '');
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_m, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[n] ?? '');
}

interface Captured {
  label: string;
  text: string;
}

describe('secrets never leak', () => {
  let emulator: RunningEmulator;
  let proxy: SniffingProxy;
  const captured: Captured[] = [];
  const capture = (label: string, text: string): void => void captured.push({ label, text });
  const captureRun = (label: string, run: SpawnedResult): SpawnedResult => {
    capture(`${label} stdout`, run.stdout);
    capture(`${label} stderr`, run.stderr);
    return run;
  };
  let readyToken = '';

  beforeAll(async () => {
    emulator = await startEmulator({ serviceUsers: { [SERVICE_ID]: SECRET_KEY }, users: { [USERNAME]: PASSWORD } });
    proxy = new SniffingProxy(emulator.url);
    await proxy.start();
    // A ready token for BIOT_TOKEN, from a login the test makes itself (through the sniffer).
    const answer = await fetch(`${proxy.url}/ums/v2/services/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: SERVICE_ID, secretKey: SECRET_KEY }),
    });
    readyToken = ((await answer.json()) as { accessToken: string }).accessToken;
  });
  afterAll(async () => {
    await proxy.close();
    await emulator.close();
  });

  it('in every output, file and failure of every command', async () => {
    await inTempDir(async (dir) => {
      const manifest = join(dir, 'subscriptions.yaml');
      const statePath = join(dir, 'subscriptions.state.json');
      const vars = { HOOK_KEY, PLUGIN_BASE_URL: `https://plugins.example.com/${PLUGIN_SECRET_PATH}` };
      const serviceEnv = { BIOT_BASE_URL: proxy.url, BIOT_SERVICE_USER_ID: SERVICE_ID, BIOT_SERVICE_USER_SECRET_KEY: SECRET_KEY, ...vars };
      const userEnv = { BIOT_BASE_URL: proxy.url, BIOT_USERNAME: USERNAME, BIOT_PASSWORD: PASSWORD, ...vars };
      const tokenEnv = { BIOT_BASE_URL: proxy.url, BIOT_TOKEN: readyToken, ...vars };
      const base: Entry[] = [
        { entityTypeName: 'command', actionName: '_create', endpoint: 'https://fn.example.org/api/cmd?code=${HOOK_KEY}' },
        { entityTypeName: 'command', actionName: '_start', endpoint: 'https://fn.example.org/api/cmd?code=${HOOK_KEY}' },
        { entityTypeName: 'patient', actionName: '_create', endpoint: `https://hooks.example.com/biot/patient?token=${LITERAL_QUERY_VALUE}&v=1` },
        { entityTypeName: 'device', actionName: '_create', endpoint: '${PLUGIN_BASE_URL}/device' },
        { entityTypeName: 'device', actionName: '_delete', endpoint: '${PLUGIN_BASE_URL}/device' },
      ];
      const extra = (n: number): Entry[] =>
        ['_update', '_read', '_list', '_generateCertificate', '_revokeCertificate', '_activateCertificate', '_command'].slice(0, n).map((actionName) => ({
          entityTypeName: 'device',
          actionName,
          endpoint: 'https://fn.example.org/api/dev?code=${HOOK_KEY}&sig=${HOOK_KEY}',
        }));
      const setManifest = (entries: Entry[]): Promise<void> => writeFile(manifest, manifestYaml(entries));
      const reconcile = (env: Record<string, string>, ...flags: string[]): Promise<SpawnedResult> =>
        cli(['reconcile', '-f', manifest, '--auto-approve', '--allow-mass-delete', ...flags], env);

      // validate, then plan in every format, saved with --out.
      await setManifest(base);
      expect(captureRun('validate', await cli(['validate', '-f', manifest], vars)).code).toBe(0);
      for (const format of ['text', 'markdown', 'json']) {
        const out = join(dir, `plan-${format}.json`);
        const run = captureRun(`plan ${format}`, await cli(['plan', '-f', manifest, '--format', format, '--out', out, '--detailed-exitcode'], { ...vars, BIOT_BASE_URL: proxy.url }));
        expect(run.code, run.stderr).toBe(2);
      }

      // reconcile with each identity and format.
      expect(captureRun('reconcile service-user text', await reconcile(serviceEnv)).code).toBe(0);
      await setManifest([...base.slice(0, 4), ...extra(1)]);
      expect(captureRun('reconcile user markdown', await reconcile(userEnv, '--format', 'markdown')).code).toBe(0);
      await setManifest([...base, ...extra(2)]);
      expect(captureRun('reconcile token json', await reconcile(tokenEnv, '--format', 'json')).code).toBe(0);

      // A 401 mid-run (tokens revoked while the first call waits): the user login refreshes.
      await setManifest([...base, ...extra(3)]);
      emulator.queueFaults('slow:400');
      const callsBefore = emulator.stats().subscribeCalls;
      const renewing = spawnCli(['reconcile', '-f', manifest, '--auto-approve', '--allow-mass-delete'], userEnv);
      expect(await waitFor(() => emulator.stats().subscribeCalls > callsBefore, 10_000)).toBe(true);
      emulator.expireTokens();
      const renewed = captureRun('reconcile after a 401', await renewing.done);
      expect(renewed.code, renewed.stderr).toBe(0);
      expect(emulator.stats().unauthorized).toBeGreaterThan(0);
      expect(emulator.stats().refreshes).toBeGreaterThan(0);

      // Faults with no retries: every failure is reported, with BioT's messages.
      await setManifest([...base, ...extra(6)]);
      emulator.queueFaults('http-500', 'drop', 'lost-502', 'http-429', 'lost-drop', 'http-503', 'lost-504');
      const faulty = captureRun('reconcile with faults', await reconcile(serviceEnv, '--retries', '0', '--concurrency', '1'));
      expect(faulty.code).toBe(1);
      expect(faulty.stdout).toMatch(/Failed \(\d+\)/);
      expect(captureRun('reconcile converging', await reconcile(serviceEnv)).code).toBe(0);

      // Killed mid-apply: the lock (while held) and the journal it leaves.
      await setManifest([...base, ...extra(7)]);
      emulator.queueFaults('slow:3000');
      const victimBefore = emulator.stats().subscribeCalls;
      const victim = spawnCli(['reconcile', '-f', manifest, '--auto-approve', '--allow-mass-delete'], serviceEnv);
      expect(await waitFor(() => emulator.stats().subscribeCalls > victimBefore, 10_000)).toBe(true);
      await sleep(100);
      capture('lock while held', await readFile(`${statePath}.lock`, 'utf8'));
      const journal = await readFile(`${statePath}.journal`, 'utf8');
      expect(journal).toMatch(/"intent"/);
      capture('journal of a running apply', journal);
      victim.child.kill('SIGKILL');
      captureRun('killed run', await victim.done);
      // Every file beside the state (the manifests are the user's own input: not scanned).
      for (const name of await readdir(dir)) if (!name.endsWith('.yaml')) capture(`after the kill: ${name}`, await readFile(join(dir, name), 'utf8'));
      const recovered = captureRun('rerun recovering the journal', await reconcile(serviceEnv));
      expect(recovered.code, recovered.stderr).toBe(0);
      expect(recovered.stderr).toMatch(/recovered the journal/);

      // state commands and the catalog.
      captureRun('state list', await cli(['state', 'list', '--state', statePath], vars));
      captureRun('state show', await cli(['state', 'show', '--state', statePath], vars));
      const adopted = 'https://fn.example.org/api/adopted?code=${HOOK_KEY}';
      expect(captureRun('state import', await cli(['state', 'import', 'patient', '_delete', adopted, '--state', statePath], { ...vars, BIOT_BASE_URL: proxy.url })).code).toBe(0);
      expect(captureRun('state rm', await cli(['state', 'rm', 'patient', '_delete', adopted, '--state', statePath], vars)).code).toBe(0);
      const literalImport = captureRun(
        'state import with a literal password',
        await cli(['state', 'import', 'patient', '_delete', `https://u:${LITERAL_URL_PASSWORD}@hooks.example.com/x`, '--state', statePath], vars),
      );
      expect(literalImport.code).toBe(1);
      captureRun('catalog', await cli(['catalog'], {}));
      captureRun('catalog json', await cli(['catalog', '--format', 'json'], {}));

      // Failing logins: the wrong values are not echoed either.
      await setManifest([...base, ...extra(7).slice(0, 6)]);
      for (const [label, env] of [
        ['wrong secret key', { ...serviceEnv, BIOT_SERVICE_USER_SECRET_KEY: WRONG_SECRET }],
        ['wrong password', { ...userEnv, BIOT_PASSWORD: WRONG_PASSWORD }],
        ['bogus token', { ...tokenEnv, BIOT_TOKEN: BOGUS_TOKEN }],
      ] as const) {
        const run = captureRun(label, await reconcile(env));
        expect(run.code, `${label}: ${run.stderr}`).toBe(1);
        expect(run.stderr + run.stdout).toMatch(/401|refused|invalid|credentials/i);
      }

      // BIOT_BASE_URL holding a password: refused without echoing it.
      const withPassword = proxy.url.replace('http://', `http://admin:${BASE_URL_PASSWORD}@`);
      const baseUrlRun = captureRun('BIOT_BASE_URL with a password', await reconcile({ ...serviceEnv, BIOT_BASE_URL: withPassword }));
      expect(baseUrlRun.code).toBe(1);

      // A literal URL password in the manifest: rejected by validation (it would land in git),
      // by every command, without echoing it; also as GitHub annotations.
      const leaky = join(dir, 'leaky.yaml');
      await writeFile(leaky, manifestYaml([{ entityTypeName: 'patient', actionName: '_update', endpoint: `https://deploy:${LITERAL_URL_PASSWORD}@hooks.example.com/x` }]));
      for (const argv of [
        ['validate', '-f', leaky],
        ['plan', '-f', leaky, '--format', 'markdown', '--state', join(dir, 'leaky.state.json')],
        ['reconcile', '-f', leaky, '--auto-approve', '--state', join(dir, 'leaky.state.json')],
      ]) {
        for (const github of [false, true]) {
          const run = captureRun(`${argv[0] ?? ''} of a literal password${github ? ' (GitHub)' : ''}`, await cli(argv, { ...serviceEnv, ...(github ? { GITHUB_ACTIONS: 'true' } : {}) }));
          expect(run.code).toBe(1);
          expect(run.stderr).toMatch(/password/);
          if (github) expect(run.stdout).toMatch(/::error file=/);
        }
      }

      // Every file left: state, saved plans.
      for (const name of await readdir(dir)) if (!name.endsWith('.yaml')) capture(`file ${name}`, await readFile(join(dir, name), 'utf8'));

      // The sniffer saw the tokens: the check below is not vacuous.
      const tokens = [...proxy.tokens];
      expect(tokens.filter((t) => t.startsWith('emu-at-')).length).toBeGreaterThan(3);
      expect(tokens.filter((t) => t.startsWith('emu-rt-')).length).toBeGreaterThan(0);

      const secrets: Record<string, string> = {
        'service-user secret key': SECRET_KEY,
        password: PASSWORD,
        'BIOT_TOKEN': readyToken,
        'variable HOOK_KEY': HOOK_KEY,
        'secret in a variable URL': PLUGIN_SECRET_PATH,
        'literal URL password': LITERAL_URL_PASSWORD,
        'password in BIOT_BASE_URL': BASE_URL_PASSWORD,
        'wrong secret key': WRONG_SECRET,
        'wrong password': WRONG_PASSWORD,
        'bogus token': BOGUS_TOKEN,
        ...Object.fromEntries(tokens.map((t, i) => [`issued token #${i}`, t])),
      };
      const leaks: string[] = [];
      for (const { label, text: raw } of captured) {
        // Markdown escapes characters as HTML entities: a leak there must not hide behind them.
        const text = `${raw}\n${decodeEntities(raw)}`;
        for (const [what, secret] of Object.entries(secrets)) {
          if (text.includes(secret) || text.includes(encodeURIComponent(secret))) leaks.push(`${what} in ${label}`);
        }
        // Literal query values are in the manifest (git) and so, by design, in the state's
        // templates (and `state show`, which prints the state file as it is); everything else
        // biot-subs prints, and saved plans, show them as ***.
        const shown = !/^(file |after the kill: )?subscriptions\.state\.json|^journal|^state show/.test(label);
        if (shown && text.includes(LITERAL_QUERY_VALUE)) leaks.push(`literal query value in ${label}`);
      }
      expect(leaks).toEqual([]);
      figure('secrets', { outputsScanned: captured.length, secretsChecked: Object.keys(secrets).length, tokensSniffed: tokens.length });
    });
  }, 180_000);
});
