/**
 * A Set that forgets its oldest entries beyond `capacity`. Remembering every message id a
 * long-lived client has seen would grow without bound; duplicates arrive close together
 * (a resent broadcast, a sync overlapping live delivery), so the recent ones suffice.
 */
export class BoundedSet<T> {
  private readonly items = new Set<T>();

  constructor(private readonly capacity: number) {}

  has(value: T): boolean {
    return this.items.has(value);
  }

  add(value: T): void {
    if (this.items.has(value)) return;
    this.items.add(value);
    if (this.items.size > this.capacity) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
  }

  delete(value: T): boolean {
    return this.items.delete(value);
  }

  get size(): number {
    return this.items.size;
  }
}
