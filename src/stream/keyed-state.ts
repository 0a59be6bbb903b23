// Named keyed state for operators: a state table with one namespace, and a per-partition handle
// so a batch's loop looks its partition up once.
import type { StateTable } from './state-table.js';
import type { KeyedState, PartitionState } from './types.js';

/** Plain keyed state lives in namespace 0 of its table. */
const plainNamespace = 0;

function partitionHandle<V>(table: StateTable<V>, partition: number): PartitionState<V> {
  return {
    get: (key) => table.lookup(partition, plainNamespace, key)?.value,
    has: (key) => table.lookup(partition, plainNamespace, key) !== undefined,
    set: (key, value) => {
      table.put(partition, plainNamespace, key, value);
    },
    delete(key) {
      const entry = table.lookup(partition, plainNamespace, key);
      if (entry === undefined) return false;
      table.remove(entry);
      return true;
    },
  };
}

export function createKeyedState<V>(name: string, table: StateTable<V>): KeyedState<V> {
  const handles = new Map<number, PartitionState<V>>();
  const handle = (partition: number): PartitionState<V> => {
    let found = handles.get(partition);
    if (found === undefined) {
      found = partitionHandle(table, partition);
      handles.set(partition, found);
    }
    return found;
  };
  return {
    name,
    partition: handle,
    get: (partition, key) => table.lookup(partition, plainNamespace, key)?.value,
    set: (partition, key, value) => {
      table.put(partition, plainNamespace, key, value);
    },
    delete: (partition, key) => handle(partition).delete(key),
    size: () => table.size(),
    forEach(partition, callback) {
      const entries = table.namespace(partition, plainNamespace);
      if (entries === undefined) return;
      for (const entry of entries.values()) callback(entry.value, entry.key);
    },
    forEachUpdated(callback) {
      table.forEachChanged((entry) => callback(entry.partition, entry.key, entry.value));
    },
  };
}
