import type { Msg } from '../errors';

/**
 * Fix with proof (issue 14, docs/FIELD.md "Fix with proof"): a fix (整改) carries where the
 * device was, how sure it was and when; the after-photos may carry their own EXIF time and place.
 * Modelled on Esri's completion-location check: flagged, never refused (a supervisor decides at
 * 验收), because a grid leader fixing from the office is a fact worth seeing, not an error.
 * Pure: no I/O, no clock.
 */

/** Farther than this from the problem's location is "not at the site". */
export const FIX_MAX_DISTANCE_M = 100;
/** A position less precise than this proves nothing about 100 m. */
export const FIX_MAX_ACCURACY_M = 50;

export interface DevicePosition {
  lon: number;
  lat: number;
  /** the device's 68 % radius, metres */
  accuracyM: number;
  /** when the device took the position */
  at: Date;
  /** the user placed the pin (GPS denied or unavailable) */
  manual: boolean;
}

/** What an after-photo's EXIF says, read before the photo is re-encoded (which drops EXIF). */
export interface PhotoEvidence {
  takenAt: Date | null;
  lon: number | null;
  lat: number | null;
}

export type FixFlag =
  | 'position_missing'
  | 'position_manual'
  | 'too_far'
  | 'poor_accuracy'
  | 'position_before_report'
  | 'photo_before_report'
  | 'photo_far';

export const FIX_FLAG_LABELS: Record<FixFlag, Msg> = {
  position_missing: { zh: '未提供整改位置', en: 'no position sent with the fix' },
  position_manual: { zh: '位置为手动选点（非定位）', en: 'the position was placed by hand, not by GPS' },
  too_far: { zh: `整改位置距问题超过 ${FIX_MAX_DISTANCE_M} 米`, en: `fixed more than ${FIX_MAX_DISTANCE_M} m away` },
  poor_accuracy: {
    zh: `定位精度差于 ${FIX_MAX_ACCURACY_M} 米`,
    en: `position accuracy worse than ${FIX_MAX_ACCURACY_M} m`,
  },
  position_before_report: { zh: '定位时间早于问题上报', en: 'the position is older than the report' },
  photo_before_report: { zh: '整改照片拍摄时间早于问题上报', en: 'the after-photo was taken before the report' },
  photo_far: {
    zh: `整改照片拍摄地点距问题超过 ${FIX_MAX_DISTANCE_M} 米`,
    en: `the after-photo was taken more than ${FIX_MAX_DISTANCE_M} m away`,
  },
};

/** What is stored on the fix event (problem_events.data.proof) and shown at 验收. */
export interface FixProof {
  flagged: boolean;
  reasons: FixFlag[];
  /** metres from the problem's location; null without a position */
  distanceM: number | null;
  accuracyM: number | null;
  manual: boolean;
  positionAt: string | null;
  lon: number | null;
  lat: number | null;
  /** the after-photos' EXIF times and distances, where they had them */
  photos: { takenAt: string | null; distanceM: number | null }[];
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine on the mean Earth radius; < 0.5 % off WGS84). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Judges a fix: the device's position and the photos' EXIF against the problem's site and report time. */
export function judgeFix(
  site: { lon: number; lat: number; reportedAt: Date },
  position: DevicePosition | null,
  photos: PhotoEvidence[],
): FixProof {
  const reasons: FixFlag[] = [];
  let d: number | null = null;
  if (!position) reasons.push('position_missing');
  else {
    d = distanceM(site, position);
    if (position.manual) reasons.push('position_manual');
    if (d > FIX_MAX_DISTANCE_M) reasons.push('too_far');
    if (!(position.accuracyM <= FIX_MAX_ACCURACY_M)) reasons.push('poor_accuracy');
    if (position.at.getTime() < site.reportedAt.getTime()) reasons.push('position_before_report');
  }
  const photoRows = photos.map((p) => ({
    takenAt: p.takenAt ? p.takenAt.toISOString() : null,
    distanceM: p.lon !== null && p.lat !== null ? round1(distanceM(site, { lon: p.lon, lat: p.lat })) : null,
  }));
  if (photos.some((p) => p.takenAt && p.takenAt.getTime() < site.reportedAt.getTime()))
    reasons.push('photo_before_report');
  if (photoRows.some((p) => p.distanceM !== null && p.distanceM > FIX_MAX_DISTANCE_M)) reasons.push('photo_far');
  return {
    flagged: reasons.length > 0,
    reasons,
    distanceM: d === null ? null : round1(d),
    accuracyM: position ? round1(position.accuracyM) : null,
    manual: position?.manual ?? false,
    positionAt: position ? position.at.toISOString() : null,
    lon: position?.lon ?? null,
    lat: position?.lat ?? null,
    photos: photoRows,
  };
}
