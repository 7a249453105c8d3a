// Seeds fast-check for every property test that imports this module, so `npm test` checks the same
// cases on every run and a CI failure can be replayed. Explore new cases with a different seed:
//   FC_SEED=12345 node --test tests/js/      (or FC_SEED=random; the seed used is printed)
import fc from 'fast-check';

const requested = process.env.FC_SEED;
export const seed =
  requested === undefined
    ? 20261129
    : requested === 'random'
      ? (Math.random() * 2 ** 31) | 0
      : Number(requested);
if (!Number.isInteger(seed))
  throw new Error(`FC_SEED must be an integer or "random", got ${requested}`);
if (requested !== undefined) console.log(`# fast-check seed ${seed}`);
fc.configureGlobal({ seed });
