/** Usage text of every command, kept together so `--help` and errors agree. */
export const USAGE = {
  main: `biot-subs: keep BioT notification subscriptions in git

Usage: biot-subs <command> [flags]

Commands:
  validate    check a manifest (no network)
  plan        show what reconcile would change (no network, no credentials)
  reconcile   make BioT match the manifest and record what was applied
  state       list|show|import|rm|unlock the last-applied state
  catalog     list the known entity types and actions
  emulator    run a local BioT emulator for tests and demos
  demo        plan and reconcile a manifest against an in-process emulator

Run 'biot-subs <command> --help' for a command's flags.
Flags: -h, --help   -v, --version`,

  validate: `Usage: biot-subs validate [-f subscriptions.yaml]

Checks the manifest: schema, entities and actions, variables, endpoint policy and duplicates.
Every problem is printed as file:line:col: message (and as a GitHub annotation when
GITHUB_ACTIONS=true). Exit 0 when valid, 1 otherwise. Makes no network call.

Flags:
  -f, --file PATH   the manifest (default: subscriptions.yaml)
  -h, --help        this help`,

  plan: `Usage: biot-subs plan [-f subscriptions.yaml] [--state PATH] [--format text|markdown|json]
                      [--out plan.json] [--detailed-exitcode] [--resync]

Shows what 'reconcile' would change. No network call, no state change, no credentials.
When BIOT_BASE_URL is set and differs from the state's target, the plan is refused.

Flags:
  -f, --file PATH          the manifest (default: subscriptions.yaml)
      --state PATH         the state file (default: beside the manifest, *.state.json)
      --format FORMAT      text (default), markdown (for PR comments) or json
      --out PATH           also save the plan as JSON, for 'reconcile --plan'
      --detailed-exitcode  exit 2 when the plan has changes (0: none, 1: error)
      --resync             plan to subscribe every desired triple again
      --max-delete-percent P  the mass-delete threshold shown in the plan (default 25)
  -h, --help               this help`,

  reconcile: `Usage: biot-subs reconcile [-f subscriptions.yaml] [--state PATH] [flags]

Makes BioT match the manifest: subscribes first, unsubscribes only when every subscribe
succeeded, and records each outcome in the state. Asks for 'yes' unless --auto-approve.

Flags:
  -f, --file PATH             the manifest (default: subscriptions.yaml)
      --state PATH            the state file (default: beside the manifest, *.state.json)
      --dry-run               show the plan only (same as 'plan')
      --auto-approve          apply without asking
      --plan PATH             apply exactly this saved plan (from 'plan --out'); refused if the
                              manifest, the state or the variables changed since
      --concurrency N         calls in flight at once (default 4)
      --rate N                at most N requests per second (default: no fixed limit)
      --retries N             retries per call on network errors, timeouts, 408/429/5xx (default 5)
      --timeout S             seconds per request (default 15)
      --resync                subscribe every desired triple again (repairs changes made by hand)
      --max-delete-percent P  refuse to unsubscribe more than P% of applied subscriptions (default 25)
      --allow-mass-delete     apply even when the plan deletes more than that or everything
      --format FORMAT         the plan's format: text (default), markdown or json
  -h, --help                  this help

Credentials (environment): BIOT_BASE_URL and one of BIOT_SERVICE_USER_ID +
BIOT_SERVICE_USER_SECRET_KEY, BIOT_USERNAME + BIOT_PASSWORD, or BIOT_TOKEN.`,

  state: `Usage: biot-subs state <list|show|import|rm|unlock> [--state PATH] [-f subscriptions.yaml]

  list                              one line per applied subscription
  show                              the whole state as JSON
  import ENTITY ACTION ENDPOINT     adopt a subscription that already exists in BioT (no call);
                                    ENDPOINT is a template as in the manifest, e.g. '\${BASE}/hook'
  rm ENTITY ACTION ENDPOINT         forget one (no call); ENDPOINT as recorded (template)
  unlock                            remove a lock left by a run that is gone

Flags:
  -f, --file PATH   the manifest, for the default state path (default: subscriptions.yaml)
      --state PATH  the state file (default: beside the manifest, *.state.json)
  -h, --help        this help`,

  catalog: `Usage: biot-subs catalog [--format text|json]

Lists the entity types and actions biot-subs knows (both documented BioT catalogs).

Flags:
      --format FORMAT  text (default) or json
  -h, --help           this help`,

  emulator: `Usage: biot-subs emulator [--port N] [--latency-ms N] [--fail-rate F] [--lost-rate F]
                          [--rate-limit N] [--token-ttl S] [--seed N]

Runs a local BioT emulator (login, token refresh, subscribe, unsubscribe) until interrupted.
GET /_emulator/subscriptions lists what it holds.

Flags:
      --port N         port on 127.0.0.1 (default: 4010; 0 picks a free one)
      --latency-ms N   added latency per dispatcher call (default 0)
      --fail-rate F    fraction of dispatcher calls answered with faults: 500, 503, 429, dropped (default 0)
      --lost-rate F    fraction of calls whose change is made but whose response is lost (default 0)
      --rate-limit N   dispatcher requests per second before answering 429 (default: none)
      --token-ttl S    access token lifetime in seconds (default 300)
      --seed N         seed for injected faults (default 1)
  -h, --help           this help`,

  demo: `Usage: biot-subs demo [-f subscriptions.yaml]

Starts the BioT emulator in-process, plans and reconciles the manifest against it with a
throw-away state, runs it again to show it is idempotent, then prints what the emulator holds.
Needs no BioT account and writes nothing beside the manifest.

Flags:
  -f, --file PATH   the manifest (default: subscriptions.yaml)
  -h, --help        this help`,
} as const;

export type CommandName = Exclude<keyof typeof USAGE, 'main'>;
