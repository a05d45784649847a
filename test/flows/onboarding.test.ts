import assert from 'node:assert/strict';
import { tableConversationReferences } from '../../src/storage/conversationReferences';
import { LIBRARY_TEAM, USERS, channelMessage, personalInstall, personalMessage, teamInstall } from '../support/activities';
import { cardOf, startFlow, textOf, type Flow } from '../support/flow';

describe('flow: installing Liaison', () => {
  let flow: Flow;
  beforeEach(async () => {
    flow = await startFlow();
  });
  afterEach(async () => {
    await flow.close();
  });

  it('greets a technician who installs it personally with the welcome card and stores how to reach them', async () => {
    const response = await flow.post(personalInstall({ serviceUrl: flow.connector.url, from: USERS.technician }));
    assert.equal(response.status, 200);

    const [call] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    const card = cardOf(call?.activity);
    assert.ok(card, 'the welcome is an Adaptive Card');
    assert.equal(card.version, '1.5');
    assert.match(textOf(card), /Hi Tess, I'm Liaison/);
    assert.match(textOf(card), /What you can type/);

    const stored = await tableConversationReferences(flow.tables.client('ConversationReferences')).get({ kind: 'user', aadObjectId: USERS.technician.aadObjectId });
    assert.ok(stored, 'the personal conversation reference is in Table storage');
    assert.equal(stored.reference.serviceUrl, flow.connector.url);
    assert.equal(stored.reference.conversation.id, USERS.technician.personalConversationId);
  });

  it('refreshes the stored reference when the service URL changes', async () => {
    const references = tableConversationReferences(flow.tables.client('ConversationReferences'));
    await flow.post(personalMessage({ serviceUrl: flow.connector.url, text: 'help' }));
    const moved = flow.connector.url.replace('127.0.0.1', 'localhost');
    await flow.post(personalMessage({ serviceUrl: moved, text: 'help' }));
    const stored = await references.get({ kind: 'user', aadObjectId: USERS.technician.aadObjectId });
    assert.equal(stored!.reference.serviceUrl, moved);
  });

  it('posts how to set it up when it is added to a team', async () => {
    const response = await flow.post(teamInstall({ serviceUrl: flow.connector.url, from: USERS.manager }));
    assert.equal(response.status, 200);
    const [call] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    assert.equal(call?.conversationId, LIBRARY_TEAM.id);
    const text = textOf(cardOf(call.activity));
    assert.match(text, /Thanks for adding Liaison to Library Services/);
    assert.match(text, /type @Liaison, pick Liaison from the list, add \*\*setup\*\*/);
    assert.match(text, /Anyone in this team can choose what Liaison posts in its channels/);
  });

  it('answers anything it does not understand with help, never an error', async () => {
    await flow.post(personalMessage({ serviceUrl: flow.connector.url, text: 'hello?' }));
    await flow.post(channelMessage({ serviceUrl: flow.connector.url, text: 'what can you do?' }));
    const calls = await flow.connector.waitForCalls(2, 5_000, ['send', 'reply']);
    assert.match(textOf(cardOf(calls[0]?.activity)), /What I can do/);
    assert.match(textOf(cardOf(calls[1]?.activity)), /What I can do here/);
    assert.equal(flow.logs.filter((l) => l.level === 50).length, 0, 'no error was logged');
  });

  it('offers to make a described problem a request, with the text as its description', async () => {
    const text = 'the self-check at Branch 2 rejects every card';
    await flow.post(personalMessage({ serviceUrl: flow.connector.url, text }));
    const [call] = await flow.connector.waitForCalls(1, 5_000, ['send', 'reply']);
    const card = cardOf(call?.activity);
    assert.match(textOf(card), /make this an IT request/);
    assert.match(JSON.stringify(card), /"verb":"intake.start","data":\{"description":"the self-check at Branch 2 rejects every card"\}/);
  });

  it('logs ids for each turn, never names, e-mail addresses or activity text', async () => {
    const message = personalMessage({ serviceUrl: flow.connector.url, from: USERS.technician, text: 'my password is hunter2' });
    flow.connector.failNext('*', 500, undefined, { times: 5 }); // make the turn fail so that it logs
    await flow.post(message);
    const failed = flow.logs.find((l) => l.msg === 'turn failed');
    assert.equal(failed?.activityId, message.id);
    assert.equal(failed.conversationId, USERS.technician.personalConversationId);
    const raw = flow.rawLog();
    for (const secret of [USERS.technician.email, USERS.technician.userPrincipalName, USERS.technician.name, 'hunter2']) {
      assert.ok(!raw.includes(secret), `the log does not contain ${secret}`);
    }
  });
});
