import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';
import { precompress } from './web/vite/precompress';

const apiTarget = process.env.WANGGE_API ?? 'http://127.0.0.1:8080';

// The web app lives in web/; `vite build` writes dist/web, which api/server.ts serves.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [
    vue(),
    // .br and .gz of every text asset, served by @fastify/static's preCompressed (api/app.ts)
    precompress(),
    // The field workspace (/m) as an installable, offline PWA (issue 14, docs/ARCHITECTURE.md
    // "Field workspace"). Registered by the field screen only (injectRegister: false), so the
    // office never installs it; offline navigation falls back to the app shell for /m alone.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: {
        name: '网格工作台',
        short_name: '网格',
        lang: 'zh-CN',
        start_url: '/m',
        scope: '/',
        display: 'standalone',
        background_color: '#f8fafc',
        theme_color: '#1d4ed8',
        icons: [{ src: '/field-icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,woff2}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackAllowlist: [/^\/m\/?$/],
        // take the open field screen at the first install, so its reads fill the cache (FieldScreen warm())
        clientsClaim: true,
        runtimeCaching: [
          {
            // my to-do, my grid, coverage, categories, who I am: the network first, the copy offline
            urlPattern: ({ url }) =>
              url.pathname === '/api/problems/queue' ||
              url.pathname === '/api/auth/me' ||
              url.pathname === '/api/categories' ||
              url.pathname === '/api/patrols' ||
              url.pathname.startsWith('/api/field/') ||
              url.pathname.startsWith('/api/areas/by-code/'),
            handler: 'NetworkFirst',
            options: { cacheName: 'field-api', networkTimeoutSeconds: 5, expiration: { maxEntries: 200 } },
          },
          {
            // area and basemap tiles of where I walk (problem tiles change with every write: not cached)
            urlPattern: ({ url }) =>
              url.pathname.startsWith('/tiles/areas/') || url.pathname.startsWith('/tiles/basemap/'),
            handler: 'StaleWhileRevalidate',
            options: { cacheName: 'field-tiles', expiration: { maxEntries: 3000, maxAgeSeconds: 30 * 86400 } },
          },
        ],
      },
    }),
  ],
  // The web imports the API's schemas (types only) as `@schemas/<file>`; web/tsconfig.json and
  // the root tsconfig.json say the same for the type check.
  resolve: {
    alias: { '@schemas': fileURLToPath(new URL('./api/schemas', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { '/api': apiTarget, '/tiles': apiTarget },
  },
});
