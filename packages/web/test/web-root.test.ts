import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { webRoot } from '../src';

test('webRoot is the absolute path of the built page', () => {
  expect(isAbsolute(webRoot)).toBe(true);
  expect(webRoot).toMatch(/packages[\\/]web[\\/]dist[\\/]public$/);
  // Built by `npm run build` (turbo builds it before tests run).
  expect(existsSync(join(webRoot, 'index.html'))).toBe(true);
  expect(existsSync(join(webRoot, 'app.js'))).toBe(true);
});
