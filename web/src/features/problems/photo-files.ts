import type { NewPhoto } from './api';
import { MAX_PHOTO_MB, PHOTO_TYPES } from './format';

/** A photo chosen in a form: what is sent, and a preview URL (a data: URL, nothing to revoke). */
export interface LocalPhoto extends NewPhoto {
  preview: string;
}

/** The server keeps at most this long edge (api/services/photos.ts): larger photos are shrunk here first. */
const MAX_EDGE = 2048;
const SHRINK_ABOVE_BYTES = 1.5 * 1024 * 1024;

function readAsDataUrl(blob: Blob): Promise<string> {
  return new Promise((ok, fail) => {
    const r = new FileReader();
    r.onload = () => ok(String(r.result));
    r.onerror = () => fail(r.error ?? new Error('read failed'));
    r.readAsDataURL(blob);
  });
}

/**
 * A phone photo is often 3–8 MB and 4000 px wide; the server stores at most 2048 px anyway, so a
 * large one is re-encoded here to save the upload on a mobile network. When the browser cannot
 * decode it, the original goes (the server decides).
 */
async function shrink(file: File): Promise<Blob> {
  if (file.size <= SHRINK_ABOVE_BYTES || typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const k = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * k);
    canvas.height = Math.round(bitmap.height * k);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/jpeg', 0.88));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;
  }
}

export type PhotoRefusal = { kind: 'type' | 'size'; name: string };

/** Reads chosen files as photos to send; refuses what the server would refuse, naming the file. */
export async function readPhotos(files: File[]): Promise<{ photos: LocalPhoto[]; refused: PhotoRefusal[] }> {
  const photos: LocalPhoto[] = [];
  const refused: PhotoRefusal[] = [];
  for (const file of files) {
    if (file.type && !PHOTO_TYPES.includes(file.type)) {
      refused.push({ kind: 'type', name: file.name });
      continue;
    }
    const blob = await shrink(file);
    if (blob.size > MAX_PHOTO_MB * 1024 * 1024) {
      refused.push({ kind: 'size', name: file.name });
      continue;
    }
    const url = await readAsDataUrl(blob);
    photos.push({ name: file.name, dataBase64: url.slice(url.indexOf(',') + 1), preview: url });
  }
  return { photos, refused };
}

/** The photos as the API takes them (no preview). */
export const toUpload = (photos: LocalPhoto[]): NewPhoto[] =>
  photos.map(({ name, dataBase64 }) => ({ name, dataBase64 }));
