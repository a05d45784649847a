// What every scenario of `npm run bench` reports, and how the suite runs it: each scenario twice (after its
// own warm-up), the median of each figure kept.

/** One run of a scenario. Figures a scenario does not measure are left out. */
export interface Measurement {
  /** Requests per second the process under test answered (load scenarios). */
  rps?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Table round trips per action, counted by the process under test. */
  roundTripsPerAction?: number;
  /** Peak RSS of the process under test (not of the load generator), in MB. */
  peakRssMb: number;
  /** Figures of its own (drain time, 429s, rows read ...), by name; numbers are medianed across runs. */
  extra?: Record<string, number | string>;
}

export interface Scenario {
  /** Short id: "baseline-a", "intake-step" ... */
  id: string;
  /** What it is, as the table prints it. */
  name: string;
  run(env: BenchEnv): Promise<Measurement>;
}

/** What the suite starts once and every scenario may use. */
export interface BenchEnv {
  /** The Azurite every scenario shares (each uses its own table prefix). */
  azuriteConnectionString: string;
  /** Seconds of load per run (at least 10). */
  durationS: number;
  /** Seconds of load before measuring (not counted). */
  warmUpS: number;
  /** Concurrent connections of the load generator. */
  connections: number;
  /** A table prefix no other run uses: letters and digits. */
  prefix(id: string): string;
}

/** The median of the values (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
