/**
 * Renders every card template in cards/ with its sample data to a PNG, the way a Teams chat would show it
 * (approximately: the adaptivecards JS renderer with a Teams-like light host config, about 450 px wide):
 *
 *   npx tsx src/tools/render-cards.ts [outDir]      (default .artifacts/cards/, git-ignored)
 *
 * Look at the PNGs after editing a card. Uses the system Chromium (never a browser downloaded by a tool).
 * Markdown in TextBlocks and facts is processed by markdown-it, as the adaptivecards renderer (and the
 * Agents Playground) does.
 * test/cards.test.ts uses `openCardRenderer` to check that user text shows as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { CARDS_DIR, renderCard } from '../cards/render';

const ROOT = resolve(__dirname, '..', '..');
const load = createRequire(__filename);
const ADAPTIVECARDS_JS = load.resolve('adaptivecards/dist/adaptivecards.min.js');
const ADAPTIVECARDS_CSS = load.resolve('adaptivecards/dist/adaptivecards.css');

/** Width of a card in a Teams chat, in CSS pixels. */
export const CARD_WIDTH = 450;

const FONT_STACK = "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', 'Liberation Sans', Arial, sans-serif";

function colours(text: string, subtle: string): Record<string, { default: string; subtle: string }> {
  return {
    default: { default: text, subtle },
    dark: { default: '#242424', subtle: '#616161' },
    light: { default: '#FFFFFF', subtle: '#F5F5F5' },
    accent: { default: '#4F52B2', subtle: '#6264A7' },
    good: { default: '#0E700E', subtle: '#107C10' },
    warning: { default: '#835B00', subtle: '#8A6100' },
    attention: { default: '#C4314B', subtle: '#A4262C' },
  };
}

/**
 * A host config close to Teams' light theme (Fluent 2 colours; Teams draws Medium text at the default
 * size, and keeps fact titles narrow). An approximation: the real client is the judge.
 */
export const TEAMS_HOST_CONFIG = {
  supportsInteractivity: true,
  fontTypes: {
    default: {
      fontFamily: FONT_STACK,
      fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 300, default: 400, bolder: 600 },
    },
    monospace: {
      fontFamily: "Consolas, 'Liberation Mono', 'Courier New', monospace",
      fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 300, default: 400, bolder: 600 },
    },
  },
  lineHeights: { small: 16, default: 20, medium: 20, large: 24, extraLarge: 32 },
  spacing: { small: 4, default: 8, medium: 12, large: 16, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: colours('#242424', '#616161') },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: colours('#242424', '#616161') },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: colours('#242424', '#616161') },
    good: { backgroundColor: '#F1FAF1', foregroundColors: colours('#242424', '#616161') },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: colours('#242424', '#616161') },
    attention: { backgroundColor: '#FDF3F4', foregroundColors: colours('#242424', '#616161') },
  },
  textStyles: {
    heading: { size: 'large', weight: 'bolder', color: 'default', isSubtle: false, fontType: 'default' },
    columnHeader: { size: 'default', weight: 'bolder', color: 'default', isSubtle: false, fontType: 'default' },
  },
  textBlock: { headingLevel: 2 },
  factSet: {
    title: { color: 'default', size: 'default', isSubtle: false, weight: 'bolder', wrap: true, maxWidth: 150 },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 12,
  },
  inputs: {
    label: {
      inputSpacing: 'small',
      requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
      optionalInputs: { weight: 'bolder' },
    },
    errorMessage: { size: 'default', spacing: 'small', weight: 'default' },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    iconPlacement: 'leftOfTitle',
    iconSize: 16,
  },
  adaptiveCard: { allowCustomStyle: true },
};

