import type { SubscriptionTriple } from '../../src/subscription.js';

export const SUBSCRIBE = '/dispatcher/v1/hooks/notifications/subscribe';
export const UNSUBSCRIBE = '/dispatcher/v1/hooks/notifications/unsubscribe';

export const triple = (n = 1, endpoint = `https://hooks.example.com/device/${n}`): SubscriptionTriple => ({
  entityTypeName: 'device',
  actionName: '_create',
  endpoint,
});

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | null;
}

/** POSTs JSON with plain fetch (not our client) so the emulator is tested on its own. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

export async function serviceToken(baseUrl: string): Promise<string> {
  const answer = await post(`${baseUrl}/ums/v2/services/accessToken`, { id: 'demo', secretKey: 'demo-secret' });
  const token = answer.body?.accessToken;
  if (typeof token !== 'string') throw new Error(`no token: ${answer.status}`);
  return token;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
