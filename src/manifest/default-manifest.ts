/** The manifest every command reads when no --file is given, and plans name by default. */
export const DEFAULT_MANIFEST = 'subscriptions.yaml';
