// Test harness, forked in place of dist/node/worker.js: the real render worker, plus one deliberate
// attempt to reach the network right after it started. The worker's own code is untouched: its
// bundle is imported (it installs the network guard, then says "ready"), and the attempt follows in
// the same turn, before any render message can arrive, so the render's record must count it.
import net from 'node:net';

await import(new URL('../../dist/node/worker.js', import.meta.url).href);

// 10.255.255.1 is a non-routable address: were the guard absent, this would hang, not succeed.
const socket = net.connect(80, '10.255.255.1');
socket.once('error', (error) => process.stderr.write(`aiprod-test: worker probe refused: ${error.code ?? ''} ${error.message}\n`));
socket.once('connect', () => {
  process.stderr.write('aiprod-test: worker probe CONNECTED\n');
  socket.destroy();
});
