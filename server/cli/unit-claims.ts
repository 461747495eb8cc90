// Work two threads share without a lock: each takes units of the same work, one from the front and the other from
// the back, until they meet, so neither waits for the other at the end whichever was busier first. The CLI's main
// thread and its reading worker share the JSON report's groups so (group-json.ts, count-list.ts).

/**
 * Units of work two threads take, one from the front and one from the back, until they meet: the next unit from the
 * front and the first one not left at the back, in one 32-bit word changed atomically (so at most 0xffff units).
 */
export class UnitClaims {
  readonly #state: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.#state = new Int32Array(buffer);
  }

  static of(units: number): UnitClaims {
    if (units > 0xffff) throw new RangeError(`${units} units do not fit in UnitClaims`);
    const claims = new UnitClaims(new SharedArrayBuffer(4));
    claims.#state[0] = units << 16;
    return claims;
  }

  fromFront(): number {
    for (;;) {
      const state = Atomics.load(this.#state, 0);
      const front = state & 0xffff;
      if (front >= state >>> 16) return -1;
      if (Atomics.compareExchange(this.#state, 0, state, state + 1) === state) return front;
    }
  }

  fromBack(): number {
    for (;;) {
      const state = Atomics.load(this.#state, 0);
      const front = state & 0xffff;
      const back = state >>> 16;
      if (front >= back) return -1;
      if (Atomics.compareExchange(this.#state, 0, state, front | ((back - 1) << 16)) === state) return back - 1;
    }
  }
}
