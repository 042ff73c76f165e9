/**
 * How many refusals of requests without a session one address may write to the audit log.
 * Anyone can send those, so one row per request let an anonymous caller fill the (append-only)
 * audit log (issue 10, finding 9). Each address gets `perWindow` rows per window; the rest are
 * counted, and the count is written with that address's first row of a later window.
 * Pure and in memory: "now" is passed in (the app clock), the number of addresses kept is capped.
 */
export interface AuditBudget {
  /** write: record this refusal; suppressed: refusals of this address not written before it */
  take(address: string, now: number): { write: boolean; suppressed: number };
}

interface Bucket {
  start: number;
  used: number;
  suppressed: number;
}

export function auditBudget(opts: { perWindow: number; windowMs: number; maxAddresses: number }): AuditBudget {
  const buckets = new Map<string, Bucket>();
  // suppressed counts of addresses dropped from the map, reported with the next row written
  let orphaned = 0;

  const evictExpired = (now: number) => {
    for (const [key, b] of buckets) {
      if (now - b.start < opts.windowMs) continue;
      orphaned += b.suppressed;
      buckets.delete(key);
    }
  };

  return {
    take(address, now) {
      let key = address;
      if (!buckets.has(key) && buckets.size >= opts.maxAddresses) {
        evictExpired(now);
        // still full (an address spray): all new addresses share one budget
        if (buckets.size >= opts.maxAddresses) key = '*';
      }
      const b = buckets.get(key);
      if (!b || now - b.start >= opts.windowMs || now < b.start) {
        const suppressed = (b?.suppressed ?? 0) + orphaned;
        orphaned = 0;
        buckets.set(key, { start: now, used: 1, suppressed: 0 });
        return { write: true, suppressed };
      }
      if (b.used < opts.perWindow) {
        b.used += 1;
        return { write: true, suppressed: 0 };
      }
      b.suppressed += 1;
      return { write: false, suppressed: 0 };
    },
  };
}

/** An audit target from a URL: the path and the names of query parameters, never their values. */
export function auditTarget(url: string, max = 512): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const names =
    q < 0
      ? []
      : [
          ...new Set(
            url
              .slice(q + 1)
              .split('&')
              .map((p) => p.split('=')[0]!)
              .filter(Boolean),
          ),
        ];
  const target = names.length ? `${path}?${names.join('&')}` : path;
  return target.length > max ? `${target.slice(0, max - 1)}…` : target;
}
