import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';

/** A stored photo as the server re-encoded it (services/photos.ts): content-addressed blobs. */
export interface PhotoBlob {
  sha256: string;
  mime: 'image/jpeg';
  width: number;
  height: number;
  bytes: Buffer;
  thumb: Buffer;
}

/** A photo with whether the caller may see its problem; `data` only when visible. */
export interface PhotoForViewer {
  problemId: string | number;
  sha256: string;
  visible: boolean;
  data: Uint8Array | null;
}

// One query: the photo, and whether the caller may see its problem (problem_visible: scope and
// the undercover rule). The bytes are only read when visible.
const SQL_PHOTO = (column: 'bytes' | 'thumb') => `
  SELECT x.problem_id AS "problemId", x.sha256, x.visible, CASE WHEN x.visible THEN b.${column} END AS data
  FROM (SELECT ph.problem_id, ph.sha256, problem_visible(p.area_code, p.source, p.assigned_at, $2::text[], $3) AS visible
        FROM problem_photos ph JOIN problems p ON p.id = ph.problem_id
        WHERE ph.id = $1) x
  JOIN photo_blobs b ON b.sha256 = x.sha256`;
const SQL_PHOTO_BYTES = SQL_PHOTO('bytes');
const SQL_PHOTO_THUMB = SQL_PHOTO('thumb');

/** Problem photos and their blobs. */
export function photosRepository(db: Queryable) {
  return {
    /** The photo (or its thumb) for a caller; null when there is no such photo. */
    async forViewer(id: number, thumb: boolean, scope: Scope, role: string): Promise<PhotoForViewer | null> {
      return (
        (await db.query<PhotoForViewer>(thumb ? SQL_PHOTO_THUMB : SQL_PHOTO_BYTES, [id, scope, role])).rows[0] ?? null
      );
    },
    async blobStored(sha256: string) {
      return (await db.query('SELECT 1 FROM photo_blobs WHERE sha256 = $1', [sha256])).rows.length > 0;
    },
    async insertBlob(p: PhotoBlob) {
      await db.query(
        `INSERT INTO photo_blobs (sha256, mime, width, height, bytes, thumb) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sha256) DO NOTHING`,
        [p.sha256, p.mime, p.width, p.height, p.bytes, p.thumb],
      );
    },
    /** Links a stored blob to a problem and the event that brought it; the new row's id. */
    async link(l: {
      problemId: number;
      eventId: number;
      kind: 'before' | 'after' | 'revisit';
      sha256: string;
      uploadedBy: number | null;
      at: Date;
    }) {
      const row = (
        await db.query<{ id: string | number }>(
          `INSERT INTO problem_photos (problem_id, event_id, kind, sha256, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [l.problemId, l.eventId, l.kind, l.sha256, l.uploadedBy, l.at],
        )
      ).rows[0]!;
      return Number(row.id);
    },
  };
}
export type PhotosRepository = ReturnType<typeof photosRepository>;
