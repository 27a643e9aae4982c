// The heap growth both executables set (host/heapGrowth.ts): the user's own value always wins.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { heapGrowthFlag, LOADING_HEAP_GROWTH_PERCENT, SETTLED_HEAP_GROWTH_PERCENT } from '../../server/src/host/heapGrowth';

test('heap growth: our flag unless NODE_OPTIONS or node\'s own flags give one', () => {
  assert.equal(heapGrowthFlag(LOADING_HEAP_GROWTH_PERCENT, undefined, []), '--heap-growing-percent=300');
  assert.equal(heapGrowthFlag(SETTLED_HEAP_GROWTH_PERCENT, '--max-old-space-size=4096', ['--enable-source-maps']), '--heap-growing-percent=50');
  assert.equal(heapGrowthFlag(LOADING_HEAP_GROWTH_PERCENT, '--heap-growing-percent=80', []), undefined);
  assert.equal(heapGrowthFlag(SETTLED_HEAP_GROWTH_PERCENT, undefined, ['--heap-growing-percent=120']), undefined);
  assert.equal(heapGrowthFlag(SETTLED_HEAP_GROWTH_PERCENT, '', ['--heap_growing_percent=120']), undefined, 'V8 reads underscores as dashes');
});
