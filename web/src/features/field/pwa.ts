/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

let registered = false;
/**
 * Installs the service worker (vite.config.ts, VitePWA): only the field workspace calls this, so
 * the office never gets one; a new version activates by itself (autoUpdate) at the next start.
 * `onControl` runs when a worker first takes control of this page (the first visit): what the page
 * read before then went past the worker's cache.
 */
export function registerFieldWorker(onControl?: () => void): void {
  if (registered || !('serviceWorker' in navigator)) return;
  registered = true;
  if (onControl && !navigator.serviceWorker.controller)
    navigator.serviceWorker.addEventListener('controllerchange', () => onControl(), { once: true });
  void registerSW({ immediate: true });
}
