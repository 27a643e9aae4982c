// Small typed helpers over Map, in place of `get(key)!` after a `set`.

/** The value of `key`, made by `make` and stored first when the map has none. */
export function getOrCreate<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  const existing = map.get(key);
  if (existing !== undefined) return existing;
  const made = make();
  map.set(key, made);
  return made;
}

/**
 * The value of a key that is in the map by construction (an index kept in step with what it
 * indexes): a missing one is a bug, reported where it happens rather than as an undefined later.
 */
export function mustGet<K, V>(map: { get(key: K): V | undefined }, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error('k8s-netmap: internal error: a key expected in a map is missing');
  return value;
}
