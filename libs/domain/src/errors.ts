/**
 * Typed errors shared by every handler. Each names what is wrong so a log line or a Step Functions
 * `Cause` is enough to act on; the `name` is stable so ASL `Catch`/`Retry` can match on it.
 */

/** One or more required environment variables are missing, empty or malformed. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  constructor(
    message: string,
    /** The variables at fault. */
    readonly variables: readonly string[],
  ) {
    super(message);
  }
}

/** An event or task input failed its schema; `path` is the dotted path of the first failing field. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly path: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** A workflow status change the state machine does not allow. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: string,
    readonly to: string,
    detail?: string,
  ) {
    super(`illegal workflow status transition ${from} -> ${to}${detail ? `: ${detail}` : ''}`);
  }
}

/** A record the operation needs does not exist (workflow, strategy, config version, model version). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** A conditional write lost: the item already exists or changed under us (duplicate delivery, concurrent writer). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
