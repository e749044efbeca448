// Timing helpers for `npm run bench`: repeated runs after warm-ups, percentiles.
import { performance } from "node:perf_hooks";

export type Timing = { runs: number; p50_ms: number; p95_ms: number; max_ms: number };

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least q of the runs at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Runs fn `warmup` times untimed, then `runs` times timed, one after another. A figure
 * far over its budget would take hours at full scale: timed runs stop once they have
 * taken `maxMs` in all (at least 3 runs), and a single warm-up run longer than half of
 * it is taken as the only run. The number of runs is part of each answer.
 */
export async function time(fn: () => Promise<unknown>, runs: number, warmup: number, maxMs = 120_000): Promise<Timing & { first: unknown }> {
  const times: number[] = [];
  const begun = performance.now();
  // The first warm-up's answer is returned (for comparing answers without another run).
  let first: unknown;
  for (let i = 0; i < Math.max(1, warmup); i++) {
    const answer = await fn();
    if (i === 0) first = answer;
    const took = performance.now() - begun;
    // One run longer than half the allowance: that run is the answer (runs: 1).
    if (i === 0 && took > maxMs / 2) return { runs: 1, p50_ms: round(took), p95_ms: round(took), max_ms: round(took), first };
    if (took > maxMs / 2) break;
  }
  const timed = performance.now();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
    if (i >= 2 && performance.now() - timed > maxMs) break;
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, p50_ms: round(percentile(times, 0.5)), p95_ms: round(percentile(times, 0.95)), max_ms: round(times[times.length - 1]), first };
}

/** Peak RSS and V8 heap, sampled every `everyMs` while it runs. */
export class MemorySampler {
  peakRss = 0;
  peakHeap = 0;
  private timer: NodeJS.Timeout | undefined;
  start(everyMs = 25): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    return this;
  }
  sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
  }
  stop(): this {
    clearInterval(this.timer);
    this.sample();
    return this;
  }
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
