/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

let registered = false;
/**
 * Installs the service worker (vite.config.ts, VitePWA): only the field workspace calls this, so
 * the office never gets one; a new version activates by itself (autoUpdate) at the next start.
 */
export function registerFieldWorker(): void {
  if (registered || !('serviceWorker' in navigator)) return;
  registered = true;
  void registerSW({ immediate: true });
}
