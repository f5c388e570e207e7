// Wasmbox JavaScript driver. Runs once per QuickJS instance, as an ES module, before the instance is
// snapshotted (JsGuestFactory); every later run calls the function it installs as __wasmbox_run.
//
// Protocol (see JsGuest): the host puts the GuestRequest JSON on WASI stdin and evaluates a tiny module,
// "__wasmbox_run();" (not awaited: a module whose evaluation rejects makes javy panic; the job queue,
// which javy runs to empty after the module, finishes the run). The driver reads the request, runs the code with indirect eval (sloppy global
// code: var and function declarations persist between runs), awaits a promise completion value, and
// sends the GuestResponse JSON back with java_invoke("wasmbox", "response", json). If no response
// arrives, the script's promise never settled.
//
// The request's mode says what to do: run code, invoke a function, read a global, test whether a name is
// callable, or only check code's syntax. Host functions bound on the sandbox are globals that send
// {"name","args"} with java_invoke("wasmbox", "call", json); the host answers on stdin with one frame,
// [u32 little-endian length][response JSON], which the driver reads right away (see JsGuest).
//
// The driver keeps its own references to every built-in it relies on, so user code that replaces
// JSON.stringify or Array.prototype.push breaks only its own script, not the protocol. Per-run state
// lives in function locals: QuickJS never frees a module's top-level bindings.

const hostCall = globalThis.java_invoke;
const readSync = Javy.IO.readSync;
const rawLog = console.log; // writes its string argument and "\n" to WASI fd 1
const rawError = console.error; // same, to fd 2

// Internal hooks are not for user code: the host call channel, raw fd access (which could read the
// driver's request channel on fd 0), and javy's plugin marker.
delete globalThis.java_invoke;
delete globalThis.Javy;
delete globalThis.plugin;

const indirectEval = globalThis.eval;
const stringify = JSON.stringify;
const parseJson = JSON.parse;
const Str = String;
const ErrorCtor = Error;
const InternalErrorCtor = globalThis.InternalError;
const ReferenceErrorCtor = ReferenceError;
const TypeErrorCtor = TypeError;
const SyntaxErrorCtor = SyntaxError;
const reflectApply = Reflect.apply;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const regexpTest = RegExp.prototype.test;
const PromiseCtor = Promise;
const ObjectCtor = Object;
const ArrayCtor = Array;
const MapCtor = Map;
const SetCtor = Set;
const DateCtor = Date;
const RegExpCtor = RegExp;
const ArrayBufferCtor = ArrayBuffer;
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const WeakMapCtor = WeakMap;
const WeakSetCtor = WeakSet;
const keysOf = Object.keys;
const getProto = Object.getPrototypeOf;
const defineProp = Object.defineProperty;
const freeze = Object.freeze;
const createObject = Object.create;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const numberIsInteger = Number.isInteger;
const numberIsFinite = Number.isFinite;
const call = Function.prototype.call.bind(Function.prototype.call);
const fnToString = Function.prototype.toString;
const objectToString = Object.prototype.toString;
const symbolToString = Symbol.prototype.toString;
const bigintToString = BigInt.prototype.toString;
const dateToISOString = Date.prototype.toISOString;
const regexpToString = RegExp.prototype.toString;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const getTime = Date.prototype.getTime;
const strSplit = String.prototype.split;
const strIndexOf = String.prototype.indexOf;
const strSlice = String.prototype.slice;
const strReplace = String.prototype.replace;
const regexpExec = RegExp.prototype.exec;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const MAX_DEPTH = 200; // the value returned to the host
const INSPECT_DEPTH = 2; // console output, as node prints nested objects
const INSPECT_ITEMS = 100;

// ---- the request channel ------------------------------------------------------------------------

const readBuffer = new Uint8Array(65536);

function readRequest() {
  const chunks = [];
  let total = 0;
  for (;;) {
    const n = readSync(0, readBuffer);
    if (n <= 0) break;
    chunks[chunks.length] = readBuffer.slice(0, n);
    total += n;
  }
  let bytes = chunks.length === 1 ? chunks[0] : new Uint8Array(total);
  if (chunks.length !== 1) {
    let offset = 0;
    for (let i = 0; i < chunks.length; i++) {
      bytes.set(chunks[i], offset);
      offset += chunks[i].length;
    }
  }
  return parseJson(decoder.decode(bytes));
}

