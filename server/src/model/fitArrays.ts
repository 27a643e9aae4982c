// Model arrays at their length. V8 gives an array grown by push room for 17 elements on the first
// push (and half as much again at each growth after), and never gives it back: the readers build
// most of a file's arrays that way (labels, ports, rules, objects), and an index keeps every one,
// so at 50k objects the unused room was about 30 MB of the heap. `slice` copies an array at its size.

/** A list kept long after it was built by push, at its length (a copy; empty lists are left as they are). */
export function atLength<T>(list: T[]): T[] {
  return list.length > 0 ? list.slice() : list;
}

/**
 * Replaces, in place, every non-empty array reachable from `value` through arrays and plain
 * objects by a copy at its length (an array reached twice is copied once, so shared arrays stay
 * shared). Maps, Sets and class instances are left as they are. Returns `value`, or its copy when
 * `value` is itself an array.
 */
export function fitArrays<T>(value: T): T {
  return fit(value, new Map()) as T;
}

function fit(value: unknown, copies: Map<unknown[], unknown[]>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const done = copies.get(value);
    if (done) return done;
    const copy = atLength(value);
    copies.set(value, copy);
    for (let i = 0; i < copy.length; i++) copy[i] = fit(copy[i], copies);
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (typeof v === 'object' && v !== null) record[key] = fit(v, copies);
  }
  return value;
}
