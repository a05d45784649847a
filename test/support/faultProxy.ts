// A TCP proxy on loopback between the app and a real server (Azurite) that can be made slow, or
// answer 503, or cut connections: storage faults without mocking the storage client.

import net from 'node:net';

export type FaultMode = 'pass' | 'slow' | 'unavailable' | 'reset';

export interface FaultProxy {
  readonly port: number;
  mode: FaultMode;
  /** How long 'slow' holds each connection before passing it on. */
  slowMs: number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };

  // The mode is read for every chunk a client sends, so kept-alive connections see a change at once.
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect(targetPort, targetHost);
    track(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk: Buffer) => {
      switch (proxy.mode) {
        case 'pass':
          upstream.write(chunk);
          return;
        case 'slow': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            upstream.write(chunk);
          }, proxy.slowMs);
          timers.add(timer);
          return;
        }
        case 'unavailable':
          upstream.destroy();
          client.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        case 'reset':
          upstream.destroy();
          client.resetAndDestroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;

  const proxy: FaultProxy = {
    port: address.port,
    mode: 'pass',
    slowMs: 20_000,
    async close() {
      timers.forEach(clearTimeout);
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
  return proxy;
}
