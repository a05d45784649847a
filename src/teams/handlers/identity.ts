import type { TurnContext } from 'botbuilder';
import { tenantOf } from '../../server/activity';
import type { Person } from '../../intake/draft';

export const NOT_IDENTIFIED = 'I could not tell who you are from this message, so nothing was changed. Please try again from Teams.';

/** The person acting, as Teams identifies them (`from.aadObjectId`), never as card data claims. */
export function actorOf(context: TurnContext): Person | undefined {
  const { from } = context.activity;
  const aadObjectId = from.aadObjectId?.trim().toLowerCase();
  if (!aadObjectId) return undefined;
  const name = (from.name as string | undefined)?.trim();
  return { aadObjectId, name: name === undefined || name === '' ? 'Someone' : name.slice(0, 120) };
}

/** The person acting and their organisation (the partition their drafts and requests live in). */
export function ownerOf(context: TurnContext): { tenantId: string; person: Person } | undefined {
  const person = actorOf(context);
  if (!person) return undefined;
  return { tenantId: tenantIdOf(context), person };
}

/** The organisation an activity comes from: the partition its requests live in. */
export function tenantIdOf(context: TurnContext): string {
  // Teams always sends the tenant; the fallback keeps a tenant-less test client apart from real ones.
  return tenantOf(context.activity) ?? 'no-tenant';
}
