// The part of autocannon 9's programmatic API the load process uses (the package ships no types).

declare module 'autocannon' {
  /** Starts a run; the returned tracker is also a promise of the result. */
  function autocannon(options: autocannon.Options): PromiseLike<autocannon.Result>;

  namespace autocannon {
    /** A request as setupRequest receives and returns it. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    /** Per connection, kept from a request's setupRequest to its onResponse, and reset after each round of `requests`. */
    type Context = Record<string, unknown>;

    interface RequestSpec {
      setupRequest?(request: Request, context: Context): Request;
      onResponse?(status: number, body: string, context: Context): void;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds a request may take before it counts as a timeout (default 10). */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      requests?: RequestSpec[];
    }

    /** Percentiles and moments of a histogram (latency in ms; requests per second, sampled each second). */
    interface Histogram {
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      total: number;
    }

    interface Result {
      latency: Histogram;
      requests: Histogram & { sent: number };
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      mismatches: number;
      resets: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
    }
  }

  export = autocannon;
}
