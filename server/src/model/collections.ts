// Small typed helpers over Map, in place of `get(key)!` after a `set`.

/** The value of `key`, made by `make` and stored first when the map has none. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const existing = map.get(key);
  if (existing !== undefined) return existing;
  const made = make();
  map.set(key, made);
  return made;
}
