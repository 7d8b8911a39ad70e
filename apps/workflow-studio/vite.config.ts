import { defineConfig } from 'vite';

// JSX is compiled by Vite's built-in transform (automatic runtime), so no React plugin is needed
// for production builds. The dev server proxies /api to a running API on :3000.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      // Libraries ship "use client" directives for React Server Components; irrelevant in an SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173, proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
