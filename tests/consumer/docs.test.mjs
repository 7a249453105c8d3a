// docs/API.md is generated from the published .d.ts files: it must be current, and every public
// declaration, member and option must carry a TSDoc comment (scripts/api-docs.mjs --check).
import { test } from 'node:test';
import { join } from 'node:path';
import { assertBuilt, ROOT } from './support/pack.mjs';
import { node } from './support/run.mjs';

test('docs/API.md is up to date and every public declaration has TSDoc', async () => {
  assertBuilt();
  await node([join(ROOT, 'scripts/api-docs.mjs'), '--check'], { cwd: ROOT });
});
