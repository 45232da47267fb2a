/** Collects the JSON log lines a service writes, for assertions on reqId and messages. */
export function logCapture(): { stream: { write(line: string): void }; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  return {
    stream: { write: (line: string) => void raw.push(line) },
    lines: () => raw.join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
