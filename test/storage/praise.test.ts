// The Praise table against Azurite: the weekly marker's etag-checked moves (a write whose answer was lost
// is recognised as made; a change by someone else is not taken for ours), the people who opted out with
// ids Table keys cannot hold as they are, the invitation's caps, and a week's thanks read by range.

import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import type { TableClient } from '@azure/data-tables';
import sinon from 'sinon';
import { weekByKey, type Praise, type PraiseWeek } from '../../src/praise/praise';
import { tablePraise, type PraiseStore, type WeeklyMarker } from '../../src/storage/praise';
import { openTables } from '../../src/storage/tables';
import { testStorageConnectionString, uniqueTableName } from '../support/global';

const TENANT = 'a0a0a0a0-0000-4000-8000-000000000001';
const OTHER_TENANT = 'b0b0b0b0-0000-4000-8000-000000000002';
const CHANNEL = '19:library-announcements@thread.tacv2';
const WEEK_KEY = '2027-03-05';
const NOW = new Date('2027-03-05T07:01:00Z');
const LEASE_MS = 2 * 60_000;
const HOUR_MS = 3_600_000;
const TESS = 'a1111111-1111-4111-8111-111111111111';
const RUTH = 'a3333333-3333-4333-8333-333333333333';

/** Fri 26 Feb 2027 15:00 to Fri 5 Mar 2027 15:00 in Perth: 07:00 UTC, so the week touches 8 UTC days. */
function perthWeek(key: string): PraiseWeek {
  const week = weekByKey(key, { day: 'fri', time: '15:00', emptyWeek: 'note' }, 'Australia/Perth');
  assert.ok(week, `${key} names a week`);
  return week;
}

const preconditionFailed = (): RestError => new RestError('The update condition specified in the request was not satisfied.', { statusCode: 412 });

