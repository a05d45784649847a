import { TeamsInfo, teamsGetChannelId, teamsGetTeamInfo, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { inert, renderCard, type AdaptiveCard } from '../../cards/render';
import { formatDay } from '../../lib/dates';
import { describeRegistration, maySetUp, validateChoice, type RegistrationChoice } from '../../setup/registration';
import { cardResponse, noticeResponse, sendCard } from '../reply';
import type { BotServices } from '../services';
import { turnLogger } from '../turnLogger';
import { whoMayChange } from './help';
import { tenantIdOf } from './identity';

interface ChannelInTeam {
  teamId: string;
  /** Teams sends the team's name only with some activities. */
  teamName?: string;
  channelId: string;
  channelName: string;
}

/** The team and channel an activity comes from, as set by Teams (never from card data). */
async function channelOf(context: TurnContext, services: BotServices): Promise<ChannelInTeam | undefined> {
  const { activity } = context;
  const team = teamsGetTeamInfo(activity);
  const channelId = teamsGetChannelId(activity);
  if (!team?.id || channelId === null) return undefined;
  const named = z.object({ channel: z.object({ name: z.string().min(1) }) }).safeParse(activity.channelData);
  const channelName = named.success ? named.data.channel.name : await lookUpChannelName(context, team.id, channelId, services);
  return { teamId: team.id, teamName: team.name, channelId, channelName };
}

/**
 * Card presses and some messages come without the channel's name: ask Teams. The General channel has
 * no name there either; its id is the team's id.
 */
async function lookUpChannelName(context: TurnContext, teamId: string, channelId: string, services: BotServices): Promise<string> {
  if (channelId === teamId) return 'General';
  return askTeams(context, services, 'this channel', async () => {
    const channels = await TeamsInfo.getTeamChannels(context, teamId);
    return channels.find((c) => c.id === channelId)?.name;
  });
}

async function lookUpTeamName(context: TurnContext, teamId: string, services: BotServices): Promise<string> {
  return askTeams(context, services, 'this team', async () => (await TeamsInfo.getTeamDetails(context, teamId)).name);
}

/** A name from Teams for a card; when Teams does not know or cannot answer, a plain fallback does. */
async function askTeams(context: TurnContext, services: BotServices, fallback: string, lookUp: () => Promise<string | undefined>): Promise<string> {
  try {
    return (await lookUp()) ?? fallback;
  } catch (error) {
    turnLogger(context, services.logger).warn({ err: error }, `could not look up the name of ${fallback}`);
    return fallback;
  }
}

const NOT_SAVED = 'Not saved: Liaison could not reach its storage just now. Your choices are still here; press Save again in a moment.';

const NOT_IN_CHANNEL = 'Channel setup works in a team channel. Go to the channel that should receive IT requests, and mention me there with setup.';

interface SetupMessage {
  text: string;
  style: 'good' | 'attention';
}

async function setupCard(channel: ChannelInTeam, services: BotServices, choice?: RegistrationChoice, message?: SetupMessage): Promise<AdaptiveCard> {
  const current = choice ?? (await services.channelSettings.get(channel.teamId, channel.channelId)) ?? { itRequests: true, services: [], praisePosts: false };
  const saved = message?.style === 'good';
  return renderCard('channel-setup', {
    title: inert(saved ? `${channel.channelName} is connected to Liaison` : `Connect ${channel.channelName} to Liaison`),
    message: message?.text ?? '',
    messageStyle: message?.style ?? 'default',
    itRequests: String(current.itRequests),
    services: current.services.join(','),
    serviceChoices: services.policy.catalogue.map((s) => ({ title: s.name, value: s.id })),
    praisePosts: String(current.praisePosts),
    whoMayChange: whoMayChange(services.admins),
  });
}

/** `@Liaison setup` in a channel: the card to choose what the channel receives. */
export async function showSetup(context: TurnContext, services: BotServices): Promise<void> {
  const channel = await channelOf(context, services);
  if (!channel) {
    await context.sendActivity(NOT_IN_CHANNEL);
    return;
  }
  await sendCard(context, await setupCard(channel, services), `Connect ${channel.channelName} to Liaison`);
}

/** Card inputs come back as strings: toggles as "true"/"false", a multi-select as "a,b,c". */
const SetupInputs = z.object({
  itRequests: z.enum(['true', 'false']).default('false'),
  praisePosts: z.enum(['true', 'false']).default('false'),
  services: z.string().max(2000).default(''),
});

/** The Save button on the setup card. */
export async function saveSetup(context: TurnContext, data: unknown, services: BotServices): Promise<AdaptiveCardInvokeResponse> {
  const channel = await channelOf(context, services);
  if (!channel) return noticeResponse('Channel setup', NOT_IN_CHANNEL);
  const { from } = context.activity;

  const inputs = SetupInputs.safeParse(data);
  if (!inputs.success) {
    return cardResponse(await setupCard(channel, services, undefined, { text: 'That did not look like the setup form. Please choose again and press Save.', style: 'attention' }));
  }
  const choice: RegistrationChoice = {
    itRequests: inputs.data.itRequests === 'true',
    praisePosts: inputs.data.praisePosts === 'true',
    services: inputs.data.services.split(',').map((s) => s.trim()).filter((s) => s !== ''),
  };

  if (!maySetUp(from.aadObjectId, services.admins)) {
    turnLogger(context, services.logger).info({ teamId: channel.teamId, channelId: channel.channelId }, 'refused a channel setup change by someone who is not an admin');
    return cardResponse(await setupCard(channel, services, undefined, { text: 'Only Liaison admins can change what this channel receives, so nothing was changed. Ask one of them, or your IT team.', style: 'attention' }));
  }

  const valid = validateChoice(choice, services.policy.catalogue);
  if (!valid.ok) return cardResponse(await setupCard(channel, services, choice, { text: valid.reason, style: 'attention' }));

  try {
    await services.channelSettings.save({
      tenantId: tenantIdOf(context),
      teamId: channel.teamId,
      channelId: channel.channelId,
      channelName: channel.channelName,
      ...valid.value,
      updatedBy: { aadObjectId: from.aadObjectId ?? from.id, name: from.name },
      updatedAt: services.clock.now(),
    });
  } catch (error) {
    // The choices stay on the card, so pressing Save again is all it takes.
    turnLogger(context, services.logger).error({ err: error, teamId: channel.teamId, channelId: channel.channelId }, 'could not save the channel registration');
    return cardResponse(await setupCard(channel, services, valid.value, { text: NOT_SAVED, style: 'attention' }));
  }
  turnLogger(context, services.logger).info({ teamId: channel.teamId, channelId: channel.channelId, itRequests: valid.value.itRequests, praisePosts: valid.value.praisePosts }, 'channel registration saved');
  const tenantId = tenantIdOf(context);
  services.routes.forget(tenantId);
  if (valid.value.itRequests) {
    // Requests that waited for IT go out now, in the background; the periodic sweep would get them too.
    services.waiting.post(tenantId).catch((error: unknown) => {
      turnLogger(context, services.logger).warn({ err: error }, 'could not post the requests waiting for an IT channel');
    });
  }
  const text = `Saved. ${channel.channelName} receives ${describeRegistration(valid.value, services.policy.catalogue)}.`;
  return cardResponse(await setupCard(channel, services, valid.value, { text: inert(text), style: 'good' }));
}

/** `@Liaison status`: what each channel of the team is registered for. */
export async function showStatus(context: TurnContext, services: BotServices): Promise<void> {
  const channel = await channelOf(context, services);
  if (!channel) {
    await context.sendActivity('Status works in a team channel: mention me there with status.');
    return;
  }
  const [registrations, teamName] = await Promise.all([
    services.channelSettings.listForTeam(channel.teamId).then((all) => all.filter((r) => r.itRequests || r.praisePosts)),
    channel.teamName ?? lookUpTeamName(context, channel.teamId, services),
  ]);
  const card = renderCard('channel-status', {
    teamName: inert(teamName),
    hasItChannel: registrations.some((r) => r.itRequests),
    channels: registrations.map((r) => ({
      name: inert(r.channelName),
      receives: inert(`${describeRegistration(r, services.policy.catalogue)} (set up by ${r.updatedBy.name} on ${formatDay(r.updatedAt, services.timeZone)})`),
    })),
  });
  await sendCard(context, card, `Liaison in ${teamName}`);
}

