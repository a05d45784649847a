// Who is in an IT team, asked from Teams and remembered briefly: membership decides who may act on a
// request as IT, and the members are the choices of "Assign to".

import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Person } from '../intake/draft';
import type { Clock } from '../lib/clock';
import type { ConversationRef } from '../storage/conversationReferences';
import { membersOf, type Member } from './members';
import type { ProactiveSender } from './sender';

/** Long enough to spare Teams a call per press, short enough that someone who left loses access soon. */
const TTL_MS = 2 * 60_000;
const MEMBERS_LIMIT = 500;
const CACHE_LIMIT = 10_000;

interface Cached<T> {
  value: T;
  at: number;
}

export class Roster {
  private readonly membership = new Map<string, Cached<Person | undefined>>();
  private readonly teams = new Map<string, Cached<Member[]>>();

  constructor(
    private readonly sender: ProactiveSender,
    private readonly clock: Clock,
  ) {}

  /**
   * The person pressing in this turn, as a member of `teamId`; undefined if they are not in it. Asked by
   * their Teams user id (`29:...`), which every Bot Connector knows members by, and accepted only when
   * the member's AAD object id is the one the activity carries.
   */
  async presser(context: TurnContext, teamId: string): Promise<Person | undefined> {
    const { id: userId, aadObjectId } = context.activity.from;
    if (!aadObjectId) return undefined;
    const key = `${teamId}|${userId}`;
    const cached = this.fresh(this.membership.get(key));
    if (cached) return cached.value;
    let found: Person | undefined;
    try {
      const account = await TeamsInfo.getTeamMember(context, teamId, userId);
      if (account.aadObjectId?.toLowerCase() === aadObjectId.toLowerCase()) found = { aadObjectId: aadObjectId.toLowerCase(), name: account.name };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    remember(this.membership, key, { value: found, at: this.clock.now().getTime() });
    return found;
  }

  /** The member of the team with this AAD object id (someone to assign a request to), if there is one. */
  async member(context: TurnContext, teamId: string, aadObjectId: string): Promise<Member | undefined> {
    const id = aadObjectId.toLowerCase();
    return (await this.members(context, teamId)).find((m) => m.aadObjectId === id);
  }

  /** The team's members, for "Assign to": asked in the turn at hand, or through a stored channel address. */
  async members(via: TurnContext | ConversationRef, teamId: string): Promise<Member[]> {
    const cached = this.fresh(this.teams.get(teamId));
    if (cached) return cached.value;
    const members = 'activity' in via ? await membersOf(via, teamId, MEMBERS_LIMIT) : await this.sender.teamMembers(via, teamId, MEMBERS_LIMIT);
    remember(this.teams, teamId, { value: members, at: this.clock.now().getTime() });
    return members;
  }

  private fresh<T>(cached: Cached<T> | undefined): Cached<T> | undefined {
    return cached && this.clock.now().getTime() - cached.at < TTL_MS ? cached : undefined;
  }
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'statusCode' in error && error.statusCode === 404;
}
