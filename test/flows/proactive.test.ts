import assert from 'node:assert/strict';
import { CardFactory, MessageFactory } from 'botbuilder';
import { LIBRARY_TEAM, USERS, channelMessage, personalMessage } from '../support/activities';
import { startFlow, type Flow } from '../support/flow';
import { isLiaisonError } from '../../src/lib/errors';
import type { ConversationRef } from '../../src/storage/conversationReferences';

const IT_CHANNEL = LIBRARY_TEAM.channels.itRequests;

describe('flow: proactive messages from stored references', () => {
  let flow: Flow;
  beforeEach(async () => {
    flow = await startFlow();
  });
  afterEach(async () => {
    await flow.close();
  });

  async function storedRefs(): Promise<{ person: ConversationRef; channel: ConversationRef }> {
    // Any activity stores the references; nothing here is built by hand.
    await flow.post(personalMessage({ serviceUrl: flow.connector.url, from: USERS.technician, text: 'help' }));
    await flow.post(channelMessage({ serviceUrl: flow.connector.url, channelId: IT_CHANNEL.id, text: 'help', threadId: '1700000000000' }));
    const { references } = flow.app.services;
    const person = await references.get({ kind: 'user', aadObjectId: USERS.technician.aadObjectId });
    const channel = await references.get({ kind: 'channel', channelId: IT_CHANNEL.id });
    assert.ok(person && channel);
    assert.equal(channel.reference.conversation.id, IT_CHANNEL.id, 'the channel, not the thread the message came from');
    flow.connector.reset();
    return { person: person.reference, channel: channel.reference };
  }

  it('posts to a person, starts a channel thread, replies in it and updates the card in place', async () => {
    const { person, channel } = await storedRefs();
    const { sender } = flow.app;

    const dm = await sender.send(person, MessageFactory.text('Megan Bowen took REQ-0042'));
    const thread = await sender.startThread(channel, MessageFactory.attachment(CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'REQ-0042' }] })));
    const reply = await sender.replyInThread(channel, thread.activityId, MessageFactory.text('Megan Bowen took REQ-0042'));
    await sender.update({ ...channel, conversation: { ...channel.conversation, id: thread.conversationId } }, thread.activityId, MessageFactory.text('updated'));

    const kinds = flow.connector.calls.map((c) => c.kind);
    assert.deepEqual(kinds, ['send', 'createConversation', 'reply', 'update']);
    const [sendCall, createCall, replyCall, updateCall] = flow.connector.calls;
    assert.equal(sendCall?.conversationId, USERS.technician.personalConversationId);
    assert.equal(dm.activityId, sendCall.assignedId);
    assert.equal(createCall?.parameters?.isGroup, true);
    assert.deepEqual(createCall.parameters.channelData, { channel: { id: IT_CHANNEL.id } });
    assert.equal(thread.conversationId, `${IT_CHANNEL.id};messageid=${thread.activityId}`);
    assert.equal(replyCall?.conversationId, thread.conversationId, 'the reply lands in the thread');
    assert.equal(replyCall.activityId, thread.activityId, 'as a reply to the thread root');
    assert.equal(reply.activityId, replyCall.assignedId);
    assert.equal(updateCall?.activityId, thread.activityId);
    assert.equal(flow.connector.latest(thread.activityId)?.text, 'updated');
  });

  it('refuses to send to a service URL outside the allow-list', async () => {
    await flow.close();
    flow = await startFlow({ allowedServiceHosts: ['smba.trafficmanager.net'] });
    const forged: ConversationRef = {
      serviceUrl: flow.connector.url,
      channelId: 'msteams',
      conversation: { id: USERS.technician.personalConversationId },
      bot: { id: '28:bot', name: 'Liaison' },
    };
    await assert.rejects(flow.app.sender.send(forged, MessageFactory.text('hi')), (error) => isLiaisonError(error, 'SEND_FAILED'));
    assert.equal(flow.connector.calls.length, 0);
  });

  it('rejects inbound activities from a service URL outside the allow-list, storing nothing', async () => {
    await flow.close();
    flow = await startFlow({ allowedServiceHosts: ['smba.trafficmanager.net'] });
    const response = await flow.post(personalMessage({ serviceUrl: flow.connector.url, text: 'help' }));
    assert.equal(response.status, 403);
    assert.equal(await flow.app.services.references.get({ kind: 'user', aadObjectId: USERS.technician.aadObjectId }), undefined);
  });
});
