// Reliability 11: storage slow or failing on a user action. The person hears "not saved" in time,
// keeps what they entered, nothing is half-written, and it works once storage is back.

import assert from 'node:assert/strict';
import { LIBRARY_TEAM, cardAction } from '../support/activities';
import type { FaultMode } from '../support/faultProxy';
import { faultyStorageFlow, textOf } from '../support/flow';

const IT_CHANNEL = LIBRARY_TEAM.channels.itRequests;

describe('flow: Table storage failing while a channel is set up', function () {
  this.timeout(40_000);
  const rig = faultyStorageFlow();

  const save = async (): Promise<string> => {
    const activity = cardAction({
      serviceUrl: rig.flow.connector.url,
      verb: 'setup.save',
      conversation: { kind: 'channel', channelId: IT_CHANNEL.id, threadId: 'setup-root' },
      data: { itRequests: 'true', services: 'wifi', praisePosts: 'true' },
    });
    // Teams gives up after about 15 s: the answer must come before that.
    const response = await rig.flow.postInTeamsTime(activity);
    assert.equal(response.status, 200);
    const body = response.body as { value: unknown };
    return JSON.stringify(body.value) + '\n' + textOf(body.value);
  };

  for (const [mode, what] of [['slow', 'answers after 20 s'], ['unavailable', 'answers 503'], ['reset', 'drops connections']] as [FaultMode, string][]) {
    it(`tells the person it was not saved, keeping their choices, when storage ${what}`, async () => {
      rig.proxy.mode = mode;
      const card = await save();
      assert.match(card, /Not saved: Liaison could not reach its storage just now\. Your choices are still here/);
      assert.match(card, /"id":"services"[^}]*"value":"wifi"/, 'the chosen service is still selected');
      assert.match(card, /"id":"praisePosts"[^}]*"value":"true"/, 'the weekly thanks toggle is still on');

      rig.proxy.mode = 'pass';
      assert.equal(await rig.flow.app.services.channelSettings.get(LIBRARY_TEAM.id, IT_CHANNEL.id), undefined, 'nothing half-written');
      assert.match(await save(), /Saved\. IT Requests receives IT requests about Public and staff Wi-Fi only and the weekly thanks post/);
      const stored = await rig.flow.app.services.channelSettings.get(LIBRARY_TEAM.id, IT_CHANNEL.id);
      assert.deepEqual(stored?.services, ['wifi']);
    });
  }
});