// ---- host functions -------------------------------------------------------------------------------

/** What a failed host call throws in the guest: the host's message only, catchable like any error. */
class HostFunctionError extends ErrorCtor {}
defineProp(HostFunctionError.prototype, "name", { value: "HostFunctionError", writable: true, enumerable: false,
  configurable: true });
defineProp(globalThis, "HostFunctionError", { value: HostFunctionError, writable: true, enumerable: false,
  configurable: true });

/**
 * The host's reply to a call: one frame on WASI stdin, [u32 little-endian length][JSON]. The host serves
 * it before anything else and never joins it to other input in one read, so the driver reads exactly it.
 */
function readReply() {
  let n = readSync(0, readBuffer);
  while (n >= 0 && n < 4) {
    const more = readSync(0, readBuffer.subarray(n));
    if (more <= 0) { n = -1; break; }
    n += more;
  }
  if (n < 4) throw new HostFunctionError("the host call channel closed");
  const length = (readBuffer[0] | readBuffer[1] << 8 | readBuffer[2] << 16 | readBuffer[3] << 24) >>> 0;
  if (n === 4 + length) return decoder.decode(readBuffer.subarray(4, n));
  const body = new Uint8Array(length);
  body.set(readBuffer.subarray(4, n), 0);
  for (let got = n - 4; got < length;) {
    const r = readSync(0, body.subarray(got));
    if (r <= 0) throw new HostFunctionError("the host call channel closed");
    got += r;
  }
  return decoder.decode(body);
}

function callHost(name, args) {
  hostCall("wasmbox", "call", '{"name":' + stringify(name) + ',"args":' + toJson(args, 0, []) + "}");
  const response = parseJson(readReply());
  const error = response.error;
  if (error !== undefined && error !== null) {
    throw new HostFunctionError(error.message === undefined || error.message === null ? "host function failed"
        : Str(error.message));
  }
  return response.value;
}

/** The guest function of each bound name, made once: a plain global function named after it. */
const hostFunctions = new MapCtor();

function hostFunction(name) {
  let f = call(mapGet, hostFunctions, name);
  if (f === undefined) {
    f = { [name](...args) { return callHost(name, args); } }[name];
    call(mapSet, hostFunctions, name, f);
  }
  return f;
}

/** Defines the request's bound functions (again, if the script replaced one). */
function defineHostFunctions(names) {
  for (let i = 0; i < names.length; i++) {
    const name = Str(names[i]);
    const f = hostFunction(name);
    const current = getOwnDescriptor(globalThis, name);
    if (current !== undefined && current.value === f) continue;
    try {
      defineProp(globalThis, name, { value: f, writable: true, enumerable: false, configurable: true });
    } catch (e) { /* the script made the name non-configurable: it keeps its own */ }
  }
}

// ---- console output: readable values, like node's util.inspect for the common cases -------------

