import assert from 'node:assert/strict';
import { tableChannelSettings } from '../../src/storage/channelSettings';
import { LIBRARY_TEAM, USERS, cardAction, channelMessage, randomGuid } from '../support/activities';
import { cardOf, startFlow, textOf, type Flow } from '../support/flow';

const IT_CHANNEL = LIBRARY_TEAM.channels.itRequests;
const inChannel = { kind: 'channel' as const, channelId: IT_CHANNEL.id, threadId: 'setup-card-1' };

interface InvokeBody {
  statusCode: number;
  type: string;
  value: Record<string, unknown>;
}

describe('flow: registering a channel with @Liaison setup', () => {
  let flow: Flow;
  afterEach(async () => {
    await flow.close();
  });

  it('answers setup with the registration card, stores the choice, and shows it in status', async () => {
    flow = await startFlow();
    await flow.post(channelMessage({ serviceUrl: flow.connector.url, text: 'setup', channelId: IT_CHANNEL.id, channelName: IT_CHANNEL.name }));
    const [setupCall] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    const setupCard = cardOf(setupCall?.activity);
    assert.match(textOf(setupCard), /Connect IT Requests to Liaison/);
    assert.match(JSON.stringify(setupCard), /"verb":"setup.save"/);

    const saved = await flow.post(
      cardAction({ serviceUrl: flow.connector.url, verb: 'setup.save', conversation: inChannel, data: { itRequests: 'true', services: 'printing,wifi', praisePosts: 'false' } }),
    );
    assert.equal(saved.status, 200);
    const body = saved.body as InvokeBody;
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', 'the card is replaced in place');
    assert.match(textOf(body.value), /IT Requests is connected to Liaison/, 'the result is the heading');
    assert.match(textOf(body.value), /Saved\. IT Requests receives IT requests about Printing, copying, scanning and payment; Public and staff Wi-Fi only/);

    const stored = await tableChannelSettings(flow.tables.client('ChannelSettings')).get(LIBRARY_TEAM.id, IT_CHANNEL.id);
    assert.deepEqual(
      { itRequests: stored?.itRequests, services: stored?.services, praisePosts: stored?.praisePosts, name: stored?.channelName, by: stored?.updatedBy.aadObjectId },
      { itRequests: true, services: ['printing', 'wifi'], praisePosts: false, name: 'IT Requests', by: USERS.technician.aadObjectId },
    );

    flow.connector.reset();
    await flow.post(channelMessage({ serviceUrl: flow.connector.url, text: 'status', channelId: LIBRARY_TEAM.channels.general.id }));
    const [statusCall] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    const status = textOf(cardOf(statusCall?.activity));
    assert.match(status, /Liaison in Library Services/);
    assert.match(status, /IT Requests/);
    assert.match(status, /set up by Tess Nguyen on \d{1,2} [A-Z][a-z]{2} \d{4}/, 'who set it up and when');
  });

  it('keeps registrations across a restart', async () => {
    flow = await startFlow();
    await flow.post(cardAction({ serviceUrl: flow.connector.url, verb: 'setup.save', conversation: inChannel, data: { itRequests: 'false', services: '', praisePosts: 'true' } }));
    const tables = flow.tables;
    await flow.close();

    flow = await startFlow();
    const reopened = tableChannelSettings(tables.client('ChannelSettings'));
    const stored = await reopened.get(LIBRARY_TEAM.id, IT_CHANNEL.id);
    assert.equal(stored?.praisePosts, true);
    assert.equal(stored.itRequests, false);
  });

  it('refuses a change by someone who is not an admin, and changes nothing', async () => {
    const admin = randomGuid();
    flow = await startFlow({ admins: [admin] });
    const response = await flow.post(
      cardAction({ serviceUrl: flow.connector.url, from: USERS.technician, verb: 'setup.save', conversation: inChannel, data: { itRequests: 'true', services: '', praisePosts: 'true' } }),
    );
    assert.equal(response.status, 200);
    assert.match(textOf((response.body as InvokeBody).value), /Only Liaison admins can change what this channel receives, so nothing was changed/);
    assert.equal(await tableChannelSettings(flow.tables.client('ChannelSettings')).get(LIBRARY_TEAM.id, IT_CHANNEL.id), undefined);
  });

  it('refuses forged card data: a service outside the catalogue, a toggle that is not true/false', async () => {
    flow = await startFlow();
    const settings = tableChannelSettings(flow.tables.client('ChannelSettings'));
    const forged = await flow.post(cardAction({ serviceUrl: flow.connector.url, verb: 'setup.save', conversation: inChannel, data: { itRequests: 'true', services: 'printing,<script>', praisePosts: 'false' } }));
    assert.match(textOf((forged.body as InvokeBody).value), /not in the catalogue/);
    const wrongType = await flow.post(cardAction({ serviceUrl: flow.connector.url, verb: 'setup.save', conversation: inChannel, data: { itRequests: { $gt: '' }, praisePosts: 'yes' } }));
    assert.match(textOf((wrongType.body as InvokeBody).value), /did not look like the setup form/);
    assert.equal(await settings.get(LIBRARY_TEAM.id, IT_CHANNEL.id), undefined);
  });

  it('answers an unknown or stale button with a clear card', async () => {
    flow = await startFlow();
    const response = await flow.post(cardAction({ serviceUrl: flow.connector.url, verb: 'rm -rf', conversation: inChannel }));
    assert.equal(response.status, 200);
    assert.match(textOf((response.body as InvokeBody).value), /That button is no longer active/);
  });

  it('explains that setup belongs in a team channel when typed in a personal chat', async () => {
    flow = await startFlow();
    const response = await flow.post(cardAction({ serviceUrl: flow.connector.url, verb: 'setup.save', data: { itRequests: 'true' } }));
    assert.match(textOf((response.body as InvokeBody).value), /Channel setup works in a team channel/);
  });
});
