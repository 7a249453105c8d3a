// The kernels' accuracy contracts, read from the one header that states them
// (cpp/include/logitkit/accuracy.h), so the JS tests check the same numbers as the doctests and
// the fuzzers. `ACCURACY.softmaxRelativeError` is `kSoftmaxRelativeError`, and so on.
import { readFileSync } from 'node:fs';

const HEADER = new URL('../../cpp/include/logitkit/accuracy.h', import.meta.url);

function readContracts() {
  const text = readFileSync(HEADER, 'utf8');
  const contracts = {};
  for (const [, name, literal] of text.matchAll(/^constexpr double k(\w+) = ([^;]+);$/gm)) {
    const value = Number(literal);
    if (!Number.isFinite(value))
      throw new Error(`accuracy.h: k${name} = ${literal} is not a plain number`);
    contracts[name[0].toLowerCase() + name.slice(1)] = value;
  }
  if (Object.keys(contracts).length === 0) throw new Error('accuracy.h: no contracts found');
  return contracts;
}

/** The constants of accuracy.h by camelCase name (kSoftmaxRelativeError -> softmaxRelativeError). */
export const ACCURACY = Object.freeze(readContracts());
