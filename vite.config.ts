import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const apiTarget = process.env.WANGGE_API ?? 'http://127.0.0.1:8080';

// The web app lives in web/; `vite build` writes dist/web, which api/server.ts serves.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [vue()],
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
