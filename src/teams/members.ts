import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Person } from '../intake/draft';

/** A member of a team: their AAD identity and their Teams user id (`29:…`). */
export interface Member extends Person {
  userId: string;
}

/** A team's members with an AAD identity (at most `limit`), asked page by page in a turn. */
export async function membersOf(context: TurnContext, teamId: string, limit: number): Promise<Member[]> {
  const found: Member[] = [];
  // The connector answers no token (undefined) or an empty one on the last page.
  let token: string | undefined;
  do {
    const page = await TeamsInfo.getPagedTeamMembers(context, teamId, Math.min(limit, 500), token);
    for (const m of page.members) {
      if (m.aadObjectId) found.push({ aadObjectId: m.aadObjectId.toLowerCase(), name: m.name, userId: m.id });
    }
    token = page.continuationToken;
  } while (token && found.length < limit);
  return found.slice(0, limit);
}
