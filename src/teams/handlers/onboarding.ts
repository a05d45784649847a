import { TeamsInfo, teamsGetTeamInfo, type TurnContext } from 'botbuilder';
import { inert, renderCard } from '../../cards/render';
import type { BotServices } from '../services';
import { sendCard } from '../reply';
import { turnLogger } from '../turnLogger';
import { PERSONAL_COMMANDS, whoMayChange } from './help';

/** The first thing a technician sees when they install Liaison for themselves. */
export async function welcomePerson(context: TurnContext, services: BotServices): Promise<void> {
  const firstName = await firstNameOf(context, services);
  const card = renderCard('welcome', { firstName: firstName === undefined ? 'there' : inert(firstName), commands: PERSONAL_COMMANDS });
  await sendCard(context, card, "Hi, I'm Liaison");
}

/** Teams sends the install without the person's name (`from.name` is typed as present but is not): ask. */
async function firstNameOf(context: TurnContext, services: BotServices): Promise<string | undefined> {
  const { from } = context.activity;
  const name = from.name as string | undefined;
  if (name !== undefined && name.trim() !== '') return name.trim().split(/\s+/)[0];
  try {
    const member = await TeamsInfo.getMember(context, from.id);
    return member.givenName?.trim() || member.name.trim().split(/\s+/)[0] || undefined;
  } catch (error) {
    turnLogger(context, services.logger).warn({ err: error }, 'could not look up the name of the person who installed Liaison');
    return undefined;
  }
}

/** Posted in the team's General channel when Liaison is added to a team: how to set it up. */
export async function welcomeTeam(context: TurnContext, services: BotServices): Promise<void> {
  const teamName = teamsGetTeamInfo(context.activity)?.name ?? 'your team';
  const card = renderCard('team-welcome', {
    teamName: inert(teamName),
    botName: inert(context.activity.recipient.name || 'Liaison'),
    whoMayChange: whoMayChange(services.admins),
  });
  await sendCard(context, card, 'How to set up Liaison');
}
