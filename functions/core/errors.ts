/** A named error that keeps `cause` and names the field and the value at fault. */
export class FieldError extends Error {
  override readonly name: string = 'FieldError';
  constructor(
    message: string,
    readonly field: string,
    readonly value: unknown,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${field}=${JSON.stringify(value)})`, options);
  }
}

/** Broken invariants throw these; expected outcomes are values (see risk/gates.ts). */
export class InvariantError extends FieldError {
  override readonly name: string = 'InvariantError';
}

export class BarOrderError extends InvariantError {
  override readonly name = 'BarOrderError';
}

export class ClientOrderIdError extends InvariantError {
  override readonly name = 'ClientOrderIdError';
}