function quote(s) {
  // single quotes, as node prints strings nested in objects
  return "'" + call(strReplace, call(strReplace, s, /\\/g, "\\\\"), /'/g, "\\'") + "'";
}

function isIdentifier(key) {
  return call(regexpExec, /^[A-Za-z_$][A-Za-z0-9_$]*$/, key) !== null;
}

function functionLabel(f) {
  let source = "";
  try { source = call(fnToString, f); } catch (e) { /* a revoked proxy */ }
  const name = f.name ? Str(f.name) : "";
  if (call(regexpExec, /^class\b/, source) !== null) return name ? "[class " + name + "]" : "[class (anonymous)]";
  return name ? "[Function: " + name + "]" : "[Function (anonymous)]";
}

function errorLabel(e) {
  const stack = typeof e.stack === "string" ? userStack(e.stack) : "";
  const head = Str(e.name) + (e.message !== undefined && e.message !== "" ? ": " + Str(e.message) : "");
  return stack ? head + "\n" + call(strSlice, stack, 0, -1) : head;
}

function inspect(v, depth, seen) {
  switch (typeof v) {
    case "string": return depth === 0 ? v : quote(v);
    case "number": return v === 0 && 1 / v < 0 ? "-0" : Str(v);
    case "bigint": return call(bigintToString, v) + "n";
    case "symbol": return call(symbolToString, v);
    case "undefined": return "undefined";
    case "boolean": return v ? "true" : "false";
    case "function": return functionLabel(v);
  }
  if (v === null) return "null";
  if (v instanceof ErrorCtor) return depth === 0 ? errorLabel(v) : "[" + Str(v.name) + ": " + Str(v.message) + "]";
  if (v instanceof DateCtor) {
    const t = call(getTime, v);
    return t === t ? call(dateToISOString, v) : "Invalid Date";
  }
  if (v instanceof RegExpCtor) return call(regexpToString, v);
  if (v instanceof PromiseCtor) return "Promise {}";
  if (v instanceof WeakMapCtor) return "WeakMap { <items unknown> }";
  if (v instanceof WeakSetCtor) return "WeakSet { <items unknown> }";
  if (seen.indexOf(v) >= 0) return "[Circular]";
  if (depth > INSPECT_DEPTH) return isArray(v) ? "[Array]" : "[Object]";
  seen[seen.length] = v;
  try {
    return inspectContainer(v, depth, seen);
  } finally {
    seen.length--;
  }
}

function inspectContainer(v, depth, seen) {
  const parts = [];
  let prefix = "";
  let open = "{", close = "}";
  if (isArray(v) || (isView(v) && v instanceof TypedArrayProto.constructor)) {
    open = "[";
    close = "]";
    if (!isArray(v)) prefix = Str(v.constructor && v.constructor.name) + "(" + v.length + ") ";
    const n = v.length;
    for (let i = 0; i < n && i < INSPECT_ITEMS; i++) parts[parts.length] = i in v ? inspect(v[i], depth + 1, seen) : "<empty>";
    if (n > INSPECT_ITEMS) parts[parts.length] = "... " + (n - INSPECT_ITEMS) + " more items";
  } else if (v instanceof MapCtor) {
    prefix = "Map(" + v.size + ") ";
    const it = call(mapEntries, v);
    for (let e = it.next(); !e.done && parts.length < INSPECT_ITEMS; e = it.next()) {
      parts[parts.length] = inspect(e.value[0], depth + 1, seen) + " => " + inspect(e.value[1], depth + 1, seen);
    }
  } else if (v instanceof SetCtor) {
    prefix = "Set(" + v.size + ") ";
    const it = call(setValues, v);
    for (let e = it.next(); !e.done && parts.length < INSPECT_ITEMS; e = it.next()) {
      parts[parts.length] = inspect(e.value, depth + 1, seen);
    }
  } else if (v instanceof ArrayBufferCtor) {
    return "ArrayBuffer { byteLength: " + v.byteLength + " }";
  } else {
    const proto = getProto(v);
    const ctor = proto && proto.constructor;
    if (proto === null) prefix = "[Object: null prototype] ";
    else if (typeof ctor === "function" && ctor !== ObjectCtor && ctor.name) prefix = Str(ctor.name) + " ";
  }
  if (!isArray(v)) {
    const keys = keysOf(v);
    const skipIndexes = isView(v);
    for (let i = 0; i < keys.length && parts.length < INSPECT_ITEMS; i++) {
      const k = keys[i];
      if (skipIndexes && call(regexpExec, /^\d+$/, k) !== null) continue;
      parts[parts.length] = (isIdentifier(k) ? k : quote(k)) + ": " + inspect(v[k], depth + 1, seen);
    }
  }
  if (parts.length === 0) return prefix + open + close;
  let body = "";
  for (let i = 0; i < parts.length; i++) body += (i ? ", " : "") + parts[i];
  return prefix + open + " " + body + " " + close;
}

/** node's console.log formatting: printf-like %s %d %i %f %j %o %O %c %% in a leading string. */
function format(args) {
  let out = "";
  let first = 0;
  if (typeof args[0] === "string" && call(strIndexOf, args[0], "%") >= 0 && args.length > 1) {
    const f = args[0];
    let next = 1;
    first = 1;
    for (let i = 0; i < f.length; i++) {
      const c = f[i];
      if (c !== "%" || i + 1 >= f.length) { out += c; continue; }
      const d = f[i + 1];
      if (d === "%") { out += "%"; i++; continue; }
      if (next >= args.length || "sdifjoOc".indexOf(d) < 0) { out += c; continue; }
      const a = args[next++];
      i++;
      if (d === "s") out += typeof a === "string" ? a : inspect(a, 1, []);
      else if (d === "d" || d === "i") out += typeof a === "bigint" ? inspect(a, 0, []) : Str(d === "i" ? Math.trunc(Number(a)) : Number(a));
      else if (d === "f") out += Str(parseFloat(a));
      else if (d === "j") { try { out += stringify(a); } catch (e) { out += "[Circular]"; } }
      else if (d === "c") { /* CSS: ignored */ }
      else out += inspect(a, 1, []);
    }
    first = next;
  } else if (args.length > 0) {
    out = inspect(args[0], 0, []);
    first = 1;
  }
  for (let i = first; i < args.length; i++) out += " " + inspect(args[i], 0, []);
  return out;
}

function toStdout(...args) { rawLog(format(args)); }
function toStderr(...args) { rawError(format(args)); }

const guestConsole = {
  log: toStdout,
  info: toStdout,
  debug: toStdout,
  error: toStderr,
  warn: toStderr,
  trace(...args) { rawError("Trace" + (args.length ? ": " + format(args) : "") + "\n" + userStack(new ErrorCtor().stack)); },
  dir(v) { rawLog(inspect(v, 1, [])); },
  assert(condition, ...args) {
    if (!condition) rawError("Assertion failed" + (args.length ? ": " + format(args) : ""));
  },
};
defineProp(globalThis, "console", { value: guestConsole, writable: true, enumerable: false, configurable: true });
// print() as in qjs, d8, Rhino and Nashorn (and jrunscript -e 'print(1)')
defineProp(globalThis, "print", { value: toStdout, writable: true, enumerable: false, configurable: true });

// ---- the script's API: stdin, scriptArgs, env, exit ---------------------------------------------

/** Thrown by exit(code); the driver turns it into the run's exit code. */
class Exit {
  constructor(code) { this.code = code; }
}

function exit(code) {
  let status = 0;
  if (code === undefined || code === null) status = 0;
  else if (typeof code === "number" && numberIsInteger(code)) status = code;
  else { rawError(Str(code)); status = 1; } // like Python's sys.exit("message")
  throw new Exit(status);
}

/** The script's stdin: the request's text, or (stdinStream) WASI fd 0, read only as far as asked. */
function makeStdin(text, stream) {
  let pending = stream ? new Uint8Array(0) : encoder.encode(text);
  let ended = !stream;
  let start = 0; // pending[start..] is unread

  function fill() {
    if (ended) return false;
    const n = readSync(0, readBuffer);
    if (n <= 0) { ended = true; return false; }
    const merged = new Uint8Array(pending.length - start + n);
    merged.set(pending.subarray(start), 0);
    merged.set(readBuffer.subarray(0, n), pending.length - start);
    pending = merged;
    start = 0;
    return true;
  }

  return freeze({
    /** Everything not read yet. */
    read() {
      while (fill()) { /* to the end of input */ }
      const rest = pending.subarray(start);
      start = pending.length;
      return decoder.decode(rest);
    },
    /** The next line without its line break, or null at the end of input. */
    readLine() {
      let scanned = start;
      for (;;) {
        for (; scanned < pending.length; scanned++) {
          if (pending[scanned] === 10) {
            let end = scanned > start && pending[scanned - 1] === 13 ? scanned - 1 : scanned;
            const line = decoder.decode(pending.subarray(start, end));
            start = scanned + 1;
            return line;
          }
        }
        const offset = scanned - start;
        if (!fill()) break;
        scanned = start + offset;
      }
      if (start >= pending.length) return null;
      const last = decoder.decode(pending.subarray(start));
      start = pending.length;
      return last;
    },
  });
}

function setGlobal(name, value) {
  // A script that froze or sealed globalThis only loses the globals it did not keep: runs go on.
  try {
    defineProp(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  } catch (e) {
    // not configurable any more
  }
}

function prepare(request) {
  const stdin = makeStdin(request.stdin || "", request.stdinStream === true);
  setGlobal("stdin", stdin);
  setGlobal("readLine", stdin.readLine);
  setGlobal("scriptArgs", [request.fileName || "<script>", ...(request.args || [])]);
  const env = createObject(null);
  const hostEnv = request.env || {};
  const names = keysOf(hostEnv);
  for (let i = 0; i < names.length; i++) env[names[i]] = hostEnv[names[i]];
  setGlobal("env", freeze(env));
  setGlobal("exit", exit);
  const globals = request.globals || {};
  const globalNames = keysOf(globals);
  for (let i = 0; i < globalNames.length; i++) {
    try {
      globalThis[globalNames[i]] = globals[globalNames[i]];
    } catch (e) {
      // a frozen globalThis in sloppy code ignores the write; strict accessors may throw
    }
  }
  defineHostFunctions(request.hostFunctions || []);
}

// ---- the other modes: invoke, global, callable, check ------------------------------------------------

/** A global, or a property path below one ("calc.add"), with the object it was read from. */
function resolve(path) {
  const parts = call(strSplit, Str(path), ".");
  const head = parts[0];
  if (!(head in globalThis)) throw new ReferenceErrorCtor("'" + head + "' is not defined");
  let self = undefined;
  let value = globalThis[head];
  for (let i = 1; i < parts.length; i++) {
    if (value === null || value === undefined) {
      throw new TypeErrorCtor("cannot read property '" + parts[i] + "' of " + value);
    }
    self = value;
    value = value[parts[i]];
  }
  return { self, value };
}

function invoke(path, args) {
  const target = resolve(path);
  if (typeof target.value !== "function") throw new TypeErrorCtor(Str(path) + " is not a function");
  return reflectApply(target.value, target.self, args);
}

/**
 * Direct eval inside a sloppy arrow function at global level: eval code is parsed exactly as the run's
 * indirect eval parses a script (return, new.target and super are errors; a "use strict" directive
 * counts), and its declarations land in the arrow's scope, not in the global object. The `eval` binding is
 * the driver's own, so a script replacing globalThis.eval cannot intercept it.
 */
const evalInArrow = indirectEval("(eval) => (code) => eval(code)")(indirectEval);

/** Whether code starts with a "use strict" directive (its directive prologue, as the spec defines it). */
function hasUseStrict(code) {
  const skip = /^(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*/;
  const literal = /^(?:"((?:[^"\\\n\r]|\\[\s\S])*)"|'((?:[^'\\\n\r]|\\[\s\S])*)')/;
  let rest = code;
  for (;;) {
    rest = call(strSlice, rest, call(regexpExec, skip, rest)[0].length);
    const m = call(regexpExec, literal, rest);
    if (m === null) return false;
    rest = call(strSlice, rest, m[0].length);
    const gap = call(regexpExec, skip, rest)[0];
    const next = call(strSlice, rest, gap.length);
    // the literal is a statement of its own only if nothing continues its expression
    const ends = next === "" || next[0] === ";" || next[0] === "}"
        || (call(regexpTest, /[\n\r\u2028\u2029]/, gap)
            && !call(regexpTest, /^(?:[-+*\/%&|^<>=,?.(\[`]|!=|in\b|instanceof\b)/, next));
    if (!ends) return false;
    if ((m[1] !== undefined ? m[1] : m[2]) === "use strict") return true;
    rest = next[0] === ";" ? call(strSlice, next, 1) : next;
  }
}

/** Length of what check() put before the code on line 1, to give columns as in the code itself. */
let checkPrefixLength = 0;

/** Compiles code as a run would, without running any of it: the eval stops at a leading throw. */
function check(code) {
  let source = Str(code);
  if (call(strSlice, source, 0, 2) === "#!") source = "//" + call(strSlice, source, 2); // a hashbang line
  // on line 1, so that error lines are the code's own
  const prefix = (hasUseStrict(source) ? '"use strict";' : "") + "throw 0;";
  checkPrefixLength = prefix.length;
  try {
    evalInArrow(prefix + source);
  } catch (e) {
    if (e === 0) return;
    throw e;
  }
}

/** A syntax error as a run reports it: its message and the place in the code, without the checker's frame. */
function describeCheck(e) {
  const d = describe(e);
  if (!(e instanceof SyntaxErrorCtor)) return d;
  const lines = call(strSplit, d.stack, "\n");
  let where = lines.length > 2 && call(strIndexOf, lines[1], "<input>:") >= 0 ? lines[1] + "\n" : "";
  where = call(strReplace, where, /<input>:1:(\d+)/, (m, column) => "<input>:1:" + (column > checkPrefixLength
      ? column - checkPrefixLength : 1));
  d.stack = lines[0] + "\n" + where;
  return d;
}

/** What the request asks for; a promise from run or invoke is awaited by the caller. */
function perform(request) {
  const mode = request.mode || "run";
  switch (mode) {
    case "run":
      if (request.prelude) indirectEval(request.prelude);
      return indirectEval(request.code);
    case "invoke":
      return invoke(request.target, request.invokeArgs || []);
    case "global":
      return resolve(request.target).value;
    case "callable":
      try {
        return typeof resolve(request.target).value === "function";
      } catch (e) {
        return false;
      }
    case "check":
      check(request.code);
      return undefined;
    default:
      throw new TypeErrorCtor("unknown request mode " + mode);
  }
}

// ---- values and errors for the host ---------------------------------------------------------------

/** The value as JSON text. What JSON cannot express becomes a readable string (console formatting). */
function toJson(v, depth, seen) {
  switch (typeof v) {
    case "undefined": return "null";
    case "boolean": return v ? "true" : "false";
    case "string": return stringify(v);
    case "bigint": return call(bigintToString, v);
    case "number":
      if (v !== v) return "NaN";
      if (!numberIsFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
      // integers beyond 1e21 would print in exponent form; BigInt gives their exact digits
      if (numberIsInteger(v) && (v >= 1e21 || v <= -1e21)) return call(bigintToString, BigInt(v));
      return Str(v);
    case "symbol":
    case "function": return stringify(inspect(v, 1, []));
  }
  if (v === null) return "null";
  if (seen.indexOf(v) >= 0) return '"[Circular]"';
  if (depth > MAX_DEPTH) return stringify(inspect(v, 1, []));
  if (typeof v.toJSON === "function") return toJson(v.toJSON(), depth + 1, seen);
  if (v instanceof ErrorCtor || v instanceof RegExpCtor || v instanceof PromiseCtor || v instanceof WeakMapCtor
      || v instanceof WeakSetCtor) {
    return stringify(inspect(v, 1, []));
  }
  seen[seen.length] = v;
  try {
    let out = "";
    if (isArray(v) || (isView(v) && v instanceof TypedArrayProto.constructor)) {
      for (let i = 0; i < v.length; i++) out += (i ? "," : "") + toJson(v[i], depth + 1, seen);
      return "[" + out + "]";
    }
    if (v instanceof SetCtor) {
      const it = call(setValues, v);
      let i = 0;
      for (let e = it.next(); !e.done; e = it.next()) out += (i++ ? "," : "") + toJson(e.value, depth + 1, seen);
      return "[" + out + "]";
    }
    if (v instanceof MapCtor) {
      const it = call(mapEntries, v);
      let i = 0;
      for (let e = it.next(); !e.done; e = it.next()) {
        const key = typeof e.value[0] === "string" ? e.value[0] : inspect(e.value[0], 1, []);
        out += (i++ ? "," : "") + stringify(key) + ":" + toJson(e.value[1], depth + 1, seen);
      }
      return "{" + out + "}";
    }
    const keys = keysOf(v);
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const item = v[keys[i]];
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue; // as JSON.stringify
      out += (n++ ? "," : "") + stringify(keys[i]) + ":" + toJson(item, depth + 1, seen);
    }
    return "{" + out + "}";
  } finally {
    seen.length--;
  }
}

/** The stack without the driver's frames (they come last: the driver module and the eval it calls). */
function userStack(stack) {
  const lines = call(strSplit, stack, "\n");
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || call(strIndexOf, line, "function.mjs") >= 0) continue;
    kept[kept.length] = line;
  }
  while (kept.length && kept[kept.length - 1] === "    at eval (native)") kept.length--;
  let out = "";
  for (let i = 0; i < kept.length; i++) out += kept[i] + "\n";
  return out;
}

function describe(e) {
  if (e instanceof ErrorCtor) {
    const type = Str(e.name);
    const message = e.message === undefined ? "" : Str(e.message);
    const frames = typeof e.stack === "string" ? userStack(e.stack) : "";
    const where = call(regexpExec, /<input>:(\d+):\d+/, frames);
    return {
      type,
      message,
      stack: (message ? type + ": " + message : type) + "\n" + frames,
      line: where !== null ? +where[1] : -1,
    };
  }
  const text = "Uncaught " + inspect(e, 1, []);
  return { type: "Error", message: text, stack: text + "\n", line: -1 };
}

/**
 * The error report as JSON text built from its primitive fields: JSON.stringify of an object would call
 * a toJSON a script put on Object.prototype.
 */
function errorJson(error) {
  if (error === null) return "null";
  return '{"type":' + stringify(Str(error.type)) + ',"message":' + stringify(Str(error.message))
      + ',"stack":' + stringify(Str(error.stack)) + ',"line":' + (+error.line | 0) + "}";
}

function isOutOfMemory(e) {
  return InternalErrorCtor !== undefined && e instanceof InternalErrorCtor && e.message === "out of memory";
}

// ---- one run ----------------------------------------------------------------------------------------

/** Runs are numbered so that a run whose promise never settled cannot answer for a later run. */
let currentRun = 0;

async function run() {
  // Only the host's runner module may start a run (a script calling this would read its own stdin as a
  // request): its top-level frame is the only caller at function.mjs line 1, a place scripts cannot reach.
  const caller = call(strSplit, new ErrorCtor().stack, "\n")[1];
  if (caller === undefined || call(strIndexOf, caller, "(function.mjs:1:") < 0) {
    throw new TypeError("__wasmbox_run is the driver's, not callable from scripts");
  }
  const request = readRequest();
  const id = ++currentRun;
  let value = "null", exitCode = 0, error = null, outOfMemory = false;
  const awaits = request.mode === "run" || request.mode === "invoke" || !request.mode;
  try {
    prepare(request);
    let v = perform(request);
    if (awaits && v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function") {
      v = await v;
    }
    value = toJson(v, 0, []);
  } catch (e) {
    if (e instanceof Exit) {
      exitCode = e.code;
    } else {
      exitCode = 1;
      outOfMemory = isOutOfMemory(e);
      try {
        error = request.mode === "check" ? describeCheck(e) : describe(e);
      } catch (inner) {
        error = { type: outOfMemory ? "InternalError" : "Error", message: outOfMemory ? "out of memory"
            : "the error could not be described", stack: "", line: -1 };
      }
    }
  }
  if (id !== currentRun) return;
  let response;
  try {
    response = '{"value":' + value + ',"exitCode":' + exitCode + ',"outOfMemory":' + outOfMemory
        + ',"error":' + errorJson(error) + "}";
  } catch (e) {
    response = '{"value":null,"exitCode":1,"outOfMemory":' + isOutOfMemory(e)
        + ',"error":{"type":"InternalError","message":"the result could not be returned","stack":"","line":-1}}';
  }
  hostCall("wasmbox", "response", response);
}

defineProp(globalThis, "__wasmbox_run", { value: run, writable: false, enumerable: false, configurable: false });
