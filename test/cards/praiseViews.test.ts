import assert from 'node:assert/strict';
import { praiseCard, praiseSettingsCard, praiseThanksCard, weeklyThanksCard, type PraiseCardInput, type WeeklyMode } from '../../src/cards/praiseViews';
import type { AdaptiveCard } from '../../src/cards/render';
import { DEFAULT_PRAISE, MESSAGE_LIMIT, type Praise, type PraiseWeek, type Thanked } from '../../src/praise/praise';
import type { PublicThanks, WeeklySummary } from '../../src/praise/weekly';
import { actionsOf, assertShownAsTyped, displayTexts, errorUnder, HOSTILE_PARTS, inputOf, valueOf } from '../support/cards';
import { checkCard, MAX_CARD_BYTES } from '../support/cardCheck';

const HOSTILE = Object.values(HOSTILE_PARTS).join(' and ');
const TIME_ZONE = 'Australia/Perth';

const person = (i: number, name: string, teamName = 'IT Service Desk'): Thanked => ({
  aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name,
  teamId: `team-${teamName}`,
  teamName,
});
const IVAN = person(1, 'Ivan Brooks');
const MEGAN = person(2, 'Megan Bowen');
const DIEGO = person(3, 'Diego Ramirez', 'Network');
const PRIYA = { aadObjectId: 'a1111111-1111-4111-8111-111111111111', name: 'Priya Natarajan' };
const REQUEST = { seq: 42, reference: 'REQ-0042', title: 'Self-check at Branch 2 rejects every library card' };

interface Entity {
  text: string;
  mentioned: { id: string; name: string };
}
const entitiesOf = (card: AdaptiveCard): Entity[] => (card.msteams as { entities?: Entity[] } | undefined)?.entities ?? [];
const verbsOf = (card: AdaptiveCard): string[] => actionsOf(card).map((a) => a.verb);
const textOf = (card: AdaptiveCard): string => displayTexts(card).join('\n');
const bytesOf = (card: AdaptiveCard): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** No raw markdown, expression, date function or mention in what the card shows, besides its real mentions. */
function assertInertBesidesMentions(card: AdaptiveCard): string[] {
  const entities = entitiesOf(card);
  const texts = displayTexts(card).map((text) => entities.reduce((rest, { text: mention }) => rest.split(mention).join('@'), text));
  for (const text of texts) {
    for (const raw of ['[click](', '](https://', '{{DATE(', '${', '**bold**', '<at>', '</at>']) assert.ok(!text.includes(raw), `"${raw}" appears unescaped in ${JSON.stringify(text)}`);
  }
  for (const { text, mentioned } of entities) {
    assert.doesNotMatch(mentioned.name, /[<>[\]()*{}$\\]/, 'the mention name is plain');
    assert.equal(text, `<at>${mentioned.name}</at>`);
  }
  return texts;
}

/** Each entity's text appears in the body exactly once, and no more than `limit` people are mentioned. */
function assertMentions(card: AdaptiveCard, limit: number): void {
  const entities = entitiesOf(card);
  assert.ok(entities.length <= limit, `${String(entities.length)} mentions, limit ${String(limit)}`);
  assert.equal(new Set(entities.map((e) => e.mentioned.id)).size, entities.length, 'each person is mentioned once');
  const body = JSON.stringify(card.body);
  for (const { text } of entities) assert.equal(body.split(JSON.stringify(text).slice(1, -1)).length - 1, 1, `${text} appears once in the body`);
  assert.equal((body.match(/<at>/g) ?? []).length, entities.length, 'every <at> in the body has its entity');
}

