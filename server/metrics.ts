// Prometheus metrics (prom-client), one registry per app: requests and their latency by route, and whatever the wiring
// adds (autosaves, live licence figures, imports, the mail queue, the database). Served at GET /metrics behind
// METRICS_TOKEN, or on METRICS_PORT (server/http/metrics-route.ts).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A gauge's values, read when Prometheus scrapes: label values (in the order declared) and the number. */
export type GaugeReading = [labels: string[], value: number][];

export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route'>;
  /**
   * Requests counted since the last scrape, by "method route status", added to the counter when Prometheus scrapes
   * (its collect hook): a number incremented per request rather than labels validated and hashed per request.
   */
  readonly #counted = new Map<string, { labels: { method: string; route: string; status: string }; since: number }>();
  /** Latency's labelled children by "method route": a Map lookup per request rather than hashing label objects. */
  readonly #timed = new Map<string, { observe(seconds: number): void }>();

  /** `processMetrics`: CPU, memory, event loop lag, GC (what `npm start` exposes; tests leave them out). */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: 'seatkeeper_http_requests_total',
      help: 'HTTP requests answered, by method, route (the declared path) and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      collect: () => this.#addCounted(),
    });
    this.#latency = new Histogram({
      name: 'seatkeeper_http_request_duration_seconds',
      help: 'Time from the request to the end of its answer, by method and route.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    const counterKey = `${key} ${status}`;
    let counted = this.#counted.get(counterKey);
    if (!counted) {
      counted = { labels: { method, route, status: String(status) }, since: 0 };
      this.#counted.set(counterKey, counted);
    }
    counted.since++;
    let timed = this.#timed.get(key);
    if (!timed) {
      timed = this.#latency.labels(method, route);
      this.#timed.set(key, timed);
    }
    timed.observe(seconds);
  }

  #addCounted(): void {
    for (const counted of this.#counted.values()) {
      if (counted.since === 0) continue;
      this.#requests.inc(counted.labels, counted.since);
      counted.since = 0;
    }
  }

  /** A counter that only goes up; `inc(n)` adds n. */
  counter(name: string, help: string): { inc(by?: number): void } {
    return new Counter({ name, help, registers: [this.registry] });
  }

  /** A gauge read when Prometheus scrapes (a database count, a live figure). */
  gauge(name: string, help: string, labelNames: string[], read: () => GaugeReading | Promise<GaugeReading>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [labels, value] of await read()) {
          this.set(Object.fromEntries(labelNames.map((label, i) => [label, labels[i] ?? ''])), value);
        }
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
