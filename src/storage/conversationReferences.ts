import type { TableClient } from '@azure/data-tables';
import { isNotFound, tableKey } from './tables';

/** What the Bot Connector needs to reach a person's personal chat or a team channel later. */
export interface ConversationRef {
  serviceUrl: string;
  channelId: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  bot: { id: string; name: string };
  user?: { id: string; name?: string; aadObjectId?: string };
}

export type ReferenceTarget = { kind: 'user'; aadObjectId: string } | { kind: 'channel'; channelId: string };

export interface StoredReference {
  target: ReferenceTarget;
  reference: ConversationRef;
  tenantId?: string;
  teamId?: string;
  updatedAt: Date;
}

export interface ConversationReferenceStore {
  save(stored: StoredReference): Promise<void>;
  get(target: ReferenceTarget): Promise<StoredReference | undefined>;
}

interface ReferenceEntity {
  partitionKey: string;
  rowKey: string;
  targetId: string;
  reference: string;
  tenantId?: string;
  teamId?: string;
  updatedAt: Date;
}

const keysOf = (target: ReferenceTarget): { partitionKey: string; rowKey: string; targetId: string } => {
  const targetId = target.kind === 'user' ? target.aadObjectId : target.channelId;
  return { partitionKey: target.kind, rowKey: tableKey(targetId), targetId };
};

export function tableConversationReferences(table: TableClient): ConversationReferenceStore {
  return {
    async save({ target, reference, tenantId, teamId, updatedAt }) {
      // A reference is a cache of what Teams last told us, not a state change: last writer wins.
      const entity: ReferenceEntity = { ...keysOf(target), reference: JSON.stringify(reference), updatedAt, tenantId, teamId };
      await table.upsertEntity(entity, 'Replace');
    },
    async get(target) {
      const { partitionKey, rowKey } = keysOf(target);
      try {
        const entity = await table.getEntity<ReferenceEntity>(partitionKey, rowKey);
        return {
          target,
          reference: JSON.parse(entity.reference) as ConversationRef,
          updatedAt: new Date(entity.updatedAt),
          ...(entity.tenantId === undefined ? {} : { tenantId: entity.tenantId }),
          ...(entity.teamId === undefined ? {} : { teamId: entity.teamId }),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}
