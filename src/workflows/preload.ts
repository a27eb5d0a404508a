/**
 * Libraries the worker loads once per workflow thread instead of once per workflow (the SDK's
 * `preloadModules`; without it every new or replayed run re-evaluates zod's module scope, a few
 * milliseconds of CPU each). Preloaded modules are deep-frozen and shared, so they must hold no
 * per-workflow state: zod, re2js, @noble/hashes and @noble/curves keep none once zod's global config is settled
 * (its default locale and memoizer are set lazily, by the first schemas built), which building
 * and using one schema of each kind here does before the freeze.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { utf8ToBytes } from '@noble/hashes/utils';
import { RE2JS } from 're2js';
import { z } from 'zod';

// Used, so the bundler keeps them (these packages declare no side effects).
RE2JS.compile('a+').matches('aa');
sha256(utf8ToBytes('preload'));
// Ed25519 builds its base point's tables on first use: built here, before the freeze, not once per run.
ed25519.getPublicKey(new Uint8Array(32));

z.object({
  text: z.string().min(1),
  count: z.number().int().optional(),
  list: z.array(z.boolean()).default([]),
  map: z.record(z.string(), z.enum(['a', 'b'])),
  either: z.union([z.literal('x'), z.object({ y: z.null() }).strict()]),
  tagged: z.discriminatedUnion('kind', [z.object({ kind: z.literal('k') })]),
  shaped: z
    .string()
    .transform((v) => v.length)
    .pipe(z.number()),
})
  .superRefine(() => undefined)
  .safeParse({ text: 't', map: {}, either: 'x', tagged: { kind: 'k' }, shaped: 'abc' });
