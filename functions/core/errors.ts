/** Broken invariants throw these; expected outcomes are values (see risk/gates.ts). */
export class InvariantError extends Error {
  override readonly name: string = 'InvariantError';
  constructor(
    message: string,
    readonly field: string,
    readonly value: unknown,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${field}=${JSON.stringify(value)})`, options);
  }
}

export class BarOrderError extends InvariantError {
  override readonly name = 'BarOrderError';
}

export class ClientOrderIdError extends InvariantError {
  override readonly name = 'ClientOrderIdError';
}
