// A binary min-heap, for timers in due order.
export interface MinHeap<T> {
  push(item: T): void;
  peek(): T | undefined;
  pop(): T | undefined;
  size(): number;
}

export function createMinHeap<T>(before: (a: T, b: T) => boolean): MinHeap<T> {
  const items: T[] = [];
  const swap = (i: number, j: number): void => {
    const item = items[i]!;
    items[i] = items[j]!;
    items[j] = item;
  };
  const up = (start: number): void => {
    for (let index = start; index > 0; ) {
      const parent = (index - 1) >> 1;
      if (!before(items[index]!, items[parent]!)) return;
      swap(index, parent);
      index = parent;
    }
  };
  const down = (start: number): void => {
    for (let index = start; ; ) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
      if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
      if (smallest === index) return;
      swap(index, smallest);
      index = smallest;
    }
  };
  return {
    push(item) {
      items.push(item);
      up(items.length - 1);
    },
    peek: () => items[0],
    pop() {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        down(0);
      }
      return top;
    },
    size: () => items.length,
  };
}
