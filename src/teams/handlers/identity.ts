import type { TurnContext } from 'botbuilder';
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
