// Puts the members of a JSON instance in the order the JSON Schema front end writes them: an
// object's declared properties in schema order (the order the compiler merges them: a $ref target
// first, then the schema's own keywords in the order they appear, allOf branches in place, the
// chosen anyOf/oneOf branch after them), then names that only `required` lists, then the rest in
// their original order. JSON objects are unordered, so this changes no instance's validity; the
// conformance run uses it because the grammar fixes member order and test data does not always
// follow it.

function pointerTarget(root, ref) {
  const hash = ref.indexOf('#');
  const fragment = decodeURIComponent(hash < 0 ? '' : ref.slice(hash + 1));
  if (!fragment.startsWith('/')) return fragment === '' ? root : undefined;
  let at = root;
  for (const raw of fragment.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object') return undefined;
    at = at[key];
  }
  return at;
}

const oldDraft = (root) => typeof root?.$schema === 'string' && /draft-0[3-7]/.test(root.$schema);

// Merges the object-related keywords of the conjunction `schemas` for ordering.
function collect(schemas, root, value) {
  const specs = []; // { properties, patternProperties, additionalProperties }
  const required = [];
  const groups = [];
  const seen = new Set();
  const merge = (s, depth) => {
    if (s === null || typeof s !== 'object' || depth > 64) return;
    if (typeof s.$ref === 'string') {
      const target = pointerTarget(root, s.$ref);
      if (!seen.has(target)) {
        seen.add(target);
        merge(target, depth + 1);
        seen.delete(target);
      }
      if (oldDraft(root)) return;
    }
    let spec = null;
    for (const [k, v] of Object.entries(s)) {
      if (k === 'properties' || k === 'patternProperties' || k === 'additionalProperties') {
        if (spec === null) specs.push((spec = {}));
        spec[k] = v;
      } else if (k === 'allOf' && Array.isArray(v)) {
        for (const b of v) merge(b, depth + 1);
      } else if ((k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
        groups.push(v);
      } else if (k === 'required' && Array.isArray(v)) {
        required.push(...v);
      }
    }
  };
  for (const s of schemas) merge(s, 0);
  // Groups are distributed last one first; take the first branch that fits the value.
  while (groups.length > 0) {
    const branches = groups.pop();
    // The branch that declares the most of the value's members (the first on a tie).
    const score = (b) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return 0;
      const c = collect([b], root, undefined);
      const names = new Set(c.specs.flatMap((sp) => Object.keys(sp.properties ?? {})));
      return Object.keys(value).filter((k) => names.has(k)).length;
    };
    let chosen = branches[0];
    for (const b of branches) if (score(b) > score(chosen)) chosen = b;
    const before = groups.length;
    merge(chosen, 0);
    // Groups found inside the chosen branch are distributed after it.
    groups.splice(before, 0, ...groups.splice(before));
  }
  return { specs, required };
}

function memberSchemas(specs, key) {
  const out = [];
  for (const spec of specs) {
    let matched = false;
    if (spec.properties && Object.hasOwn(spec.properties, key)) {
      out.push(spec.properties[key]);
      matched = true;
    }
    for (const [source, schema] of Object.entries(spec.patternProperties ?? {})) {
      if (new RegExp(source, 'u').test(key)) {
        out.push(schema);
        matched = true;
      }
    }
    if (!matched && spec.additionalProperties !== undefined) out.push(spec.additionalProperties);
  }
  return out;
}

function itemSchemas(schemas, root, index) {
  const out = [];
  const visit = (s, depth) => {
    if (s === null || typeof s !== 'object' || depth > 64) return;
    if (typeof s.$ref === 'string') {
      visit(pointerTarget(root, s.$ref), depth + 1);
      if (oldDraft(root)) return;
    }
    const tuple = Array.isArray(s.prefixItems)
      ? s.prefixItems
      : Array.isArray(s.items)
        ? s.items
        : null;
    if (tuple && index < tuple.length) out.push(tuple[index]);
    else if (tuple && Array.isArray(s.items) && s.additionalItems !== undefined)
      out.push(s.additionalItems);
    else if (s.items !== undefined && !Array.isArray(s.items)) out.push(s.items);
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      if (Array.isArray(s[k])) for (const b of s[k]) visit(b, depth + 1);
    }
  };
  for (const s of schemas) visit(s, 0);
  return out;
}

/** `value` with every object's members in the front end's order for `schema` (root document). */
export function orderLike(value, schema, root = schema) {
  return order(value, [schema], root);
}

function order(value, schemas, root) {
  if (Array.isArray(value)) {
    return value.map((item, i) => order(item, itemSchemas(schemas, root, i), root));
  }
  if (value === null || typeof value !== 'object') return value;
  const { specs, required } = collect(schemas, root, value);
  const names = [];
  for (const spec of specs) for (const k of Object.keys(spec.properties ?? {})) names.push(k);
  names.push(...required);
  const out = {};
  for (const k of names) {
    if (Object.hasOwn(value, k) && !Object.hasOwn(out, k)) out[k] = value[k];
  }
  for (const k of Object.keys(value)) if (!Object.hasOwn(out, k)) out[k] = value[k];
  for (const k of Object.keys(out)) out[k] = order(out[k], memberSchemas(specs, k), root);
  return out;
}
