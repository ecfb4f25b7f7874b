import { defineConfig } from 'vite';
import { mockLoomeVitePlugin } from './demo/mock-loome/index.js';

/**
 * `vite` serves the demo against the built-in mock of Loome.
 * `vite build` writes the drop-in file: one ES module with Lit and zod inlined.
 * `vite build --mode lib` writes the library build for bundlers (Lit and zod external).
 */
export default defineConfig(({ mode }) => {
  const lib = mode === 'lib';
  return {
    plugins: [mockLoomeVitePlugin()],
    server: { port: 5173 },
    build: {
      target: 'es2022',
      outDir: lib ? 'dist/lib' : 'dist',
      emptyOutDir: true,
      minify: !lib,
      sourcemap: true,
      lib: lib
        ? { entry: ['src/index.ts', 'src/define.ts', 'src/loome-rule-runner.ts'], formats: ['es'] }
        : {
            entry: 'src/index.ts',
            formats: ['es'],
            // The contract names this file; Vite's library mode would call it .mjs.
            fileName: () => 'loome-rule-runner.js',
          },
      rollupOptions: lib
        ? { external: [/^lit($|\/)/, /^@lit\//, /^zod($|\/)/], output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' } }
        : // Vite keeps whitespace in ES library builds; the drop-in file is for browsers, so minify it fully.
          { output: { minify: true } },
    },
  };
});
