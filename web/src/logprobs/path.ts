/**
 * A JSON path into the provider response, used only to name the value at fault in errors.
 *
 * Paths are linked lists built while walking the input, so the happy path pays for one small
 * object per container and never formats a string; `toString()` runs only when an error is raised.
 * Format: `choices[0].logprobs.content[3].logprob`; keys that are not identifiers are quoted
 * (`top_logprobs[2]["1 2"]`); the root alone prints as `$`.
 */
export class JsonPath {
  static readonly root: JsonPath = new JsonPath(null, '');

  private constructor(
    private readonly parent: JsonPath | null,
    private readonly segment: string | number,
  ) {}

  /** The path of property `name` below this one. */
  key(name: string): JsonPath {
    return new JsonPath(this, name);
  }

  /** The path of array element `i` below this one. */
  index(i: number): JsonPath {
    return new JsonPath(this, i);
  }

  toString(): string {
    const segments: Array<string | number> = [];
    for (
      let node: JsonPath | null = this;
      node !== null && node.parent !== null;
      node = node.parent
    ) {
      segments.push(node.segment);
    }
    let out = '';
    for (let i = segments.length - 1; i >= 0; i--) {
      const segment = segments[i] as string | number;
      if (typeof segment === 'number') out += `[${segment}]`;
      else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
      else out += `[${JSON.stringify(segment)}]`;
    }
    return out === '' ? '$' : out;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
