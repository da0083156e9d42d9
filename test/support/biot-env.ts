/** Environment for the CLI against a running emulator, logged in as its demo service user. */
export function emulatorEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { BIOT_BASE_URL: url, BIOT_SERVICE_USER_ID: 'demo', BIOT_SERVICE_USER_SECRET_KEY: 'demo-secret', ...extra };
}