describe('storage: praise (Azurite)', () => {
  let table: TableClient;
  let store: PraiseStore;

  beforeEach(async () => {
    const tables = openTables({ kind: 'connectionString', connectionString: testStorageConnectionString() }, uniqueTableName('x'));
    table = tables.client('Praise');
    await table.createTable();
    store = tablePraise(table);
  });

  /** The marker of CHANNEL for the week, as stored now. */
  async function stored(): Promise<{ state: string; owner: string; etag: string }> {
    const e = await table.getEntity<{ state: string; owner: string }>(`${TENANT}|weekly`, `${CHANNEL}|${WEEK_KEY}`);
    return { state: e.state, owner: e.owner, etag: e.etag };
  }

  async function claimed(owner = 'instance-a'): Promise<WeeklyMarker> {
    const marker = await store.claimWeekly(TENANT, CHANNEL, WEEK_KEY, owner, NOW, new Date(NOW.getTime() + LEASE_MS));
    assert.ok(marker, 'the marker is claimed');
    return marker;
  }

  describe('updateWeekly', () => {
    it('treats a write that landed but whose answer was lost (the retry meets 412) as made, and returns a marker that moves on', async () => {
      const marker = await claimed();
      // The first attempt changes the row; its answer is lost and the retry, with the old etag, gets 412.
      const real = table.updateEntity.bind(table);
      const lost = sinon.stub(table, 'updateEntity').callsFake(async (entity, mode, options) => {
        await real(entity, mode, options);
        throw preconditionFailed();
      });

      const sending = await store.updateWeekly(TENANT, marker, { state: 'sending' });
      assert.equal(lost.callCount, 1, 'the write was made once');
      assert.ok(sending, 'our own change, not a lost race');
      assert.equal(sending.state, 'sending');
      assert.equal(sending.owner, 'instance-a');
      const now = await stored();
      assert.equal(now.state, 'sending', 'the row has the change');
      assert.equal(sending.etag, now.etag, 'the marker carries the row as it is now');
      assert.notEqual(sending.attempt, marker.attempt, 'each change is written with an attempt of its own');

      lost.restore();
      const posted = await store.updateWeekly(TENANT, sending, { state: 'posted', activityId: '1709622060000' });
      assert.equal(posted?.state, 'posted', 'the returned marker is good for the next move');
      assert.equal((await stored()).state, 'posted');
    });

    it('returns undefined on a genuine conflict: someone else changed the marker first', async () => {
      const mine = await claimed();
      // Another instance moved it on meanwhile (its lease taken over, say).
      const theirs = await store.updateWeekly(TENANT, mine, { owner: 'instance-b', leaseUntil: new Date(NOW.getTime() + 2 * LEASE_MS) });
      assert.ok(theirs);

      assert.equal(await store.updateWeekly(TENANT, mine, { state: 'sending' }), undefined, 'a change made with the old etag is refused');
      const now = await stored();
      assert.deepEqual({ state: now.state, owner: now.owner }, { state: 'claimed', owner: 'instance-b' }, 'their change stands');

      // The same when the 412 comes from a write that never landed (the stub answers before Azurite is asked).
      const refused = sinon.stub(table, 'updateEntity').rejects(preconditionFailed());
      assert.equal(await store.updateWeekly(TENANT, theirs, { state: 'sending' }), undefined, 'not our attempt on the row: not a success');
      assert.equal(refused.callCount, 1);
      assert.equal((await stored()).state, 'claimed');
    });
  });

  describe('optedOut', () => {
    it('returns the exact ids of people who opted out, with %, /, #, ? and control characters in them', async () => {
      const odd = ['50%off', 'a/b', 'a%2fb', 'x#y', 'why?', 'c1\u0085next', 'tab\there', 'back\\slash'];
      for (const id of odd) await store.setShowsName(TENANT, id, false, NOW);
      // Named again, or never asked: not opted out.
      await store.setShowsName(TENANT, 'changed/mind', false, NOW);
      await store.setShowsName(TENANT, 'changed/mind', true, NOW);
      await store.setShowsName(TENANT, 'happy#named', true, NOW);
      await store.setShowsName(OTHER_TENANT, 'elsewhere?', false, NOW);

      const found = await store.optedOut(TENANT);
      assert.deepEqual([...found].sort(), [...odd].sort());
      for (const id of odd) assert.equal(await store.showsName(TENANT, id), false, `${JSON.stringify(id)} reads back as opted out`);
      assert.equal(await store.showsName(TENANT, 'changed/mind'), true);
      assert.deepEqual([...(await store.optedOut(OTHER_TENANT))], ['elsewhere?']);
    });
  });

  describe('takePrompt', () => {
    const W = '2027-03-05';
    const NEXT_W = '2027-03-12';

    it('takes one prompt per request, even for two presses at once and in a later week', async () => {
      const twice = await Promise.all([store.takePrompt(TENANT, 7, TESS, W, 3, NOW), store.takePrompt(TENANT, 7, TESS, W, 3, NOW)]);
      assert.deepEqual(twice.sort(), [false, true], 'exactly one of two presses at once');
      assert.equal(await store.takePrompt(TENANT, 7, TESS, W, 3, NOW), false, 'not again');
      assert.equal(await store.takePrompt(TENANT, 7, TESS, NEXT_W, 3, NOW), false, 'not in another week either');
      assert.equal(await store.takePrompt(OTHER_TENANT, 7, TESS, W, 3, NOW), true, 'request 7 of another organisation is another request');
    });

    it('takes at most `cap` per person and week; another person has their own; a new week allows again', async () => {
      const taken: boolean[] = [];
      for (const seq of [1, 2, 3, 4]) taken.push(await store.takePrompt(TENANT, seq, TESS, W, 3, NOW));
      assert.deepEqual(taken, [true, true, true, false]);
      assert.equal(await store.takePrompt(TENANT, 5, RUTH, W, 3, NOW), true, 'Ruth is not held to Tess’s count');
      assert.equal(await store.takePrompt(TENANT, 6, TESS, NEXT_W, 3, NOW), true, 'a new week');
      assert.equal(await store.takePrompt(TENANT, 4, TESS, NEXT_W, 3, NOW), true, 'the request refused for the cap may be prompted in the new week');
      assert.equal(await store.takePrompt(TENANT, 8, TESS, W, 0, NOW), false, 'a cap of 0 prompts nobody');
    });
  });

  describe('between', () => {
    const to = [{ aadObjectId: 'b2222222-2222-4222-8222-222222222222', name: 'Ivan Brooks', teamId: '19:library-services-general@thread.tacv2', teamName: 'IT Requests' }];
    const praise = (tag: string, at: Date, tenantId = TENANT): Praise => ({
      tenantId,
      id: `p-${tag}`,
      from: { aadObjectId: TESS, name: 'Tess Nguyen' },
      to,
      badge: 'Thank you',
      message: tag,
      visibility: 'weekly',
      at,
    });

    it("reads only the rows of the range, one query per UTC day it touches, start included and end excluded", async () => {
      const week = perthWeek('2027-03-05');
      const day = 86_400_000;
      const inside = [
        praise('at-start', week.start),
        praise('start-day-late', new Date(week.start.getTime() + 10 * HOUR_MS)),
        praise('utc-midnight', new Date(Date.UTC(2027, 2, 1))),
        praise('midweek', new Date(week.start.getTime() + 3 * day)),
        praise('last-ms', new Date(week.end.getTime() - 1)),
      ];
      const outside = [
        // The same UTC days as the first and last of the week, before and after its bounds.
        praise('start-day-early', new Date(week.start.getTime() - 1)),
        praise('end-day-at-end', week.end),
        praise('end-day-late', new Date(week.end.getTime() + HOUR_MS)),
        praise('week-before', new Date(week.start.getTime() - 3 * day)),
        praise('week-after', new Date(week.end.getTime() + 2 * day)),
        praise('other-tenant', new Date(week.start.getTime() + 2 * day), OTHER_TENANT),
      ];
      for (const p of [...inside, ...outside]) await store.record(p);

      const queries = sinon.spy(table, 'listEntities');
      const found = await store.between(TENANT, week.start, week.end);
      assert.equal(found.rowsRead, inside.length, 'no row outside the range is read');
      assert.deepEqual(found.praises.map((p) => p.message).sort(), inside.map((p) => p.message).sort());
      assert.equal(queries.callCount, 8, 'Fri 26 Feb to Fri 5 Mar, UTC');
      const back = found.praises.find((p) => p.message === 'at-start');
      assert.deepEqual(back, inside[0], 'a praise reads back as it was stored');
    });

    it('reads a range inside one day from that day only, without the rows around it', async () => {
      const start = new Date('2027-03-02T02:00:00Z');
      const end = new Date(start.getTime() + 2 * HOUR_MS);
      const rows = [praise('before', new Date(start.getTime() - 1)), praise('first', start), praise('second', new Date(start.getTime() + HOUR_MS)), praise('at-end', end), praise('evening', new Date('2027-03-02T20:00:00Z'))];
      for (const p of rows) await store.record(p);
      // Storing the same praise again changes nothing.
      await store.record(rows[1]!);

      const queries = sinon.spy(table, 'listEntities');
      const found = await store.between(TENANT, start, end);
      assert.equal(queries.callCount, 1);
      assert.equal(found.rowsRead, 2);
      assert.deepEqual(found.praises.map((p) => p.message).sort(), ['first', 'second']);
    });
  });
});
