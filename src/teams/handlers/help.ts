import type { TurnContext } from 'botbuilder';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { Scope } from '../commands';
import type { BotServices } from '../services';
import { sendCard } from '../reply';

interface CommandHelp {
  command: string;
  description: string;
}

export const PERSONAL_COMMANDS: readonly CommandHelp[] = [
  { command: 'new request', description: 'Tell IT about a problem or ask for something new; I guide you step by step' },
  { command: 'my requests', description: 'See your requests, where each one stands, and cancel one you no longer need' },
  { command: 'praise', description: 'Thank someone in IT who helped you, privately or in the weekly thanks post' },
  { command: 'praise settings', description: 'Choose whether thanks to you may name you in public posts' },
  { command: 'help', description: 'What I can do and what to type' },
];

const CHANNEL_COMMANDS: readonly CommandHelp[] = [
  { command: 'setup', description: 'Choose what this channel receives: IT requests, the weekly thanks post, or both' },
  { command: 'status', description: "See what each of this team's channels is connected to" },
  { command: 'weekly post now', description: 'Preview this week’s thanks post so far (admins)' },
  { command: 'help', description: 'Show this list' },
];

export function whoMayChange(admins: readonly string[]): string {
  return admins.length === 0
    ? 'Anyone in this team can choose what Liaison posts in its channels. (IT can limit this to Liaison admins.)'
    : "Only Liaison admins can choose what Liaison posts in this team's channels.";
}

/** Anything Liaison does not understand gets this, never an error. */
export async function sendHelp(context: TurnContext, scope: Scope, services: BotServices): Promise<void> {
  await sendCard(context, helpCard(scope, services), 'What I can do');
}

export function helpCard(scope: Scope, services: BotServices): AdaptiveCard {
  return scope === 'personal'
      ? renderCard('help', {
          title: 'What I can do',
          intro: "I help you ask IT for help in IT's own terms and keep you posted. Type one of these, or just describe the problem and I will offer to make it a request:",
          commands: PERSONAL_COMMANDS,
          note: 'IT teams connect me to their channel with @Liaison setup in Teams.',
        })
      : renderCard('help', {
          title: 'What I can do here',
          intro: 'Mention me and type a command, for example @Liaison setup.',
          commands: CHANNEL_COMMANDS,
          note: whoMayChange(services.admins),
        });
}
