/**
 * The generated bindings (`src/bindings/`) type Rust `u64`/`i64` as `bigint`, but JSON carries
 * them as numbers (all our values are far below 2^53). `Wire<T>` is the shape `JSON.parse`
 * really returns for a binding `T`: every `bigint` becomes `number`, recursively.
 */
export type Wire<T> = T extends bigint
  ? number
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;
