import type { TurnContext } from 'botbuilder';
import type { Logger } from '../lib/logger';

const LOGGER = Symbol('liaison.logger');

/** Gives the turn a child logger carrying the ids needed to correlate its lines. */
export function attachTurnLogger(context: TurnContext, root: Logger): Logger {
  const { activity } = context;
  const logger = root.child({
    activityId: activity.id,
    conversationId: activity.conversation.id,
    activityType: activity.type,
    ...(activity.name === undefined ? {} : { activityName: activity.name }),
  });
  context.turnState.set(LOGGER, logger);
  return logger;
}

export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  const logger: unknown = context.turnState.get(LOGGER);
  return (logger as Logger | undefined) ?? fallback;
}
