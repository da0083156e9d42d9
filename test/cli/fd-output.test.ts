import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FdOutput, type ByteStream } from '../../src/cli/fd-output.js';
import { testdir } from '../support/testdir.js';

/** A named pipe whose both ends are open and non-blocking, as a reader can make stdout. */
async function nonBlockingPipe(): Promise<{ reader: number; writer: number }> {
  const fifo = join(await testdir(), 'pipe');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  return { reader, writer };
}

const noStream = (): ByteStream => {
  throw new Error('the process stream was created');
};

describe('FdOutput', () => {
  it('writes each text to the descriptor before write() returns, without creating the process stream', async () => {
    const file = join(await testdir(), 'out.txt');
    const fd = openSync(file, 'w');
    const output = new FdOutput(fd, noStream);
    expect(output.write('first ✓\n')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('first ✓\n');
    output.write('second\n');
    expect(readFileSync(file, 'utf8')).toBe('first ✓\nsecond\n');
    closeSync(fd);
  });

  it.skipIf(process.platform === 'win32')(
    'hands a full non-blocking pipe to the process stream, every byte in order, a character split across the two',
    async () => {
      const { reader, writer } = await nonBlockingPipe();
      let created = 0;
      let stream: Socket | undefined;
      const output = new FdOutput(writer, () => {
        created += 1;
        stream ??= new Socket({ fd: writer, readable: false, writable: true });
        return stream;
      });
      // 3-byte characters after two ASCII bytes: a pipe's capacity (64 KiB) ends inside one.
      const first = `xy${'✓'.repeat(200_000)}`;
      const second = '\nthe end\n';
      const received: Buffer[] = [];
      const reading = new Socket({ fd: reader, readable: true, writable: false });
      reading.on('data', (chunk: Buffer) => received.push(chunk));
      const ended = new Promise((resolve) => reading.on('end', resolve));

      output.write(first);
      expect(created).toBe(1);
      output.write(second);
      expect(created).toBe(1);
      stream?.end();
      await ended;
      expect(Buffer.concat(received).toString('utf8')).toBe(first + second);
    },
  );

  it.skipIf(process.platform === 'win32')('drops output once the reader has gone, without an error', async () => {
    const { reader, writer } = await nonBlockingPipe();
    closeSync(reader);
    const output = new FdOutput(writer, noStream);
    expect(output.write('nobody reads this\n')).toBe(true);
    expect(output.write('nor this\n')).toBe(true);
    closeSync(writer);
  });

  it.skipIf(!existsSync('/dev/full'))('reports a write that fails (a full disk) once, then drops output', () => {
    const fd = openSync('/dev/full', 'w');
    const failures: string[] = [];
    const output = new FdOutput(fd, noStream, (code) => failures.push(code));
    expect(output.write('lost\n')).toBe(true);
    expect(output.write('lost too\n')).toBe(true);
    expect(failures).toEqual(['ENOSPC']);
    closeSync(fd);
  });

  it('after neverBlock(), writes through the process stream, which queues what a reader cannot take yet', async () => {
    const file = join(await testdir(), 'out.txt');
    const fd = openSync(file, 'w');
    const streamed: string[] = [];
    const output = new FdOutput(fd, () => ({ write: (chunk) => streamed.push(String(chunk)) > 0 }));
    output.write('direct\n');
    output.neverBlock();
    output.write('queued\n');
    expect(readFileSync(file, 'utf8')).toBe('direct\n');
    expect(streamed).toEqual(['queued\n']);
    closeSync(fd);
  });

  it('asks the process stream whether it is a terminal only when asked, once created', () => {
    let created = 0;
    const output = new FdOutput(1, () => {
      created += 1;
      return { write: () => true, isTTY: true };
    });
    expect(created).toBe(0);
    expect(output.isTTY).toBe(true);
    expect(output.isTTY).toBe(true);
    expect(created).toBe(1);
    expect(new FdOutput(1, () => ({ write: () => true })).isTTY).toBe(false);
  });
});
