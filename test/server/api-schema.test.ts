import fs from 'node:fs/promises';
import { expect, test } from 'vitest';
import { apiSchemaSource, SCHEMA_FILE } from '../../scripts/gen-api.ts';

// The dashboard's API types are generated from the served OpenAPI document: a change to a
// route's schema without `npm run gen:api` fails here, so the committed types never drift.
test('web/src/api/schema.d.ts is what `npm run gen:api` makes from the current server', async () => {
  const committed = await fs.readFile(SCHEMA_FILE, 'utf8');
  const current = await apiSchemaSource();
  expect(current.length).toBeGreaterThan(10_000);
  expect(committed === current, 'web/src/api/schema.d.ts is stale: run `npm run gen:api`').toBe(true);
});
