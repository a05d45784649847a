import { teamsGetTeamInfo, type TurnContext } from 'botbuilder';
import { inert, renderCard } from '../../cards/render';
import type { BotServices } from '../services';
import { sendCard } from '../reply';
import { PERSONAL_COMMANDS, whoMayChange } from './help';

/** The first thing a technician sees when they install Liaison for themselves. */
export async function welcomePerson(context: TurnContext): Promise<void> {
  // Typed as always present, but Teams leaves the name out of some activities.
  const name = context.activity.from.name as string | undefined;
  const firstName = name?.trim().split(/\s+/)[0] ?? '';
  const card = renderCard('welcome', { firstName: firstName === '' ? 'there' : inert(firstName), commands: PERSONAL_COMMANDS });
  await sendCard(context, card, "Hi, I'm Liaison");
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
