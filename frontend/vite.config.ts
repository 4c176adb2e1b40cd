/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API lives on the same origin under /api (nginx in production); in `npm run dev`
// requests are proxied to a local stack (make run serves http://127.0.0.1:8080).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': process.env.TUDUSHKA_BASE_URL ?? 'http://127.0.0.1:8080' },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // Inlined assets would become data: URLs in CSS/JS; keep every asset a file.
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
