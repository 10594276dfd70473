import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is one static bundle served two ways: under app://loupe/ in Electron and over http://127.0.0.1 in
// browser mode. A relative base ('./') makes the same build work under both origins.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    // The grid, markdown and sanitiser make one chunk of ~400 KB; loaded from disk, so splitting buys nothing.
    chunkSizeWarningLimit: 1500,
  },
  server: { port: 5173, strictPort: false },
});
