import { defineConfig } from 'vite';

// Output goes to the build dir (never the source tree): the pacemaker serves
// index.html at / and the hashed bundles under /assets/.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: process.env.PAASMAKER_CONSOLE_DIR || 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
  },
});
