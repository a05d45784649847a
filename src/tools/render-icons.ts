/**
 * Renders the Teams app icons from their SVG sources in headless Chromium:
 *   appPackage/color.svg   -> appPackage/color.png   (192x192, full colour)
 *   appPackage/outline.svg -> appPackage/outline.png (32x32, white on a transparent background)
 *
 * Run once after editing an SVG: `npx tsx src/tools/render-icons.ts`, then commit the PNGs.
 * Uses the system Chromium (never a browser downloaded by a tool).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { launchChromium } from './chromium';

const APP_PACKAGE_DIR = resolve(__dirname, '..', '..', 'appPackage');

interface Icon {
  name: string;
  size: number;
}

const ICONS: readonly Icon[] = [
  { name: 'color', size: 192 },
  { name: 'outline', size: 32 },
];

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    for (const icon of ICONS) {
      const svg = await readFile(resolve(APP_PACKAGE_DIR, `${icon.name}.svg`), 'utf8');
      // One CSS pixel per icon pixel, so the PNG has exactly the icon's size.
      const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
      await page.setContent(
        `<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent}svg{display:block}</style></head><body>${svg}</body></html>`,
      );
      const png = await page.screenshot({
        type: 'png',
        omitBackground: true,
        clip: { x: 0, y: 0, width: icon.size, height: icon.size },
      });
      await page.close();
      const target = resolve(APP_PACKAGE_DIR, `${icon.name}.png`);
      await writeFile(target, png);
      process.stdout.write(`Wrote ${target} (${icon.size}x${icon.size}, ${png.length} bytes)\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`render-icons failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