/** Teams-like chrome and controls on top of the renderer's default stylesheet. */
const TEAMS_CSS = `
  html, body { margin: 0; padding: 0; background: #F5F5F5; }
  body { padding: 16px; font-family: ${FONT_STACK}; color: #242424; }
  #card { width: ${CARD_WIDTH}px; background: #FFFFFF; border: 1px solid #E0E0E0; border-radius: 8px;
          box-shadow: 0 1px 2px rgba(0,0,0,0.12); overflow: hidden; }
  .ac-adaptiveCard:focus { outline: none; }
  a.ac-anchor, a.ac-anchor:link, a.ac-anchor:visited { color: #4F52B2; text-decoration: underline; }
  .ac-pushButton { font-family: ${FONT_STACK}; font-size: 14px; font-weight: 600; line-height: 20px; min-height: 32px;
                   padding: 5px 12px; border-radius: 4px; border: 1px solid #D1D1D1; background: #FFFFFF; color: #242424; }
  .ac-pushButton.style-positive, .ac-pushButton.primary { background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }
  .ac-pushButton.style-destructive { background: #FFFFFF; border-color: #D1D1D1; color: #C4314B; }
  .ac-input { font-family: ${FONT_STACK}; font-size: 14px; color: #242424; }
  .ac-input.ac-textInput, .ac-input.ac-numberInput, .ac-input.ac-dateInput, .ac-input.ac-timeInput,
  .ac-input.ac-multichoiceInput { border: 1px solid #D1D1D1; border-bottom-color: #616161; border-radius: 4px; }
  .ac-input input[type=checkbox], .ac-input input[type=radio] { accent-color: #5B5FC7; width: 16px; height: 16px; }
  .ac-textBlock p, .ac-fact-value p, .ac-fact-title p { margin: 0; }
  .ac-textBlock ul, .ac-textBlock ol { margin: 0; padding-left: 20px; box-sizing: border-box; }
  .ac-textBlock li + li { margin-top: 2px; }
`;

/** A markdown processor as the renderer uses it: CommonMark text in, HTML out. */
export interface Markdown {
  readonly name: string;
  render(text: string): string;
}

type MarkdownItFactory = () => { render(text: string): string };

/** markdown-it with its defaults, as the adaptivecards renderer calls it. */
export function findMarkdown(): Markdown {
  const markdownIt = (load('markdown-it') as MarkdownItFactory)();
  return { name: 'markdown-it', render: (text) => markdownIt.render(text) };
}

/** Every string in a card, so markdown for each can be prepared in Node before the page asks for it. */
function strings(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) strings(item, into);
  return into;
}

/**
 * Runs in the page: renders each card in turn and summarises what a reader would see. The renderer asks
 * for markdown synchronously, so markdown runs in Node first and the HTML for every string of the cards
 * comes along; text the renderer changed before asking (a valid {{DATE()}}) is not in the map, so it is
 * shown plain and reported.
 */
const PAGE_SCRIPT = String.raw`
globalThis.liaisonRender = function (cards, hostConfig, markdown) {
  var AC = globalThis.AdaptiveCards;
  var host = document.getElementById('card');
  var texts = function (selector) {
    return Array.from(host.querySelectorAll(selector)).map(function (e) { return e.textContent; });
  };
  return cards.map(function (card) {
    var unprocessed = [];
    AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
      if (Object.prototype.hasOwnProperty.call(markdown, text)) {
        result.outputHtml = markdown[text];
        result.didProcess = true;
      } else {
        unprocessed.push(text);
      }
    };
    var adaptiveCard = new AC.AdaptiveCard();
    adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
    adaptiveCard.parse(card, new AC.SerializationContext());
    var element = adaptiveCard.render();
    host.replaceChildren();
    if (element) host.appendChild(element);
    var text = host.innerText;
    // Dropdown options are plain text in Teams, never markdown: leave them out of what markdown shaped.
    var selects = Array.from(host.querySelectorAll('select'));
    selects.forEach(function (s) { s.style.display = 'none'; });
    var markdownText = host.innerText;
    selects.forEach(function (s) { s.style.display = ''; });
    return {
      text: text,
      markdownText: markdownText,
      html: host.innerHTML,
      links: Array.from(host.querySelectorAll('a[href]')).map(function (a) { return a.getAttribute('href'); }),
      strong: texts('strong, b'),
      emphasis: texts('em, i'),
      headings: texts('h1, h2, h3, h4, h5, h6'),
      unprocessed: unprocessed,
      rendered: Boolean(element),
    };
  });
};
`;

