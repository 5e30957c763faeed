import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  // Relative asset paths so the same build loads from file:// in Electron and from the web shell.
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // The one large chunk is the projection editor (CodeMirror), loaded with the first projection tab.
    chunkSizeWarningLimit: 700,
  },
});
