/**
 * Runs `fn` and returns the JSON log lines it wrote to stdout/stderr: what CloudWatch receives from
 * a Powertools logger (which writes through its own Console on process.stdout/stderr). Non-JSON
 * output is dropped; the streams are restored even when `fn` throws.
 */
export async function captureLogs(fn: () => unknown): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write);
  for (const s of streams) {
    s.write = ((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    }) as typeof s.write;
  }
  try {
    await fn();
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]!));
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
