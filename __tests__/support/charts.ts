/**
 * Test support: where the upstream chart data of the pinned versions lives (`../shared/charts`
 * next to the repository, or `$SHARED_DIR/charts`). The chart check's tests need it and fail, not
 * skip, when it is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './synth';

/** The chart cache the tests check against. */
export const CHARTS_DIR = join(process.env.SHARED_DIR ?? join(ROOT, '..', 'shared'), 'charts');

if (!existsSync(join(CHARTS_DIR, 'index.json'))) {
  throw new Error(`chart data not found at ${CHARTS_DIR}: set SHARED_DIR to the shared folder holding charts/`);
}
