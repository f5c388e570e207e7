'use strict';
// Wasmbox playground: languages from /api/v1/runtimes, runs through the SSE endpoint so output appears live.
(function () {
  const $ = (id) => document.getElementById(id);
  const SAMPLES = {
    python: 'import sys\nname = sys.stdin.readline().strip() or "world"\nprint(f"Hello, {name}!")\nprint(sum(i * i for i in range(10)))\n',
    javascript: 'const lines = [];\nfor (let i = 1; i <= 3; i++) lines.push(`line ${i}`);\nconsole.log(lines.join("\\n"));\n6 * 7\n',
    typescript: 'function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\nconsole.log(greet("TypeScript"));\n',
    rust: 'use std::io::Read;\n\nfn main() {\n    let mut name = String::new();\n    std::io::stdin().read_to_string(&mut name).unwrap();\n    let name = if name.trim().is_empty() { "world" } else { name.trim() };\n    println!("Hello, {}!", name);\n}\n',
    c: '#include <stdio.h>\n#include <string.h>\n\nint main(void) {\n    char name[64] = "world";\n    if (fgets(name, sizeof name, stdin)) name[strcspn(name, "\\n")] = 0;\n    printf("Hello, %s!\\n", name);\n    return 0;\n}\n',
    cpp: '#include <iostream>\n#include <string>\n\nint main() {\n    std::string name;\n    if (!std::getline(std::cin, name) || name.empty()) name = "world";\n    std::cout << "Hello, " << name << "!\\n";\n}\n',
    wasm: '',
  };
  const MODES = { python: 'python', javascript: 'javascript', typescript: 'text/typescript' };
  const editor = CodeMirror($('editor'), { lineNumbers: true, indentUnit: 4, value: '', mode: 'python' });
  window.playgroundEditor = editor; // for scripted use (tests, console)
  let lastSample = '';

  function setLanguage(lang) {
    editor.setOption('mode', MODES[lang] || null);
    editor.setOption('indentUnit', lang === 'python' ? 4 : 2);
    if (editor.getValue() === '' || editor.getValue() === lastSample) {
      lastSample = SAMPLES[lang] || '';
      editor.setValue(lastSample);
    }
  }

  async function loadRuntimes() {
    const [rt, cfg] = await Promise.all([fetch('/api/v1/runtimes').then((r) => r.json()),
      fetch('/api/v1/config').then((r) => r.json())]);
    const select = $('language');
    for (const r of rt.runtimes) {
      const o = document.createElement('option');
      o.value = r.language;
      o.textContent = `${r.language} (${r.version})`;
      select.appendChild(o);
    }
    select.addEventListener('change', () => setLanguage(select.value));
    $('timeout').value = cfg.limits.timeoutMs.default;
    $('timeout').max = cfg.limits.timeoutMs.max;
    $('memory').value = cfg.limits.maxMemoryMB.default;
    $('memory').max = cfg.limits.maxMemoryMB.max;
    if (select.options.length) setLanguage(select.value);
    document.body.dataset.ready = 'true';
  }

  function reset() {
    for (const id of ['stdout', 'stderr']) $(id).textContent = '';
    for (const id of ['status', 'exit-code', 'time', 'memory-used', 'value']) $(id).textContent = '…';
    $('flags').textContent = '';
    $('error').hidden = true;
    $('error').textContent = '';
  }

  function setRunning(running) {
    $('run').disabled = running;
    $('running').hidden = !running;
    document.body.dataset.running = running ? 'true' : 'false';
  }

  function showResult(r) {
    $('stdout').textContent = r.stdout;
    $('stderr').textContent = r.stderr;
    $('status').textContent = r.status;
    $('exit-code').textContent = r.exit_code;
    $('time').textContent = r.execution_time_ms + ' ms';
    $('memory-used').textContent = r.memory_used_mb + ' MB';
    $('value').textContent = r.value === null ? '–' : JSON.stringify(r.value);
    const flags = [];
    if (r.metadata.timeout_hit) flags.push('TIMEOUT');
    if (r.metadata.memory_limit_hit) flags.push('MEMORY LIMIT');
    if (r.metadata.output_truncated) flags.push('OUTPUT TRUNCATED');
    for (const f of flags) {
      const s = document.createElement('span');
      s.textContent = f;
      $('flags').appendChild(s);
    }
    if (r.error) {
      $('error').hidden = false;
      $('error').textContent = (r.error.traceback || (r.error.type + ': ' + r.error.message));
    }
  }

  function showFailure(message) {
    $('status').textContent = 'failed';
    $('error').hidden = false;
    $('error').textContent = message;
  }

  async function run() {
    reset();
    setRunning(true);
    const limits = {};
    if ($('timeout').value) limits.timeoutMs = Number($('timeout').value);
    if ($('memory').value) limits.maxMemoryMB = Number($('memory').value);
    const body = { language: $('language').value, code: editor.getValue(), stdin: $('stdin').value, limits };
    try {
      const resp = await fetch('/api/v1/execute/stream', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!resp.ok) {
        const e = await resp.json().catch(() => ({ message: resp.statusText }));
        showFailure(`${resp.status}: ${e.message}`);
        return;
      }
      await readEvents(resp.body.getReader(), (name, data) => {
        if (name === 'stdout' || name === 'stderr') $(name).textContent += data.text;
        else if (name === 'result') showResult(data);
        else if (name === 'error') showFailure(`${data.status}: ${data.message}`);
      });
    } catch (e) {
      showFailure(String(e));
    } finally {
      setRunning(false);
    }
  }

  // Minimal Server-Sent Events parser over a fetch body (EventSource cannot POST).
  async function readEvents(reader, onEvent) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length) onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }

  $('run').addEventListener('click', run);
  editor.setOption('extraKeys', { 'Ctrl-Enter': run, 'Cmd-Enter': run });
  loadRuntimes().catch((e) => showFailure('cannot load runtimes: ' + e));
})();