describe('praise cards', () => {
  describe('the card to thank IT with', () => {
    const input = (extra: Partial<PraiseCardInput> = {}): PraiseCardInput => ({
      token: 'token-1',
      request: { reference: REQUEST.reference, title: REQUEST.title },
      offered: [MEGAN, IVAN, DIEGO],
      preselected: [MEGAN.aadObjectId],
      badges: DEFAULT_PRAISE.badges,
      publicPosts: true,
      ...extra,
    });

    it('after a resolution asks about the request, with Send thanks and Not now carrying the token and reference', () => {
      const card = praiseCard(input());
      assert.deepEqual(checkCard(card), []);
      const texts = displayTexts(card);
      assert.equal(texts[0], 'Would you like to thank IT for REQ-0042?');
      assert.match(texts[1]!, /Self-check at Branch 2 rejects every library card/);
      assert.match(texts[1]!, /always get your thanks privately/);
      assert.deepEqual(verbsOf(card), ['praise.send', 'praise.dismiss']);
      for (const action of actionsOf(card)) assert.deepEqual(action.data, { token: 'token-1', reference: 'REQ-0042' });
      const [send, dismiss] = card.actions as Record<string, unknown>[];
      assert.equal(send!.title, 'Send thanks');
      assert.equal(send!.style, 'positive');
      assert.equal(dismiss!.title, 'Not now');
      assert.equal(dismiss!.associatedInputs, 'none', 'Not now works with nobody chosen');
    });

    it('started by "praise" says Thank someone in IT and has no Not now', () => {
      const card = praiseCard(input({ request: undefined, preselected: [] }));
      assert.equal(displayTexts(card)[0], 'Thank someone in IT');
      assert.deepEqual(verbsOf(card), ['praise.send']);
      assert.deepEqual(actionsOf(card)[0]!.data, { token: 'token-1', reference: '' });
      assert.equal(valueOf(card, 'people'), '');
      assert.deepEqual(checkCard(card), []);
    });

    it('offers the IT staff by plain name and team, sorted, with the assignee chosen, a badge, a message box and where it appears', () => {
      const card = praiseCard(input());
      const people = inputOf(card, 'people')!;
      assert.deepEqual(people.choices, [
        { title: 'Diego Ramirez · Network', value: DIEGO.aadObjectId },
        { title: 'Ivan Brooks · IT Service Desk', value: IVAN.aadObjectId },
        { title: 'Megan Bowen · IT Service Desk', value: MEGAN.aadObjectId },
      ]);
      assert.equal(people.isMultiSelect, true);
      assert.equal(people.style, 'expanded');
      assert.equal(people.value, MEGAN.aadObjectId);
      assert.equal(valueOf(card, 'badge'), 'Thank you');
      assert.equal(inputOf(card, 'badge')!.style, 'compact');
      const message = inputOf(card, 'message')!;
      assert.equal(message.maxLength, MESSAGE_LIMIT);
      assert.equal(message.isMultiline, true);
      assert.match(String(message.placeholder), /^For example/);
      const visibility = inputOf(card, 'visibility')!;
      assert.equal(visibility.style, 'expanded');
      assert.equal(visibility.value, 'weekly');
      assert.deepEqual(visibility.choices, [
        { title: "In this week's thanks post", value: 'weekly' },
        { title: "Also post it now in the team's thanks channel", value: 'now' },
        { title: 'Only to them, privately', value: 'private' },
      ]);
      for (const id of ['people', 'badge', 'visibility']) assert.equal(inputOf(card, id)!.isRequired, true, id);
    });

    it('names people without their team when they all come from one, and lists more than six in a dropdown', () => {
      const one = inputOf(praiseCard(input({ offered: [MEGAN, IVAN] })), 'people')!;
      assert.deepEqual((one.choices as { title: string }[]).map((c) => c.title), ['Ivan Brooks', 'Megan Bowen']);
      const seven = Array.from({ length: 7 }, (_, i) => person(10 + i, `Member ${String(i)}`));
      assert.equal(inputOf(praiseCard(input({ offered: seven.slice(0, 6) })), 'people')!.style, 'expanded');
      assert.equal(inputOf(praiseCard(input({ offered: seven })), 'people')!.style, 'compact');
    });

    it('offers at most 100 people, each once, keeping the assignee even when their name sorts late', () => {
      const many = Array.from({ length: 150 }, (_, i) => person(100 + i, `Member ${String(i).padStart(3, '0')}`));
      const late = person(999, 'Zoe Young');
      const card = praiseCard(input({ offered: [...many, IVAN, IVAN, late], preselected: [late.aadObjectId] }));
      const choices = inputOf(card, 'people')!.choices as { title: string; value: string }[];
      assert.equal(choices.length, 100);
      assert.equal(new Set(choices.map((c) => c.value)).size, 100);
      assert.deepEqual(choices[0], { title: 'Ivan Brooks', value: IVAN.aadObjectId });
      assert.deepEqual(choices.at(-1), { title: 'Zoe Young', value: late.aadObjectId });
      assert.equal(valueOf(card, 'people'), late.aadObjectId);
      assert.deepEqual(checkCard(card), []);
    });

    it('offers only private thanks when the organisation has public thanks switched off, and says so', () => {
      const card = praiseCard(input({ publicPosts: false, typed: { visibility: 'weekly' } }));
      const visibility = inputOf(card, 'visibility')!;
      assert.deepEqual(visibility.choices, [{ title: 'Only to them, privately', value: 'private' }]);
      assert.equal(visibility.value, 'private');
      assert.match(textOf(card), /Your organisation has switched public thanks off/);
      assert.doesNotMatch(textOf(praiseCard(input())), /switched public thanks off/);
      assert.deepEqual(checkCard(card), []);
    });

    it('keeps what was typed and shows each problem under its field', () => {
      const typed = { people: [IVAN.aadObjectId, DIEGO.aadObjectId], badge: 'Quick fix', message: 'x'.repeat(20), visibility: 'now' };
      const errors = { people: 'Choose at most 10 people.', badge: 'Please choose a badge.', message: 'Please keep it under 500.', visibility: 'Please choose who may see it.' };
      const card = praiseCard(input({ typed, errors, banner: { text: 'Not sent yet.', style: 'attention' } }));
      assert.equal(valueOf(card, 'people'), `${DIEGO.aadObjectId},${IVAN.aadObjectId}`);
      assert.equal(valueOf(card, 'badge'), 'Quick fix');
      assert.equal(valueOf(card, 'message'), typed.message);
      assert.equal(valueOf(card, 'visibility'), 'now');
      for (const [field, error] of Object.entries(errors)) assert.equal(errorUnder(card, field), error, field);
      assert.ok(displayTexts(card).includes('Not sent yet.'));
      assert.deepEqual(checkCard(card), []);

      const clean = praiseCard(input());
      for (const field of Object.keys(errors)) assert.equal(errorUnder(clean, field), undefined, field);
    });

    it('chooses the first badge when Thank you is not configured, and ignores a badge or person not on offer', () => {
      const card = praiseCard(input({ badges: ['Hero', 'Star'], typed: { badge: 'Fake', people: ['someone-else'] } }));
      assert.equal(valueOf(card, 'badge'), 'Hero');
      assert.equal(valueOf(card, 'people'), '');
    });

    it('shows the request title and names as typed, never as links, formatting or expressions', () => {
      const hostile = { ...IVAN, name: HOSTILE, teamName: HOSTILE };
      const card = praiseCard(input({ request: { reference: 'REQ-0042', title: HOSTILE }, offered: [hostile, DIEGO], typed: { message: HOSTILE } }));
      const texts = assertInertBesidesMentions(card);
      assertShownAsTyped(texts, 'praise card');
      assert.equal(valueOf(card, 'message'), HOSTILE, 'the message box shows it as typed');
      // checkCard would flag the raw `${` in the message box, which Teams shows as typed and never evaluates.
      assert.deepEqual(checkCard(praiseCard(input({ request: { reference: 'REQ-0042', title: HOSTILE }, offered: [hostile, DIEGO] }))), []);
    });
  });

  describe('the thanks as it arrives', () => {
    const praise = (extra: Partial<Praise> = {}): Praise => ({
      tenantId: 'tenant',
      id: 'token-1',
      from: PRIYA,
      to: [IVAN, MEGAN],
      badge: 'Problem solver',
      message: 'The queue is gone, thank you.',
      visibility: 'weekly',
      request: REQUEST,
      at: new Date('2026-11-24T03:00:00Z'),
      ...extra,
    });

    it('tells the person thanked who thanked them, the badge, the message, the request and who else sees it', () => {
      const card = praiseThanksCard(praise(), { kind: 'recipient', publicName: true, publicPosts: true, postedIn: [], weeklyPost: true });
      assert.deepEqual(displayTexts(card), [
        'Priya Natarajan thanked you',
        'Problem solver',
        '“The queue is gone, thank you.”',
        'For REQ-0042 · Self-check at Branch 2 rejects every library card',
        "It will also appear in this week's thanks post.",
      ]);
      assert.deepEqual(entitiesOf(card), []);
      assert.deepEqual(checkCard(card), []);
    });

    it('says where else the thanks goes, as things are when it arrives, and how to change a hidden name', () => {
      const note = (visibility: Praise['visibility'], view: { publicName?: boolean; publicPosts?: boolean; postedIn?: string[]; weeklyPost?: boolean } = {}): string | undefined =>
        displayTexts(praiseThanksCard(praise({ visibility, request: undefined, message: '', to: [IVAN] }), { kind: 'recipient', publicName: true, publicPosts: true, postedIn: [], weeklyPost: true, ...view })).at(-1);
      assert.equal(note('now', { postedIn: ['Kudos', 'Wins'] }), "It was also posted in Kudos and Wins. It will also appear in this week's thanks post.");
      assert.equal(note('now'), "It will also appear in this week's thanks post.", 'no channel took it: no claim that it was posted');
      assert.equal(note('weekly'), "It will also appear in this week's thanks post.");
      assert.equal(note('private'), 'Only you can see this.');
      assert.equal(note('private', { publicName: false }), 'Only you can see this.');
      assert.equal(note('now', { publicPosts: false, postedIn: ['Kudos'] }), 'Only you can see this.', 'public posts switched off meanwhile');
      assert.equal(note('weekly', { weeklyPost: false }), 'Only you can see this.', 'no channel takes the weekly post');
      const several = praiseThanksCard(praise({ visibility: 'private', to: [IVAN, MEGAN] }), { kind: 'recipient', publicName: true, publicPosts: true, postedIn: [], weeklyPost: true });
      assert.equal(displayTexts(several).at(-1), 'Only the people thanked can see this.');
      for (const visibility of ['weekly', 'now'] as const) {
        assert.equal(note(visibility, { publicName: false }), 'Your praise settings keep your name out of public posts; type praise settings to change that.');
      }
      const bare = praiseThanksCard(praise({ request: undefined, message: '' }), { kind: 'recipient', publicName: true, publicPosts: true, postedIn: [], weeklyPost: true });
      assert.doesNotMatch(textOf(bare), /For REQ|“/, 'no empty message or request line');
    });

    it("in a team's thanks channel mentions at most mentionLimit of the people who may be named", () => {
      const named = [IVAN, MEGAN, DIEGO];
      const card = praiseThanksCard(praise({ to: named }), { kind: 'channel', named, mentionLimit: 2 });
      assert.equal(displayTexts(card)[0], 'Priya Natarajan thanked <at>Ivan Brooks</at>, <at>Megan Bowen</at> and Diego Ramirez');
      assert.deepEqual(entitiesOf(card).map((e) => e.mentioned), [
        { id: IVAN.aadObjectId, name: 'Ivan Brooks' },
        { id: MEGAN.aadObjectId, name: 'Megan Bowen' },
      ]);
      assertMentions(card, 2);
      assert.deepEqual(checkCard(card), []);
      assert.equal(entitiesOf(praiseThanksCard(praise(), { kind: 'channel', named, mentionLimit: 0 })).length, 0);
    });

    it('shows names, badge, message and request title as typed, with mentions by plain name', () => {
      const hostile = { ...IVAN, name: `Ivan ${HOSTILE}` };
      const thanks = praise({ from: { aadObjectId: 'x', name: HOSTILE }, to: [hostile, DIEGO], message: HOSTILE, badge: HOSTILE, request: { ...REQUEST, title: HOSTILE } });
      for (const audience of [{ kind: 'recipient', publicName: true, publicPosts: true, postedIn: [HOSTILE], weeklyPost: true }, { kind: 'channel', named: [hostile, { ...DIEGO, name: HOSTILE }], mentionLimit: 1 }] as const) {
        const card = praiseThanksCard(thanks, audience);
        assertShownAsTyped(assertInertBesidesMentions(card), audience.kind);
        assertMentions(card, audience.kind === 'channel' ? 1 : 0);
        assert.deepEqual(checkCard(card), []);
      }
    });
  });

  describe('the weekly thanks post', () => {
    // Fri 15:00 in Perth to the next Fri 15:00: the post's own week.
    const WEEK: PraiseWeek = { key: '2026-11-27', start: new Date('2026-11-20T07:00:00Z'), end: new Date('2026-11-27T07:00:00Z') };
    const staff = Array.from({ length: 60 }, (_, i) => person(10 + i, `IT Person ${String(i).padStart(2, '0')}`));
    const thanksFor = (i: number, extra: Partial<PublicThanks> = {}): PublicThanks => ({
      from: `Technician ${String(i)}`,
      to: [staff[i % staff.length]!],
      badge: DEFAULT_PRAISE.badges[i % DEFAULT_PRAISE.badges.length]!,
      message: `Thanks number ${String(i)}.`,
      at: new Date(WEEK.start.getTime() + i * 60_000),
      ...extra,
    });
    const summary = (thanks: PublicThanks[], facts: WeeklySummary['facts'] = { resolved: 14, medianMs: 12_000_000, metShare: 0.8333 }): WeeklySummary => ({
      week: WEEK,
      thanks,
      teams: thanks.length === 0 ? [] : [{ name: 'IT Service Desk', count: 7 }, { name: 'Network', count: 2 }],
      facts,
    });
    const card = (s: WeeklySummary, mode: WeeklyMode = { kind: 'post', lateDays: 0 }, mentionLimit = 10): AdaptiveCard =>
      weeklyThanksCard(s, { timeZone: TIME_ZONE, mentionLimit, mode });
    const thanksLines = (c: AdaptiveCard): string[] => displayTexts(c).filter((t) => / thanked /.test(t));

    it('gives the week, the facts and the totals per team, never a ranking', () => {
      const c = card(summary([thanksFor(1, { reference: 'REQ-0042', title: 'Printer jam', to: [IVAN, MEGAN] })]));
      assert.deepEqual(checkCard(c), []);
      const texts = displayTexts(c);
      assert.deepEqual(texts.slice(0, 2), ['Thanks to IT this week', 'Fri 20 Nov to Fri 27 Nov 2026']);
      const facts = texts.slice(2, 8);
      assert.deepEqual(facts, ['Requests resolved', '14', 'Median to resolve', '3 h 20 min', 'Within service level', '83%']);
      assert.ok(texts.includes('IT Service Desk: 7 thanks · Network: 2 thanks'));
      assert.ok(texts.includes('**Technician 1** thanked <at>Ivan Brooks</at> and <at>Megan Bowen</at>'));
      assert.ok(texts.includes('For REQ-0042 · Printer jam'));
      assert.ok(texts.includes('Problem solver'));
      assert.doesNotMatch(textOf(c), /Page \d|more thanks/);
      assert.deepEqual(verbsOf(c), []);
    });

    it('names the days in the time zone, the last being the day before the end', () => {
      const midnight: PraiseWeek = { key: '2026-11-28', start: new Date('2026-11-20T16:00:00Z'), end: new Date('2026-11-27T16:00:00Z') };
      assert.equal(displayTexts(card({ ...summary([]), week: midnight }))[1], 'Sat 21 Nov to Fri 27 Nov 2026');
      const newYear: PraiseWeek = { key: '2027-01-01', start: new Date('2026-12-25T07:00:00Z'), end: new Date('2027-01-01T07:00:00Z') };
      assert.equal(displayTexts(card({ ...summary([]), week: newYear }))[1], 'Fri 25 Dec 2026 to Fri 1 Jan 2027');
    });

    it('says how long requests took as a person would, and leaves out facts there are none of', () => {
      const median = (ms: number): string | undefined => {
        const texts = displayTexts(card(summary([], { resolved: 3, medianMs: ms, metShare: 1 })));
        return texts[texts.indexOf('Median to resolve') + 1];
      };
      assert.equal(median(45 * 60_000), '45 min');
      assert.equal(median(3 * 3_600_000), '3 h');
      assert.equal(median(52 * 3_600_000 + 10 * 60_000), '2 days 4 h');
      assert.equal(median(24 * 3_600_000), '1 day');
      const none = displayTexts(card(summary([], { resolved: 0 })));
      assert.deepEqual(none.slice(2, 4), ['Requests resolved', '0']);
      assert.ok(!none.includes('Median to resolve') && !none.includes('Within service level'));
    });

    it('says when it is a preview or late', () => {
      const note = (mode: WeeklyMode): string => displayTexts(card(summary([thanksFor(1)]), mode))[2]!;
      assert.equal(note({ kind: 'preview' }), 'Preview: this is how the weekly post looks so far. It is not the weekly post.');
      assert.equal(note({ kind: 'post', lateDays: 1 }), 'This post is 1 day late.');
      assert.equal(note({ kind: 'post', lateDays: 3 }), 'This post is 3 days late.');
      assert.equal(note({ kind: 'post', lateDays: 0 }), 'Requests resolved', 'no note when on time');
    });

    it('in a week without thanks says so kindly, and still gives the facts', () => {
      const c = card(summary([]));
      const texts = displayTexts(c);
      assert.ok(texts.includes('No thanks were shared this week. When IT helps you, type praise to say thank you.'));
      assert.ok(texts.includes('Requests resolved'));
      assert.deepEqual(verbsOf(c), []);
      assert.deepEqual(checkCard(c), []);
      const hidden = card({ ...summary([]), teams: [{ name: 'Network', count: 1 }] });
      assert.match(textOf(hidden), /prefer not to be named here/);
    });

    it('shows the first 20 thanks in time order, then how many more and Show all', () => {
      const c = card(summary(Array.from({ length: 25 }, (_, i) => thanksFor(i))));
      const lines = thanksLines(c);
      assert.equal(lines.length, 20);
      assert.match(lines[0]!, /^\*\*Technician 0\*\*/);
      assert.match(lines[19]!, /^\*\*Technician 19\*\*/);
      assert.ok(displayTexts(c).includes('And 5 more thanks this week.'));
      assert.deepEqual(actionsOf(c), [{ verb: 'praise.page', title: 'Show all thanks', data: { week: '2026-11-27', page: 1 } }]);
      assert.ok(displayTexts(card(summary(Array.from({ length: 21 }, (_, i) => thanksFor(i))))).includes('And 1 more thank-you this week.'));
    });

    it('cuts a long message in the post and shows it whole on the pages', () => {
      const long = `${'a'.repeat(299)} ${'b'.repeat(100)}`;
      const s = summary([thanksFor(1, { message: long })]);
      const post = card(s);
      const shown = displayTexts(post).find((t) => t.startsWith('“a'))!;
      assert.ok(shown.length <= 302 && shown.endsWith('…”'), shown);
      assert.deepEqual(verbsOf(post), ['praise.page'], 'Show all leads to the whole message');
      assert.ok(displayTexts(card(s, { kind: 'page', page: 1 })).includes(`“${long}”`));
    });

    it('mentions at most mentionLimit people, the first that appear, each once; everyone else by plain name', () => {
      const thanks = Array.from({ length: 20 }, (_, i) => thanksFor(i, { to: [staff[i % 7]!, staff[(i + 1) % 7]!] }));
      const c = card(summary(thanks), { kind: 'post', lateDays: 0 }, 5);
      assertMentions(c, 5);
      assert.deepEqual(entitiesOf(c).map((e) => e.mentioned.name), ['IT Person 00', 'IT Person 01', 'IT Person 02', 'IT Person 03', 'IT Person 04']);
      const lines = thanksLines(c);
      assert.equal(lines[0], '**Technician 0** thanked <at>IT Person 00</at> and <at>IT Person 01</at>');
      assert.equal(lines[1], '**Technician 1** thanked IT Person 01 and <at>IT Person 02</at>');
      assert.equal(lines[5], '**Technician 5** thanked IT Person 05 and IT Person 06');
      assert.deepEqual(checkCard(c), []);
    });

    it('notifies nobody on a preview or a page', () => {
      const s = summary(Array.from({ length: 30 }, (_, i) => thanksFor(i)));
      for (const mode of [{ kind: 'preview' }, { kind: 'page', page: 1 }] as const) {
        const c = card(s, mode);
        assert.deepEqual(entitiesOf(c), [], mode.kind);
        assert.doesNotMatch(JSON.stringify(c), /<at>/, mode.kind);
      }
    });

    it('pages all thanks 40 at a time, with Previous and Next, clamping pages out of range', () => {
      const s = summary(Array.from({ length: 90 }, (_, i) => thanksFor(i)));
      const page = (n: number): AdaptiveCard => card(s, { kind: 'page', page: n });
      const second = page(2);
      assert.equal(displayTexts(second)[0], 'All thanks this week');
      assert.ok(displayTexts(second).includes('Page 2 of 3'));
      assert.equal(thanksLines(second).length, 40);
      assert.match(thanksLines(second)[0]!, /Technician 40\*\*/);
      assert.deepEqual(actionsOf(second).map((a) => [a.title, a.data]), [
        ['Previous', { week: '2026-11-27', page: 1 }],
        ['Next', { week: '2026-11-27', page: 3 }],
      ]);
      assert.ok(!displayTexts(second).includes('Requests resolved'), 'the facts stay with the post');
      assert.deepEqual(checkCard(second), []);
      assert.deepEqual(actionsOf(page(1)).map((a) => a.title), ['Next']);
      assert.deepEqual(actionsOf(page(3)).map((a) => a.title), ['Previous']);
      assert.equal(thanksLines(page(3)).length, 10);
      assert.deepEqual(page(0), page(1));
      assert.deepEqual(page(-4), page(1));
      assert.deepEqual(page(99), page(3));
      assert.deepEqual(page(Number.NaN), page(1));
      assert.ok(displayTexts(card(summary([]), { kind: 'page', page: 5 })).includes('Page 1 of 1'));
    });

    describe('a busy week: 500 thanks of 500 characters, names of 120 characters, 10 people each', () => {
      const long = (text: string, n: number): string => text.repeat(Math.ceil(n / text.length)).slice(0, n);
      const busy = (name: (i: number) => string, message: string): WeeklySummary => {
        const people = Array.from({ length: 40 }, (_, i) => person(500 + i, name(i)));
        return summary(
          Array.from({ length: 500 }, (_, i) =>
            thanksFor(i, {
              from: name(1000 + i),
              to: Array.from({ length: 10 }, (_, k) => people[(i + k) % people.length]!),
              message,
              reference: 'REQ-0042',
              title: long('Printer jam ', 100),
            }),
          ),
        );
      };
      const plain = busy((i) => long(`Ivan ${String(i)} Brooks-Natarajan `, 120), long('Thank you so much for your help. ', 500));
      // Every character escaped by inert() and again by JSON: the most bytes a name or message can take.
      const escaped = busy((i) => `${String(i)}${long('*_[', 117)}`, long('[*]', 500));

      for (const [kind, s] of [['ordinary', plain], ['markdown-heavy', escaped]] as const) {
        it(`stays under 80 KB as a post, a preview and a page, with ${kind} text`, () => {
          const post = card(s, { kind: 'post', lateDays: 2 }, 10);
          assert.ok(bytesOf(post) < MAX_CARD_BYTES, `the post is ${String(bytesOf(post))} bytes`);
          assert.deepEqual(checkCard(post), []);
          const shown = thanksLines(post).length;
          assert.ok(shown > 0 && shown <= 20);
          assert.ok(displayTexts(post).includes(`And ${String(500 - shown)} more thanks this week.`));
          assertMentions(post, 10);
          assert.ok(bytesOf(card(s, { kind: 'preview' })) < MAX_CARD_BYTES);

          const first = card(s, { kind: 'page', page: 1 });
          const pages = Number(/Page 1 of (\d+)/.exec(textOf(first))?.[1]);
          for (const n of new Set([1, 2, Math.ceil(pages / 2), pages])) {
            const page = card(s, { kind: 'page', page: n });
            assert.ok(bytesOf(page) < MAX_CARD_BYTES, `page ${String(n)} is ${String(bytesOf(page))} bytes`);
            assert.deepEqual(checkCard(page), []);
          }
        });
      }

      it('puts every thanks of the week on exactly one page', () => {
        const first = card(plain, { kind: 'page', page: 1 });
        const pages = Number(/Page 1 of (\d+)/.exec(textOf(first))?.[1]);
        const seen = Array.from({ length: pages }, (_, i) => thanksLines(card(plain, { kind: 'page', page: i + 1 }))).flat();
        assert.equal(seen.length, 500);
        assert.equal(new Set(seen).size, 500);
      });

      it('with a large mention limit still stays under 80 KB', () => {
        const post = card(plain, { kind: 'post', lateDays: 0 }, 200);
        assert.ok(bytesOf(post) < MAX_CARD_BYTES, `the post is ${String(bytesOf(post))} bytes`);
        assertMentions(post, 200);
      });
    });

    it('shows senders, names, teams, badges, messages and request titles as typed, with mentions by plain name', () => {
      const hostile = (i: number): Thanked => ({ ...person(700 + i, `${String(i)} ${HOSTILE}`), teamName: HOSTILE });
      const thanks = [0, 1, 2].map((i) => thanksFor(i, { from: HOSTILE, to: [hostile(i), hostile(i + 1)], badge: HOSTILE, message: HOSTILE, reference: 'REQ-0042', title: HOSTILE }));
      const s = { ...summary(thanks), teams: [{ name: HOSTILE, count: 3 }] };
      for (const mode of [{ kind: 'post', lateDays: 0 }, { kind: 'preview' }, { kind: 'page', page: 1 }] as const) {
        const c = card(s, mode, 2);
        assertShownAsTyped(assertInertBesidesMentions(c), mode.kind);
        assert.deepEqual(checkCard(c), []);
      }
    });
  });

  describe('praise settings', () => {
    it('lets everyone choose whether their name appears, and only admins switch public thanks', () => {
      const member = praiseSettingsCard({ showMyName: false, isAdmin: false, publicPosts: true });
      assert.equal(displayTexts(member)[0], 'Praise settings');
      assert.equal(valueOf(member, 'showMyName'), 'false');
      assert.equal(inputOf(member, 'showMyName')!.title, 'Show my name when people thank me in public posts');
      assert.match(textOf(member), /always reach you privately/);
      assert.equal(inputOf(member, 'publicPosts'), undefined);
      assert.deepEqual(verbsOf(member), ['praise.settings.save']);
      assert.deepEqual(checkCard(member), []);

      const admin = praiseSettingsCard({ showMyName: true, isAdmin: true, publicPosts: false, banner: { text: 'Saved.', style: 'good' } });
      assert.equal(valueOf(admin, 'showMyName'), 'true');
      const toggle = inputOf(admin, 'publicPosts')!;
      assert.equal(toggle.title, 'Public thanks posts for the whole organisation');
      assert.deepEqual([toggle.value, toggle.valueOn, toggle.valueOff], ['false', 'true', 'false']);
      assert.ok(displayTexts(admin).includes('Saved.'));
      assert.deepEqual(checkCard(admin), []);
    });

    it('tells a member when public thanks are switched off for everyone', () => {
      assert.match(textOf(praiseSettingsCard({ showMyName: true, isAdmin: false, publicPosts: false })), /switched off for your organisation/);
      assert.doesNotMatch(textOf(praiseSettingsCard({ showMyName: true, isAdmin: false, publicPosts: true })), /switched off/);
    });
  });
});
