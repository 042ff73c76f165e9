import exifr from 'exifr';
import { judgeFix, type PhotoEvidence } from '../domain/fix-proof';
import type { CheckedPhoto } from './photos';

/**
 * Beijing time for an EXIF time without OffsetTimeOriginal: cameras write the local wall time
 * and most phones omit the offset; the county is in China (UTC+8, no daylight saving).
 */
const DEFAULT_EXIF_OFFSET = '+08:00';
const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

function exifInstant(time: unknown, offset: unknown): Date | null {
  if (typeof time !== 'string') return null;
  const m = EXIF_TIME.exec(time.trim());
  if (!m) return null;
  const off = typeof offset === 'string' && OFFSET.test(offset.trim()) ? offset.trim() : DEFAULT_EXIF_OFFSET;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${off}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The EXIF time and place of each photo, read from the uploaded bytes — before decodePhotos
 * re-encodes them and drops EXIF. A photo without EXIF (or unreadable EXIF) has nulls: absence
 * is not a flag (browsers and messengers strip EXIF), only what EXIF says against the report.
 */
export async function photoEvidence(checked: CheckedPhoto[]): Promise<PhotoEvidence[]> {
  const out: PhotoEvidence[] = [];
  for (const c of checked) {
    let takenAt: Date | null = null;
    let lon: number | null = null;
    let lat: number | null = null;
    try {
      const t = (await exifr.parse(c.bytes, {
        pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTime'],
        reviveValues: false,
      })) as Record<string, unknown> | undefined;
      takenAt = t
        ? (exifInstant(t.DateTimeOriginal, t.OffsetTimeOriginal) ?? exifInstant(t.CreateDate, t.OffsetTime))
        : null;
      const g = (await exifr.gps(c.bytes)) as { latitude?: number; longitude?: number } | undefined;
      if (g && Number.isFinite(g.latitude) && Number.isFinite(g.longitude)) {
        lat = g.latitude!;
        lon = g.longitude!;
      }
    } catch {
      // unreadable EXIF is no evidence either way
    }
    out.push({ takenAt, lon, lat });
  }
  return out;
}

/** The fix event with its proof (data.proof), judged against the problem's site and report time. */
export function withFixProof<E extends { data: object }>(
  event: E,
  site: { lon: number; lat: number; reportedAt: Date },
  position: { lon: number; lat: number; accuracyM: number; at: string; manual?: boolean } | null | undefined,
  photos: PhotoEvidence[],
): E {
  const device = position
    ? {
        lon: position.lon,
        lat: position.lat,
        accuracyM: position.accuracyM,
        at: new Date(position.at),
        manual: position.manual ?? false,
      }
    : null;
  const at = { lon: site.lon, lat: site.lat, reportedAt: new Date(site.reportedAt) };
  return { ...event, data: { ...event.data, proof: judgeFix(at, device, photos) } };
}
