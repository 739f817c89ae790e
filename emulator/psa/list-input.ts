/**
 * Validation of the clients / services read inputs, as production's internal routes do it
 * (ee/server/src/lib/extensions/{clients,services}InternalApi.ts, zod schemas): a refusal is the
 * WIT `invalid-input` case, raised before any lookup.
 */
import { WitError } from '../contracts/invocation.ts';
import type { ClientsListInput, ServicesListInput } from '../wit/generated/host/interfaces/alga-extension-types.js';
import type { ClientQuery, ServiceQuery } from './psa-store.ts';

/** Production's limits: `page` 1–10 000, `pageSize` 1–100 (default 1 and 25), `search` ≤ 200 characters. */
export const PSA_LIST_LIMITS = { maxPage: 10_000, maxPageSize: 100, maxSearchChars: 200, defaultPageSize: 25 } as const;

/** zod's `.uuid()`: 8-4-4-4-12 hex digits. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function clientQuery(input: ClientsListInput): ClientQuery {
  return { ...paging(input), search: search(input.search), includeInactive: input.includeInactive === true };
}

export function serviceQuery(input: ServicesListInput): ServiceQuery {
  return {
    ...paging(input),
    search: search(input.search),
    itemKind: oneOf('itemKind', input.itemKind, ['service', 'product'] as const),
    isActive: input.isActive,
    billingMethod: oneOf('billingMethod', input.billingMethod, ['fixed', 'hourly', 'usage'] as const),
  };
}

/** The id of get-client / get-service: production refuses anything but a UUID. */
export function recordId(field: 'clientId' | 'serviceId', id: string): string {
  if (!UUID.test(id)) throw invalid(`${field} must be a UUID, got ${JSON.stringify(id)}`);
  return id;
}

function paging(input: { page?: number; pageSize?: number }): { page: number; pageSize: number } {
  const page = input.page ?? 1;
  const pageSize = input.pageSize ?? PSA_LIST_LIMITS.defaultPageSize;
  if (!Number.isInteger(page) || page < 1 || page > PSA_LIST_LIMITS.maxPage) {
    throw invalid(`page must be an integer from 1 to ${PSA_LIST_LIMITS.maxPage}, got ${page}`);
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PSA_LIST_LIMITS.maxPageSize) {
    throw invalid(`pageSize must be an integer from 1 to ${PSA_LIST_LIMITS.maxPageSize}, got ${pageSize}`);
  }
  return { page, pageSize };
}

function search(value: string | undefined): string | undefined {
  if (value !== undefined && value.length > PSA_LIST_LIMITS.maxSearchChars) {
    throw invalid(`search must be at most ${PSA_LIST_LIMITS.maxSearchChars} characters, got ${value.length}`);
  }
  return value;
}

/** The WIT enums already restrict these; a host-side caller (tests, the harness) may not. */
function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw invalid(`${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function invalid(detail: string): WitError {
  return new WitError('invalid-input', detail);
}
