import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, errorOf, getCsrfToken, ok } from './client.ts';
import { keys } from './keys.ts';
import type { Answer, Role } from './types.ts';

// The Settings page's resources: the account, stores and their failed deliveries, users, API
// keys, link domains and exchange rates.

type AccountPatch = { defaultCurrency?: string; timeZone?: string };
type StorePatch = { name?: string; currency?: string; domain?: string | null; webhookSecret?: string };

/** A change of currency or time zone re-expresses every figure: everything cached is read again. */
export function useUpdateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: AccountPatch) => ok(client.PATCH('/api/account', { body: patch })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

export function useStores() {
  return useQuery({ queryKey: keys.settings.stores, queryFn: () => ok(client.GET('/api/stores')) });
}

export function useCreateStore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { platform: 'shopify' | 'woocommerce' | 'custom'; name: string; currency: string; domain?: string }) =>
      ok(client.POST('/api/stores', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.stores }),
  });
}

export function useUpdateStore(storeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: StorePatch) => ok(client.PATCH('/api/stores/{id}', { params: { path: { id: storeId } }, body: patch })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.stores }),
  });
}

export function useDeadLetters(storeId: string) {
  return useQuery({
    queryKey: keys.settings.deadLetters(storeId),
    queryFn: () => ok(client.GET('/api/stores/{id}/dead-letters', { params: { path: { id: storeId } } })),
  });
}

export function useReplay(storeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deadLetterId: string) =>
      ok(client.POST('/api/stores/{id}/dead-letters/{dlId}/replay', { params: { path: { id: storeId, dlId: deadLetterId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.deadLetters(storeId) }),
  });
}

export function useUsers() {
  return useQuery({ queryKey: keys.settings.users, queryFn: () => ok(client.GET('/api/users')) });
}

export function useAddUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string; role: Role }) => ok(client.POST('/api/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.users }),
  });
}

export function useSetPassword(userId: string) {
  return useMutation({
    mutationFn: (password: string) => ok(client.POST('/api/users/{id}/password', { params: { path: { id: userId } }, body: { password } })),
  });
}

export function useChangeRole(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (role: Role) => ok(client.PATCH('/api/users/{id}', { params: { path: { id: userId } }, body: { role } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.users }),
  });
}

/** A removed user's API keys are revoked with it. */
export function useRemoveUser(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => ok(client.DELETE('/api/users/{id}', { params: { path: { id: userId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.settings.users });
      await queryClient.invalidateQueries({ queryKey: keys.settings.apiKeys });
    },
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: keys.settings.apiKeys, queryFn: () => ok(client.GET('/api/api-keys')) });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: Role }) => ok(client.POST('/api/api-keys', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.apiKeys }),
  });
}

export function useRevokeApiKey(keyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => ok(client.DELETE('/api/api-keys/{id}', { params: { path: { id: keyId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.apiKeys }),
  });
}

export function useLinkDomains() {
  return useQuery({ queryKey: keys.settings.linkDomains, queryFn: () => ok(client.GET('/api/account/link-domains')) });
}

export function useAddLinkDomain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) => ok(client.POST('/api/account/link-domains', { body: { domain } })),
    onSuccess: (list) => queryClient.setQueryData(keys.settings.linkDomains, list),
  });
}

export function useRemoveLinkDomain(domain: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => ok(client.DELETE('/api/account/link-domains/{domain}', { params: { path: { domain } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.settings.linkDomains }),
  });
}

/** The rates in effect on a day; not asked while the day is not a valid one (`enabled`). */
export function useRates(date: string, enabled = true) {
  return useQuery({
    queryKey: keys.settings.rates(date),
    queryFn: () => ok(client.GET('/api/fx-rates', { params: { query: { date } } })),
    enabled,
  });
}

/** A new rate refigures the orders it applies to: everything cached is read again. */
export function useAddRate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { currency: string; date: string; perEur: string }) => ok(client.POST('/api/fx-rates', { body })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

// POST /api/fx-rates/import takes the ECB file itself as the body. The server reads zip, CSV
// or XML by their content; the content type only has to be one it accepts. Browsers name a
// zip differently (Windows says application/x-zip-compressed), so anything else goes as bytes.
const ACCEPTED = new Set(['application/zip', 'application/octet-stream', 'text/csv', 'application/xml', 'text/xml']);

/** Imports an ECB file; the orders it gives a rate to are refigured, so everything is read again. */
export function useImportRates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File): Promise<Answer<'/api/fx-rates/import', 'post'>> => {
      // A raw file body, which the typed client does not send: the answer's type is still the contract's.
      const headers: Record<string, string> = {
        accept: 'application/json',
        'content-type': ACCEPTED.has(file.type) ? file.type : 'application/octet-stream',
      };
      const csrf = getCsrfToken();
      if (csrf) headers['x-csrf-token'] = csrf;
      const res = await fetch('/api/fx-rates/import', { method: 'POST', headers, credentials: 'same-origin', body: file });
      const data: unknown = await res.json().catch(() => null);
      if (!res.ok) throw errorOf(res.status, data);
      return data as Answer<'/api/fx-rates/import', 'post'>;
    },
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

export function useChangeOwnPassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => ok(client.POST('/api/me/password', { body })),
  });
}

export function useLogoutEverywhere() {
  return useMutation({ mutationFn: () => ok(client.POST('/api/logout-everywhere')) });
}
