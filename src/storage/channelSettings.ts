import { odata, type TableClient } from '@azure/data-tables';
import type { ChannelRegistration } from '../setup/registration';
import { isConflict, isNotFound, tableKey } from './tables';

/** Which team channels receive IT requests and weekly thanks. Partitioned by team. */
export interface ChannelSettingsStore {
  get(teamId: string, channelId: string): Promise<ChannelRegistration | undefined>;
  listForTeam(teamId: string): Promise<ChannelRegistration[]>;
  save(registration: ChannelRegistration): Promise<void>;
  /** Every channel of the organisation that receives IT requests. */
  itChannels(tenantId: string): Promise<ChannelRegistration[]>;
  /** Every channel of the organisation that receives the weekly thanks post. */
  praiseChannels(tenantId: string): Promise<ChannelRegistration[]>;
  /** The organisations with a registered channel (the ones whose outbox and schedules need work). */
  tenants(): Promise<string[]>;
  /**
   * Liaison could not post in the channel: no request goes there until its setup is saved again.
   * Resolves with since when it is unreachable, or undefined when its setup was saved meanwhile.
   */
  markUnreachable(teamId: string, channelId: string, at: Date): Promise<Date | undefined>;
}

interface RegistrationEntity {
  partitionKey: string;
  rowKey: string;
  /** Missing on rows saved before routing existed: saving the setup again adds it. */
  tenantId?: string;
  teamId: string;
  channelId: string;
  channelName: string;
  itRequests: boolean;
  services: string;
  praisePosts: boolean;
  updatedById: string;
  updatedByName: string;
  updatedAt: Date;
  unreachableSince?: Date;
  praiseSince?: Date;
}

function toRegistration(e: RegistrationEntity): ChannelRegistration {
  return {
    tenantId: e.tenantId ?? '',
    teamId: e.teamId,
    channelId: e.channelId,
    channelName: e.channelName,
    itRequests: e.itRequests,
    services: JSON.parse(e.services) as string[],
    praisePosts: e.praisePosts,
    updatedBy: { aadObjectId: e.updatedById, name: e.updatedByName },
    updatedAt: new Date(e.updatedAt),
    ...(e.unreachableSince === undefined ? {} : { unreachableSince: new Date(e.unreachableSince) }),
    ...(e.praiseSince === undefined ? {} : { praiseSince: new Date(e.praiseSince) }),
  };
}

export function tableChannelSettings(table: TableClient): ChannelSettingsStore {
  const list = async (filter: string): Promise<ChannelRegistration[]> => {
    const found: ChannelRegistration[] = [];
    for await (const entity of table.listEntities<RegistrationEntity>({ queryOptions: { filter } })) found.push(toRegistration(entity));
    return found;
  };
  const get = async (teamId: string, channelId: string): Promise<ChannelRegistration | undefined> => {
    try {
      return toRegistration(await table.getEntity<RegistrationEntity>(tableKey(teamId), tableKey(channelId)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    get,
    listForTeam: async (teamId) => (await list(odata`PartitionKey eq ${tableKey(teamId)}`)).sort((a, b) => a.channelName.localeCompare(b.channelName)),
    itChannels: (tenantId) => list(odata`tenantId eq ${tenantId} and itRequests eq true`),
    praiseChannels: (tenantId) => list(odata`tenantId eq ${tenantId} and praisePosts eq true`),
    async tenants() {
      const found = new Set<string>();
      for await (const entity of table.listEntities<RegistrationEntity>({ queryOptions: { select: ['tenantId'] } })) {
        if (entity.tenantId) found.add(entity.tenantId);
      }
      return [...found];
    },
    async markUnreachable(teamId, channelId, at) {
      // Twice at most: a lost race is either another failure marking it (its time stands) or a setup
      // saved meanwhile (which stands: the channel may work again).
      for (let attempt = 1; attempt <= 2; attempt++) {
        let current;
        try {
          current = await table.getEntity<RegistrationEntity>(tableKey(teamId), tableKey(channelId));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
        if (current.unreachableSince !== undefined) return new Date(current.unreachableSince);
        if (attempt > 1) return undefined;
        const mark: Pick<RegistrationEntity, 'partitionKey' | 'rowKey' | 'unreachableSince'> = { partitionKey: tableKey(teamId), rowKey: tableKey(channelId), unreachableSince: at };
        try {
          await table.updateEntity(mark, 'Merge', { etag: current.etag });
          return at;
        } catch (error) {
          if (!isConflict(error)) throw error;
        }
      }
      return undefined;
    },
    async save(r) {
      // Settings are replaced whole; saving the same choice twice changes nothing. A weekly post that was
      // on stays on since when it was first switched on, so that saving again never skips a week's post.
      const before = r.praisePosts ? await get(r.teamId, r.channelId) : undefined;
      const praiseSince = !r.praisePosts ? undefined : before?.praisePosts ? (before.praiseSince ?? before.updatedAt) : r.updatedAt;
      const entity: RegistrationEntity = {
        partitionKey: tableKey(r.teamId),
        rowKey: tableKey(r.channelId),
        tenantId: r.tenantId,
        teamId: r.teamId,
        channelId: r.channelId,
        channelName: r.channelName,
        itRequests: r.itRequests,
        services: JSON.stringify(r.services),
        praisePosts: r.praisePosts,
        updatedById: r.updatedBy.aadObjectId,
        updatedByName: r.updatedBy.name,
        updatedAt: r.updatedAt,
        ...(praiseSince === undefined ? {} : { praiseSince }),
      };
      await table.upsertEntity(entity, 'Replace');
    },
  };
}
