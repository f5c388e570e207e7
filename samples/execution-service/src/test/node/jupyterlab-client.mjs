// JupyterLab's own client library (@jupyterlab/services) against the Wasmbox execution service.
// Usage: node jupyterlab-client.mjs <base URL> <token>
// Prints one line per step and "ALL OK" at the end; exits non-zero on the first failure.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { KernelManager, KernelSpecManager, ServerConnection, SessionManager } from '@jupyterlab/services';

const [baseUrl, token] = process.argv.slice(2);
const serverSettings = ServerConnection.makeSettings({
  baseUrl,
  wsUrl: baseUrl.replace(/^http/, 'ws'),
  token,
  appendToken: true,
  WebSocket,
  init: {}
});

const step = (name, detail = '') => console.log(`step ${name} ${detail}`.trim());

/** Runs a cell; returns its iopub messages by type and its reply. */
async function run(kernel, code, options = {}) {
  const future = kernel.requestExecute({ code, allow_stdin: !!options.onInput, stop_on_error: false });
  const iopub = [];
  future.onIOPub = msg => iopub.push(msg);
  if (options.onInput) {
    future.onStdin = msg => {
      if (msg.header.msg_type === 'input_request') {
        future.sendInputReply({ status: 'ok', value: options.onInput(msg.content.prompt) }, msg.header);
      }
    };
  }
  if (options.whileRunning) options.whileRunning(future);
  const reply = await future.done;
  const of = type => iopub.filter(m => m.header.msg_type === type);
  return {
    reply: reply.content,
    stdout: of('stream').filter(m => m.content.name === 'stdout').map(m => m.content.text).join(''),
    stderr: of('stream').filter(m => m.content.name === 'stderr').map(m => m.content.text).join(''),
    results: of('execute_result').map(m => m.content.data['text/plain']),
    errors: of('error').map(m => m.content)
  };
}

const specs = new KernelSpecManager({ serverSettings });
await specs.ready;
for (const name of ['python', 'javascript', 'typescript']) {
  assert.ok(specs.specs.kernelspecs[name], `kernel spec ${name}`);
}
step('kernelspecs', Object.keys(specs.specs.kernelspecs).join(','));

const kernelManager = new KernelManager({ serverSettings });
const sessionManager = new SessionManager({ kernelManager, serverSettings });
await sessionManager.ready;
const session = await sessionManager.startNew({
  path: 'wasmbox-test.ipynb', name: 'wasmbox-test.ipynb', type: 'notebook', kernel: { name: 'python' }
});
const kernel = session.kernel;
assert.ok(kernel, 'session has a kernel');
const info = await kernel.info;
assert.equal(info.language_info.name, 'python');
assert.equal(info.protocol_version, '5.3');
// the wire protocol the server chose among those the library offered (a private field: no public getter)
assert.equal(kernel._selectedProtocol, 'v1.kernel.websocket.jupyter.org');
step('session', `${session.id} kernel ${kernel.id} wire protocol ${kernel._selectedProtocol}`);

let r = await run(kernel, 'x = 20');
assert.equal(r.reply.status, 'ok');
r = await run(kernel, "print('out')\nx + 22");
assert.equal(r.stdout, 'out\n');
assert.deepEqual(r.results, ['42']);
assert.equal(r.reply.execution_count, 2);
step('state', 'x + 22 = 42 after x = 20');

r = await run(kernel, '1 / 0');
assert.equal(r.reply.status, 'error');
assert.equal(r.errors[0].ename, 'ZeroDivisionError');
assert.ok(r.errors[0].traceback.join('\n').includes('division by zero'));
step('error', r.errors[0].ename);

r = await run(kernel, "name = input('Your name: ')\nprint('hi', name)", { onInput: prompt => (assert.equal(prompt, 'Your name: '), 'Ada') });
assert.equal(r.stdout, 'hi Ada\n');
step('stdin', JSON.stringify(r.stdout));

const t0 = Date.now();
r = await run(kernel, 'while True: pass', {
  whileRunning: () => setTimeout(() => kernel.interrupt().catch(e => console.log('interrupt failed ' + e)), 1500)
});
assert.equal(r.reply.status, 'error');
assert.equal(r.errors[0].ename, 'KeyboardInterrupt');
step('interrupt', `stopped after ${Date.now() - t0} ms: ${r.errors[0].evalue}`);
r = await run(kernel, '1 + 1');
assert.deepEqual(r.results, ['2']);
step('after-interrupt', 'kernel answers');

await run(kernel, 'y = 1');
await kernel.restart();
r = await run(kernel, 'y');
assert.equal(r.reply.status, 'error');
assert.equal(r.errors[0].ename, 'NameError');
assert.equal(r.reply.execution_count, 1);
step('restart', 'state cleared, count reset');

const js = await kernelManager.startNew({ name: 'javascript' });
r = await run(js, "var a = 2; console.log('js'); a * 21");
assert.equal(r.stdout, 'js\n');
assert.deepEqual(r.results, ['42']);
r = await run(js, 'a + 1');
assert.deepEqual(r.results, ['3']);
step('javascript', 'state kept');
await js.shutdown();

await session.shutdown();
await sessionManager.refreshRunning();
assert.equal([...sessionManager.running()].length, 0);
step('shutdown', 'no session left');
sessionManager.dispose();
kernelManager.dispose();
console.log('ALL OK');
process.exit(0);
