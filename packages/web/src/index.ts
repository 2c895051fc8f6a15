import { join } from 'node:path';

/**
 * Absolute path of the built web client (index.html, app.js, styles.css), for the gateway to
 * serve at `/`. Resolved from the package root, so it is the same from `src/` (ts-jest) and `dist/`.
 */
export const webRoot: string = join(__dirname, '..', 'dist', 'public');
