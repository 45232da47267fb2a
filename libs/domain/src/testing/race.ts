import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * Seams for race tests. Two concurrent writers only prove a conditional write when both READ the
 * same state before either WRITES; left to the event loop, the second often reads after the first
 * wrote and its write is legal anyway, so the test passes with or without the condition. These
 * helpers force the bad interleaving deterministically.
 */

/** A meeting point for `parties` callers: each `arrive()` resolves once all of them have arrived. */
export function barrier(parties: number): { arrive(): Promise<void>; readonly arrived: number } {
  if (!Number.isInteger(parties) || parties < 1) throw new Error(`barrier needs a positive integer of parties, got ${parties}`);
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    arrive() {
      arrived++;
      if (arrived === parties) open();
      return opened;
    },
    get arrived() {
      return arrived;
    },
  };
}

/** What {@link hookClient} hands its hook: the command and a function that sends it for real. */
export type SendHook = (command: object, send: () => Promise<Record<string, unknown>>) => Promise<Record<string, unknown>>;

/**
 * `client` (any AWS SDK v3 client: DynamoDB document client, S3, ...) with every `send` passed
 * through `hook` (to delay, count, fail or rewrite answers); all other members are the real
 * client's. Give it to a Table or a service's deps in place of the client.
 */
export function hookClient<C extends object>(client: C, hook: SendHook): C {
  const send = (client as unknown as { send(command: object): Promise<Record<string, unknown>> }).send.bind(client);
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'send') return (command: object) => hook(command, () => send(command));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/** Whether `command` is a read a conditional writer bases its write on (Get or Query). */
export function isRead(command: object): boolean {
  return command instanceof GetCommand || command instanceof QueryCommand;
}

/**
 * A client whose first `parties` reads each complete and then wait until all of them have read:
 * every writer decides from the same state before any of them writes. Later reads (a loser's
 * retry) pass straight through. `reads()` counts every read, `writes()` every other command.
 */
export function readBarrierClient(doc: DynamoDBDocumentClient, parties = 2): { doc: DynamoDBDocumentClient; reads(): number; writes(): number } {
  const gate = barrier(parties);
  let reads = 0;
  let writes = 0;
  const hooked = hookClient(doc, async (command, send) => {
    if (!isRead(command)) {
      writes++;
      return send();
    }
    const res = await send();
    if (++reads <= parties) await gate.arrive();
    return res;
  });
  return { doc: hooked, reads: () => reads, writes: () => writes };
}

/** {@link hookClient} for a DynamoDB document client (the common case: a Table's conditional writes). */
export function hookDocumentClient(doc: DynamoDBDocumentClient, hook: SendHook): DynamoDBDocumentClient {
  return hookClient(doc, hook);
}
