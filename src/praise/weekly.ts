// What the weekly thanks post says: the week's public thanks, totals per IT team (never a ranking of
// people), and a few facts of the week. People who asked not to be named in public are left out of
// every list, and private thanks are never shown.

import type { Praise, PraiseWeek, Thanked } from './praise';

/** A request resolved in the week, as the weekly facts need it. */
export interface Resolution {
  seq: number;
  createdAt: Date;
  resolvedAt: Date;
  resolveBy: Date;
}

/** One thanks as the public sees it: only the people who may be named. */
export interface PublicThanks {
  from: string;
  to: Thanked[];
  badge: string;
  message: string;
  reference?: string;
  title?: string;
  at: Date;
}

export interface WeeklySummary {
  week: PraiseWeek;
  /** Thanks the week's post shows, oldest first. */
  thanks: PublicThanks[];
  /** Public thanks per IT team, by team name: counts, not a ranking. */
  teams: { name: string; count: number }[];
  facts: { resolved: number; medianMs?: number; metShare?: number };
}

/**
 * The summary of a week. `optedOut` holds the AAD ids of people who asked not to appear in public
 * posts: their thanks still count for their team, but their names are not shown, and a thanks that
 * names nobody else is left out of the list.
 */
export function summarise(week: PraiseWeek, praises: readonly Praise[], resolutions: readonly Resolution[], optedOut: ReadonlySet<string>): WeeklySummary {
  const shared = praises.filter((p) => p.visibility !== 'private').sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  const teams = new Map<string, number>();
  const thanks: PublicThanks[] = [];
  for (const praise of shared) {
    for (const teamName of new Set(praise.to.map((t) => t.teamName))) teams.set(teamName, (teams.get(teamName) ?? 0) + 1);
    const named = praise.to.filter((t) => !optedOut.has(t.aadObjectId));
    if (named.length === 0) continue;
    thanks.push({
      from: praise.from.name,
      to: named,
      badge: praise.badge,
      message: praise.message,
      at: praise.at,
      ...(praise.request ? { reference: praise.request.reference, title: praise.request.title } : {}),
    });
  }
  return {
    week,
    thanks,
    teams: [...teams].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
    facts: factsOf(resolutions),
  };
}

/** A request resolved twice in a week (reopened in between) counts once, by its last resolution. */
function factsOf(resolutions: readonly Resolution[]): WeeklySummary['facts'] {
  const last = new Map<number, Resolution>();
  for (const r of resolutions) {
    const seen = last.get(r.seq);
    if (!seen || seen.resolvedAt < r.resolvedAt) last.set(r.seq, r);
  }
  const all = [...last.values()];
  if (all.length === 0) return { resolved: 0 };
  const durations = all.map((r) => r.resolvedAt.getTime() - r.createdAt.getTime()).sort((a, b) => a - b);
  const middle = Math.floor(durations.length / 2);
  const medianMs = durations.length % 2 === 1 ? (durations[middle] ?? 0) : ((durations[middle - 1] ?? 0) + (durations[middle] ?? 0)) / 2;
  const met = all.filter((r) => r.resolvedAt.getTime() <= r.resolveBy.getTime()).length;
  return { resolved: all.length, medianMs, metShare: met / all.length };
}