export interface RenderedCard {
  /** What a reader sees, as Chromium lays it out (innerText). */
  text: string;
  /** The same without dropdown options, which Teams never treats as markdown. */
  markdownText: string;
  html: string;
  /** href of every link in the card. */
  links: string[];
  /** Text inside <strong>/<b>, <em>/<i> and headings: markdown that took effect. */
  strong: string[];
  emphasis: string[];
  headings: string[];
  /** Texts the renderer asked markdown for that were not prepared (shown plain). */
  unprocessed: string[];
  rendered: boolean;
}

export interface CardRenderer {
  /** Which markdown processor renders TextBlocks and facts unless a call names another. */
  readonly markdown: string;
  render(card: object, markdown?: Markdown): Promise<RenderedCard>;
  /** Renders several cards in one round trip to the page; the last one stays on screen. */
  renderAll(cards: readonly object[], markdown?: Markdown): Promise<RenderedCard[]>;
  /** Renders the card and takes a picture of it, at twice the CSS pixel size. */
  screenshot(card: object): Promise<{ png: Buffer; rendered: RenderedCard }>;
  close(): Promise<void>;
}

interface PageGlobals {
  liaisonRender(cards: readonly object[], hostConfig: object, markdown: Record<string, string>): RenderedCard[];
}

/** One headless Chromium page with the adaptivecards renderer loaded; render many cards, then close. */
export async function openCardRenderer(options: { markdown?: Markdown } = {}): Promise<CardRenderer> {
  const markdown = options.markdown ?? findMarkdown();
  const browser: Browser = await launchChromium();
  try {
    const page: Page = await browser.newPage({ viewport: { width: CARD_WIDTH + 32, height: 400 }, deviceScaleFactor: 2 });
    // A card must not depend on the network: abort anything it tries to load.
    await page.route('**/*', (route) => route.abort());
    const css = readFileSync(ADAPTIVECARDS_CSS, 'utf8');
    await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><style>${css}</style><style>${TEAMS_CSS}</style></head><body><div id="card"></div></body></html>`);
    await page.addScriptTag({ content: readFileSync(ADAPTIVECARDS_JS, 'utf8') });
    await page.addScriptTag({ content: PAGE_SCRIPT });

    const renderAll = async (cards: readonly object[], processor = markdown): Promise<RenderedCard[]> => {
      const html: Record<string, string> = {};
      for (const text of strings(cards)) html[text] = processor.render(text);
      const results = await page.evaluate(
        ([json, hostConfig, prepared]) => (globalThis as unknown as PageGlobals).liaisonRender(json, hostConfig, prepared),
        [cards, TEAMS_HOST_CONFIG, html] as const,
      );
      if (results.some((result) => !result.rendered)) throw new Error('the adaptivecards renderer produced nothing');
      return results;
    };
    const render = async (card: object, processor = markdown): Promise<RenderedCard> => {
      const [result] = await renderAll([card], processor);
      if (!result) throw new Error('the adaptivecards renderer produced nothing');
      return result;
    };
    return {
      markdown: markdown.name,
      render,
      renderAll,
      async screenshot(card) {
        const rendered = await render(card);
        return { png: await page.locator('#card').screenshot({ type: 'png', animations: 'disabled' }), rendered };
      },
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Names of the card templates in cards/ (each `<name>.json` beside its `<name>.data.json`). */
export function cardNames(dir = CARDS_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && !file.endsWith('.data.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function sampleData(name: string, dir = CARDS_DIR): object {
  return JSON.parse(readFileSync(join(dir, `${name}.data.json`), 'utf8')) as object;
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? join(ROOT, '.artifacts', 'cards'));
  await mkdir(outDir, { recursive: true });
  const renderer = await openCardRenderer();
  try {
    process.stdout.write(`Markdown: ${renderer.markdown}\n`);
    for (const name of cardNames()) {
      const { png, rendered } = await renderer.screenshot(renderCard(name, sampleData(name)));
      const target = join(outDir, `${name}.png`);
      await writeFile(target, png);
      process.stdout.write(`Wrote ${target} (${png.length} bytes)\n`);
      for (const text of rendered.unprocessed) process.stdout.write(`  shown without markdown: ${JSON.stringify(text)}\n`);
    }
  } finally {
    await renderer.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`render-cards failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
