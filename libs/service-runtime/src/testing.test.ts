import { describe, expect, it } from 'vitest';
import { logCapture } from './testing.js';

describe('logCapture', () => {
  it('parses the JSON lines written, across writes, skipping blank lines', () => {
    const logs = logCapture();
    logs.stream.write('{"msg":"a"}\n  \n{"msg":');
    logs.stream.write('"b"}\n\t\n');
    expect(logs.lines()).toEqual([{ msg: 'a' }, { msg: 'b' }]);
  });
});
