import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARDS_DIR, inert, renderCard } from '../src/cards/render';
import {
  cardNames,
  findMarkdown,
  openCardRenderer,
  sampleData,
  type CardRenderer,
  type RenderedCard,
} from '../src/tools/render-cards';
import { checkCard } from './support/cardCheck';

const NAMES = cardNames();

function template(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(CARDS_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

function card(body: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'AdaptiveCard', version: '1.5', body, ...extra };
}

describe('card templates', () => {
  it('are found in cards/, each with sample data and no sample data without a template', () => {
    assert.ok(NAMES.includes('welcome'), `templates found: ${NAMES.join(', ')}`);
    const orphans = readdirSync(CARDS_DIR)
      .filter((file) => file.endsWith('.data.json'))
      .filter((file) => !existsSync(join(CARDS_DIR, file.replace(/\.data\.json$/, '.json'))));
    assert.deepEqual(orphans, []);
  });

  for (const name of NAMES) {
    describe(name, () => {
      it('is an Adaptive Card 1.5 template with $schema and a sample data file', () => {
        const json = template(name);
        assert.equal(json.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
        assert.equal(json.type, 'AdaptiveCard');
        assert.equal(json.version, '1.5');
        assert.ok(existsSync(join(CARDS_DIR, `${name}.data.json`)), `cards/${name}.data.json is missing`);
      });

      it('expands with its sample data into a card Teams accepts', () => {
        assert.deepEqual(checkCard(renderCard(name, sampleData(name))), []);
      });
    });
  }
});

describe('checkCard', () => {
  it('accepts a card that uses what Teams supports in 1.5', () => {
    const kitchenSink = card(
      [
        { type: 'TextBlock', text: 'Title', style: 'heading', size: 'Large', weight: 'Bolder', wrap: true, id: 'title' },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'run', italic: true }, 'plain'] },
        {
          type: 'ColumnSet',
          columns: [
            { type: 'Column', width: 'auto', items: [{ type: 'Image', url: 'https://example.com/a.png', altText: 'A', size: 'Small' }] },
            { type: 'Column', width: 'stretch', items: [{ type: 'FactSet', facts: [{ title: 'a', value: 'b' }] }] },
          ],
        },
        { type: 'Table', columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [{ type: 'TextBlock', text: 'cell' }] }] }] },
        { type: 'Input.Text', id: 'note', label: 'Note', isMultiline: true, maxLength: 500, isRequired: true, errorMessage: 'Write a note' },
        { type: 'Input.Number', id: 'count', label: 'Count', min: 0, max: 9 },
        { type: 'Input.Date', id: 'day', label: 'Day' },
        { type: 'Input.Time', id: 'time', label: 'Time' },
        { type: 'Input.ChoiceSet', id: 'pick', label: 'Pick', choices: [{ title: 'One', value: '1' }], style: 'expanded' },
        { type: 'Input.Toggle', id: 'flag', label: 'Flag', title: 'On', valueOn: 'yes', valueOff: 'no' },
        { type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: '<at>Priya</at>' }], selectAction: { type: 'Action.OpenUrl', url: 'https://example.com' } },
        { type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title: 'More', targetElements: ['title'] }] },
      ],
      {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        actions: [
          { type: 'Action.Execute', title: 'Save', verb: 'x.save', data: { type: 'anything', foo: 1 }, style: 'positive' },
          { type: 'Action.Submit', title: 'Send', data: { msteams: { type: 'messageBack' } } },
          { type: 'Action.ShowCard', title: 'Show', card: card([{ type: 'Input.Text', id: 'inner', label: 'Inner' }]) },
        ],
        refresh: { action: { type: 'Action.Execute', verb: 'x.refresh' }, userIds: [] },
        msteams: { width: 'Full', entities: [{ type: 'mention', text: '<at>Priya</at>', mentioned: { id: 'a', name: 'Priya' } }] },
      },
    );
    assert.deepEqual(checkCard(kitchenSink), []);
  });

  it('catches unknown element and action types', () => {
    const problems = checkCard(card([{ type: 'Fancy', text: 'x' }], { actions: [{ type: 'Action.Teleport', title: 'Go' }] }));
    assert.ok(problems.some((p) => p.includes('Unknown element type "Fancy"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('Unknown action type "Action.Teleport"')), problems.join('\n'));
  });

  it('catches duplicate input ids', () => {
    const problems = checkCard(card([
      { type: 'Input.Text', id: 'name', label: 'Name' },
      { type: 'Container', items: [{ type: 'Input.Text', id: 'name', label: 'Name again' }] },
    ]));
    assert.ok(problems.some((p) => p.includes('Duplicate Id "name"')), problems.join('\n'));
  });

  it('catches a version Teams does not support, or none', () => {
    assert.deepEqual(checkCard(card([], { version: '1.6' })), ['version 1.6 is newer than Teams supports (1.5)']);
    assert.ok(checkCard(card([], { version: '2.0' })).includes('version 2.0 is newer than Teams supports (1.5)'));
    assert.deepEqual(checkCard({ type: 'AdaptiveCard', body: [] }), ['version is missing']);
    assert.deepEqual(checkCard(card([], { version: '1.4' })), []);
  });

  it('catches an input without a label', () => {
    const problems = checkCard(card([{ type: 'Input.Text', id: 'note', placeholder: 'Note' }, { type: 'Input.Toggle', id: 'on', title: 'On', label: ' ' }]));
    assert.deepEqual(problems, ['Input.Text "note" has no label', 'Input.Toggle "on" has no label']);
  });

  it('catches invalid values and misspelt properties, which the parser would silently drop', () => {
    const problems = checkCard(card([{ type: 'TextBlock', text: 'x', size: 'Huge', wieght: 'Bolder' }]));
    assert.ok(problems.some((p) => p.includes('Invalid value "Huge" for property "size"')), problems.join('\n'));
    assert.ok(problems.includes('$.body[0] (TextBlock): unknown property "wieght"'), problems.join('\n'));
  });

  it('catches a template field the data did not fill', () => {
    const problems = checkCard(renderCard('notice', { title: 'Only a title' }));
    assert.ok(problems.some((p) => p.startsWith('unexpanded template expression') && p.includes('${text}')), problems.join('\n'));
  });

  it('catches a card too big for a Teams message', () => {
    const problems = checkCard(card([{ type: 'TextBlock', text: 'x'.repeat(80 * 1024), wrap: true }]));
    assert.ok(problems.some((p) => /^card is \d+ bytes; keep it under 81920$/.test(p)), problems.join('\n'));
  });
});

/** Reliability item 16: user text shows as text in every card (links, bold, ${...} and {{DATE()}} stay inert). */
describe('user text in cards', function () {
  this.timeout(20_000);

  const HOSTILE = [
    '[click](https://evil.example)',
    '**bold**',
    '${secret}',
    '{{DATE(2017-02-14T06:08:39Z,SHORT)}}',
    '<at>x</at>',
  ];
  const ALL_AT_ONCE = HOSTILE.join(' and ');
  /** Would appear in a card if a template evaluated user text as an expression. */
  const SECRET = 'LEAKED-SECRET-VALUE';

  /** The sample data with every string (display text or not) replaced, and a `secret` for `${secret}` to find. */
  function withText(value: unknown, text: string): unknown {
    if (typeof value === 'string') return text;
    if (Array.isArray(value)) return value.map((item) => withText(item, text));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withText(item, text)]));
    }
    return value;
  }
  const dataFor = (name: string, text: string): object => ({ ...(withText(sampleData(name), text) as object), secret: SECRET });

  /** What markdown added: links, bold, italics and headings, as counts. */
  const formatting = (rendered: RenderedCard): string =>
    `links ${rendered.links.length}, strong ${rendered.strong.length}, emphasis ${rendered.emphasis.length}, headings ${rendered.headings.length}`;
  const visible = (rendered: RenderedCard): string => rendered.text.replace(/\u200b/g, '');

  const markdowns = [findMarkdown()];

  for (const name of NAMES) {
    it(`${name}: inert() text expands without evaluation`, () => {
      for (const text of [...HOSTILE, ALL_AT_ONCE]) {
        const json = JSON.stringify(renderCard(name, dataFor(name, inert(text))));
        assert.ok(!json.includes(SECRET), `${text} was evaluated: ${json}`);
        assert.ok(!json.includes('${'), `${text} left a template expression: ${json}`);
        assert.ok(!json.includes('{{DATE('), `${text} left a Teams date function: ${json}`);
      }
    });

    it(`${name}: data is never evaluated as a template, even without inert()`, () => {
      const json = JSON.stringify(renderCard(name, dataFor(name, ALL_AT_ONCE)));
      assert.ok(!json.includes(SECRET), json);
      assert.ok(json.includes('${secret}'), json);
    });
  }

  let renderer: CardRenderer | undefined;
  before(async () => {
    renderer = await openCardRenderer();
  });
  after(async () => {
    await renderer?.close();
  });

  for (const markdown of markdowns) {
    describe(`rendered by adaptivecards in Chromium with ${markdown.name}`, () => {
      const renderAll = (cards: object[]): Promise<RenderedCard[]> => {
        if (!renderer) throw new Error('the renderer did not start');
        return renderer.renderAll(cards, markdown);
      };

      for (const name of NAMES) {
        it(`${name}: shows inert() text exactly as typed, with no link or formatting`, async () => {
          const texts = [...HOSTILE, ALL_AT_ONCE];
          const [plain, ...rendered] = await renderAll(['Plain words', ...texts.map(inert)].map((text) => renderCard(name, dataFor(name, text))));
          texts.forEach((text, i) => {
            const shown = rendered[i]!;
            assert.ok(visible(shown).includes(text), `${JSON.stringify(text)} is not shown as typed in:\n${shown.text}`);
            assert.equal(formatting(shown), formatting(plain!), `${JSON.stringify(text)} changed the formatting:\n${shown.html}`);
            assert.ok(!shown.html.includes('evil.example"'), shown.html);
            assert.deepEqual(shown.unprocessed, []);
          });
        });

        it(`${name}: without inert() the same text would become a link, bold and a date (so the check above can fail)`, async () => {
          const [link, bold, date] = await renderAll([HOSTILE[0]!, HOSTILE[1]!, HOSTILE[3]!].map((text) => renderCard(name, dataFor(name, text))));
          assert.ok(link!.links.includes('https://evil.example'), formatting(link!));
          assert.ok(bold!.strong.includes('bold'), formatting(bold!));
          assert.ok(!date!.markdownText.replace(/\u200b/g, '').includes(HOSTILE[3]!), date!.markdownText);
        });
      }
    });
  }
});
