import net from 'node:net';

/** Sends raw bytes to 127.0.0.1:port and returns everything the server answers before it closes. */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error(`no answer; got ${JSON.stringify(got)}`)));
  });
}
