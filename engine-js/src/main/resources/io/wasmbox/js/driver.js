// Wasmbox JavaScript driver: a function expression, evaluated once per QuickJS instance before the instance
// is snapshotted (JsGuestFactory) and called with the host function and evalScript (indirect eval that keeps
// the compiled form of recent sources, made in C); it returns {run, tick, finish}, which
// only the host holds. Nothing of it is reachable from scripts but the globals it defines on purpose.
//
// Protocol (see JsGuest): the host calls run(REQUEST, requestJson) (or a plain form, see run). It prepares the run's globals and runs the code
// with indirect eval (sloppy global code: var and function declarations persist between runs; top-level
// let/const/class stay local to the run). If everything settled at once it returns the response JSON;
// else it returns "" and the host runs the event loop: QuickJS's pending jobs, then tick() for the next
// timer (tick fires the earliest due timer and returns 0, or returns the milliseconds until one is due, or
// -1 when no timer is left), until neither is left; finish() then returns the response JSON. A completion
// value that is a promise (or thenable) is awaited; one that never settles is an error.
//
// host(op, text) is the driver's only way out (OP_* below): host calls ({"name","args"} JSON in, the
// value or the failure out, see callHost), output, the run's stdin stream, the clock (virtual time when the sandbox's clock
// is frozen: the host advances it to each timer's deadline instead of waiting), top-level-await evaluation,
// and the random seed.
//
// The driver keeps its own references to every built-in it relies on, so user code that replaces
// JSON.stringify or Array.prototype.push breaks only its own script, not the protocol.
(function (host, evalScript) {
"use strict";

const OP_CALL = 0, OP_STDOUT = 1, OP_STDERR = 2, OP_READ = 3, OP_NOW = 4, OP_EVAL_ASYNC = 5, OP_SEED = 6,
    OP_MONOTONIC = 7, OP_VALUE = 8;

const indirectEval = globalThis.eval;
const stringify = JSON.stringify;
const parseJson = JSON.parse;
const Str = String;
const ErrorCtor = Error;
const InternalErrorCtor = globalThis.InternalError;
const ReferenceErrorCtor = ReferenceError;
const TypeErrorCtor = TypeError;
const SyntaxErrorCtor = SyntaxError;
const RangeErrorCtor = RangeError;
const reflectApply = Reflect.apply;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;
const regexpTest = RegExp.prototype.test;
const PromiseCtor = Promise;
const promiseThen = Promise.prototype.then;
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
const hasOwn = Object.hasOwn;
const getProto = Object.getPrototypeOf;
const defineProp = Object.defineProperty;
const freeze = Object.freeze;
const createObject = Object.create;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const numberIsInteger = Number.isInteger;
const numberIsFinite = Number.isFinite;
const mathTrunc = Math.trunc;
const mathMax = Math.max;
const call = Function.prototype.call.bind(Function.prototype.call);
const fnToString = Function.prototype.toString;
const objectToString = Object.prototype.toString;
const symbolToString = Symbol.prototype.toString;
const bigintToString = BigInt.prototype.toString;
const BigIntCtor = BigInt;
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

const MAX_DEPTH = 200; // the value returned to the host
const INSPECT_DEPTH = 2; // console output, as node prints nested objects
const INSPECT_ITEMS = 100;

// ---- host functions -------------------------------------------------------------------------------

/** What a failed host call throws in the guest: the host's message only, catchable like any error. */
class HostFunctionError extends ErrorCtor {}
defineProp(HostFunctionError.prototype, "name", { value: "HostFunctionError", writable: true, enumerable: false,
  configurable: true });
defineProp(globalThis, "HostFunctionError", { value: HostFunctionError, writable: true, enumerable: false,
  configurable: true });

/**
 * The arguments of a host call as a JSON array: strings, booleans and plain numbers (the common case) without
 * toJson's object checks, anything else through toJson.
 */
function argumentsJson(args) {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    const type = typeof v;
    let json;
    if (type === "string") json = stringify(v);
    else if (type === "number" && v < 1e21 && v > -1e21) json = Str(v); // finite and not in exponent form
    else if (type === "boolean") json = v ? "true" : "false";
    else json = valueJson(v, 1);
    out += i === 0 ? json : "," + json;
  }
  return "[" + out + "]";
}

/**
 * A host call. The host answers a number as a number; anything else as a string whose first character says
 * what follows: "s" a string, "j" JSON (objects, arrays, null, booleans, strings holding a NUL, which cannot
 * cross as a C string), "e" the failure's message ("E" as a JSON string).
 */
function callHost(name, args) {
  const reply = host(OP_CALL, '{"name":' + stringify(name) + ',"args":' + argumentsJson(args) + "}");
  if (typeof reply !== "string") return reply;
  const rest = call(strSlice, reply, 1);
  switch (reply[0]) {
    case "s": return rest;
    case "j": return parseJson(rest);
    case "E": throw new HostFunctionError(parseJson(rest)); // a message holding a NUL, as a JSON string
    default: throw new HostFunctionError(rest === "" ? "host function failed" : rest);
  }
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

/** The guest functions of the bound names, in their order. */
function hostFunctionsOf(names) {
  const fns = [];
  for (let i = 0; i < names.length; i++) fns[i] = hostFunction(Str(names[i]));
  return fns;
}

/**
 * Defines the bound functions (again, where the script replaced one). The check reads the global: a getter a
 * script put under a bound name runs (its own code, in its own run) and is then replaced like any other value.
 */
function defineHostFunctions(names, fns) {
  for (let i = 0; i < names.length; i++) {
    const f = fns[i];
    try {
      if (globalThis[names[i]] === f) continue;
    } catch (e) { /* a throwing getter: replaced below */ }
    try {
      defineProp(globalThis, names[i], { value: f, writable: true, enumerable: false, configurable: true });
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


/** Text for the host: a NUL cannot cross as a C string, so such text crosses as a JSON string (op + 16). */
function write(op, text) {
  if (call(strIndexOf, text, "\0") < 0) host(op, text);
  else host(op + 16, stringify(text));
}
function rawLog(text) { write(OP_STDOUT, text + "\n"); }
function rawError(text) { write(OP_STDERR, text + "\n"); }
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

// ---- Math.random: seeded per sandbox (QuickJS seeds it once, in the snapshot every sandbox shares) ----

const imul = Math.imul;
const mathFloor = Math.floor;
let s0 = 0, s1 = 0, s2 = 0, s3 = 0, seeded = false;

function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }

/** xoshiro128**: 32 random bits. */
function next32() {
  const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

function random() {
  if (!seeded) {
    const seed = host(OP_SEED); // an integer below 2^53
    s0 = seed >>> 0;
    s1 = (mathFloor(seed / 4294967296) ^ 0x9E3779B9) | 0;
    s2 = 0x243F6A88;
    s3 = 0xB7E15162 | 0;
    seeded = true;
    for (let i = 0; i < 8; i++) next32();
  }
  return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}
defineProp(Math, "random", { value: random, writable: true, enumerable: false, configurable: true });

// ---- timers: setTimeout, setInterval, queueMicrotask; performance.now --------------------------------

/** Pending timers, in firing order: by deadline, then by creation. */
const timers = [];
let timerSeq = 0;

function now() { return host(OP_NOW); }

/** The event loop's time, read when the run starts and before each timer: what setTimeout counts from, as in node. */
let loopTime = 0;

function schedule(timer) {
  let i = timers.length;
  while (i > 0 && (timers[i - 1].due > timer.due || (timers[i - 1].due === timer.due && timers[i - 1].seq > timer.seq))) {
    timers[i] = timers[i - 1];
    i--;
  }
  timers[i] = timer;
}

function addTimer(fn, ms, args, repeat) {
  if (typeof fn !== "function") throw new TypeErrorCtor("the callback must be a function");
  let delay = +ms;
  if (!(delay >= 1) || !numberIsFinite(delay)) delay = delay > 0 ? 1 : 0;
  if (delay > 2147483647) delay = 1; // as node
  const id = ++timerSeq;
  if (loopTime < 0) loopTime = now();
  schedule({ id, seq: id, due: loopTime + delay, fn, args, interval: repeat ? mathMax(1, delay) : -1 });
  return id;
}

function clearTimer(id) {
  for (let i = 0; i < timers.length; i++) {
    if (timers[i].id === id) {
      for (let j = i; j < timers.length - 1; j++) timers[j] = timers[j + 1];
      timers.length--;
      return;
    }
  }
}

function setTimeoutFn(fn, ms, ...args) { return addTimer(fn, ms, args, false); }
function setIntervalFn(fn, ms, ...args) { return addTimer(fn, ms, args, true); }
function clearTimerFn(id) { if (typeof id === "number") clearTimer(id); }
defineProp(globalThis, "setTimeout", { value: setTimeoutFn, writable: true, enumerable: false, configurable: true });
defineProp(globalThis, "setInterval", { value: setIntervalFn, writable: true, enumerable: false, configurable: true });
defineProp(globalThis, "clearTimeout", { value: clearTimerFn, writable: true, enumerable: false, configurable: true });
defineProp(globalThis, "clearInterval", { value: clearTimerFn, writable: true, enumerable: false, configurable: true });

/** The first error a timer or microtask callback threw and nobody caught: the run's error, as in node. */
let uncaught = null;

function noteUncaught(e) {
  if (uncaught === null) uncaught = exhausted(e) ? { outOfMemory: true } : { error: e };
  if (e instanceof Exit || uncaught.outOfMemory) timers.length = 0; // both end the run, as they end a process
}

const RESOLVED = PromiseCtor.resolve();

/** A job on QuickJS's job queue, which the host runs before the next timer. */
function queueMicrotask(callback) {
  if (typeof callback !== "function") throw new TypeErrorCtor("the callback must be a function");
  call(promiseThen, RESOLVED, () => {
    try {
      callback();
    } catch (e) {
      noteUncaught(e);
    }
  });
}
defineProp(globalThis, "queueMicrotask", { value: queueMicrotask, writable: true, enumerable: false, configurable: true });

/** Milliseconds since the sandbox was created, on the sandbox's clock (virtual time when it is frozen). */
function performanceNow() { return host(OP_MONOTONIC); }
const performance = {
  now: performanceNow,
  get timeOrigin() { return now() - performanceNow(); },
};
defineProp(globalThis, "performance", { value: performance, writable: true, enumerable: true, configurable: true });

/** Fires the earliest timer if it is due (0), or says how long until it is (ms), or that none is left (-1). */
function tick() {
  if (timers.length === 0) return -1;
  const first = timers[0];
  loopTime = now();
  const wait = first.due - loopTime;
  if (wait > 0) return wait;
  for (let j = 0; j < timers.length - 1; j++) timers[j] = timers[j + 1];
  timers.length--;
  if (first.interval >= 0) {
    first.due = first.due + first.interval;
    first.seq = ++timerSeq;
    schedule(first);
  }
  try {
    reflectApply(first.fn, undefined, first.args);
  } catch (e) {
    noteUncaught(e);
  }
  return 0;
}

// ---- the script's API: stdin, scriptArgs, env, exit ---------------------------------------------

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


/** The script's stdin: the request's text, or (stdinStream) the host's stream, read only as far as asked. */
function makeStdin(text, stream) {
  let pending = stream ? "" : text;
  let ended = !stream;

  function fill() {
    if (ended) return false;
    const chunk = host(OP_READ);
    if (chunk === undefined) { ended = true; return false; }
    pending += chunk;
    return true;
  }

  return freeze({
    /** Everything not read yet. */
    read() {
      while (fill()) { /* to the end of input */ }
      const rest = pending;
      pending = "";
      return rest;
    },
    /** The next line without its line break, or null at the end of input. */
    readLine() {
      let scanned = 0;
      for (;;) {
        const nl = call(strIndexOf, pending, "\n", scanned);
        if (nl >= 0) {
          const end = nl > 0 && pending[nl - 1] === "\r" ? nl - 1 : nl;
          const line = call(strSlice, pending, 0, end);
          pending = call(strSlice, pending, nl + 1);
          return line;
        }
        scanned = pending.length;
        if (!fill()) break;
      }
      if (pending.length === 0) return null;
      const last = pending;
      pending = "";
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

/**
 * The run's globals of a plain run (no stdin, args or environment), kept while the script leaves them as
 * they were: most runs are plain, and defining five globals costs more than the run of a small script.
 */
let plainRun = null;
const NO_ARGS = freeze([]);
const NO_ENV = freeze(createObject(null));
/** What a plain run stands for: run its code with no stdin, args, environment, prelude or globals. */
const PLAIN = freeze(createObject(null));
/** The bound host functions' names for plain runs: the host sends them only when they change. */
let plainHostNames = NO_ARGS;
let plainHostFunctions = NO_ARGS;

function plainGlobalsIntact(p, fileName) {
  return p.fileName === fileName && globalThis.stdin === p.stdin && globalThis.readLine === p.stdin.readLine
      && globalThis.scriptArgs === p.scriptArgs && p.scriptArgs.length === 1 && p.scriptArgs[0] === fileName
      && globalThis.env === p.env && globalThis.exit === exit;
}

function prepare(request) {
  if (request === PLAIN && plainRun !== null && plainGlobalsIntact(plainRun, "<script>")) {
    // the common case in short: the plain run's globals are still in place
    if (plainHostNames.length !== 0) defineHostFunctions(plainHostNames, plainHostFunctions);
    return;
  }
  const stdinText = request.stdin || "";
  const stream = request.stdinStream === true;
  const fileName = request.fileName || "<script>";
  const args = request.args || NO_ARGS;
  const hostEnv = request.env || NO_ENV;
  const names = keysOf(hostEnv);
  const plain = stdinText === "" && !stream && args.length === 0 && names.length === 0;
  if (!plain || plainRun === null || !plainGlobalsIntact(plainRun, fileName)) {
    const stdin = makeStdin(stdinText, stream);
    setGlobal("stdin", stdin);
    setGlobal("readLine", stdin.readLine);
    const scriptArgs = [fileName, ...args];
    setGlobal("scriptArgs", scriptArgs);
    const env = createObject(null);
    for (let i = 0; i < names.length; i++) env[names[i]] = hostEnv[names[i]];
    freeze(env);
    setGlobal("env", env);
    setGlobal("exit", exit);
    plainRun = plain ? { fileName, stdin, scriptArgs, env } : null;
  }
  const globals = request.globals;
  if (globals) {
    const globalNames = keysOf(globals);
    for (let i = 0; i < globalNames.length; i++) {
      try {
        globalThis[globalNames[i]] = globals[globalNames[i]];
      } catch (e) {
        // a frozen globalThis ignores the write in sloppy code; strict accessors may throw
      }
    }
  }
  if (request === PLAIN) {
    if (plainHostNames.length !== 0) defineHostFunctions(plainHostNames, plainHostFunctions);
  } else if (request.hostFunctions && request.hostFunctions.length !== 0) {
    const names = request.hostFunctions;
    defineHostFunctions(names, hostFunctionsOf(names));
  }
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
  const name = Str(path);
  if (call(strIndexOf, name, ".") < 0) {
    // a global function, the common case: no split, no {self, value} object
    if (!(name in globalThis)) throw new ReferenceErrorCtor("'" + name + "' is not defined");
    const f = globalThis[name];
    if (typeof f !== "function") throw new TypeErrorCtor(name + " is not a function");
    return reflectApply(f, undefined, args);
  }
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
      if (request.prelude) evalScript(request.prelude);
      return evalScript(request.code);
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

/** Thrown by plainJson when the value needs toJson. */
const NOT_PLAIN = freeze(createObject(null));
const ObjectProto = Object.prototype;
const ArrayProto = Array.prototype;
/** The objects from the value down to the one plainJson is in (JSON.stringify walks depth first). */
let plainPath = null;
let plainBaseDepth = 0;

/**
 * JSON.stringify's replacer for plain data: object literals, arrays and null-prototype objects of strings,
 * finite numbers below 1e21, booleans and null, at most MAX_DEPTH deep. Anything else (BigInt, NaN, Map,
 * class instances, functions in arrays...) throws NOT_PLAIN.
 */
function plainJson(key, value) {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return value;
    case "number":
      if (value < 1e21 && value > -1e21) return value; // NaN fails both
      throw NOT_PLAIN;
    case "object": {
      if (value === null) return value;
      const proto = getProto(value);
      if (proto !== ObjectProto && proto !== ArrayProto && proto !== null) throw NOT_PLAIN;
      // this is the holder: an object on the path (or the root's wrapper, when the path is empty)
      const path = plainPath;
      let depth = path.length;
      while (depth > 0 && path[depth - 1] !== this) depth--;
      if (depth + plainBaseDepth > MAX_DEPTH) throw NOT_PLAIN;
      path.length = depth;
      path[depth] = value;
      return value;
    }
    default: // bigint, symbol, function
      // an object's function- or symbol-valued property is left out, as toJson leaves it out
      if (typeof value !== "bigint" && plainPath.length !== 0 && !isArray(this)) return undefined;
      throw NOT_PLAIN;
  }
}

/**
 * The value as JSON text, as toJson writes it: plain data through the engine's own JSON.stringify (several
 * times faster than toJson's interpreted walk), the rest through toJson. Whatever stops JSON.stringify (not
 * plain data, a circular reference, a getter or toJSON that throws) sends the value to toJson, which gives
 * the readable form or the error.
 */
function valueJson(v, depth) {
  plainPath = [];
  plainBaseDepth = depth;
  try {
    const json = stringify(v, plainJson);
    return json === undefined ? "null" : json;
  } catch (e) {
    // toJson below
  } finally {
    plainPath = null;
  }
  return toJson(v, depth, []);
}

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
    if (line === "" || call(strIndexOf, line, "wasmbox:") >= 0) continue;
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
      syntax: e instanceof SyntaxErrorCtor,
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
      + ',"stack":' + stringify(Str(error.stack)) + ',"line":' + (+error.line | 0)
      + ',"syntax":' + (error.syntax === true) + "}";
}

function isOutOfMemory(e) {
  return InternalErrorCtor !== undefined && e instanceof InternalErrorCtor && e.message === "out of memory";
}


// ---- top-level await ------------------------------------------------------------------------------

/** True when code fails to parse as a script but parses as an async one: it uses top-level await. */
function needsAsync(code, error) {
  if (!(error instanceof SyntaxErrorCtor) || call(strIndexOf, code, "await") < 0) return false;
  return true;
}

/** Runs code that uses top-level await: an async global script (QuickJS's JS_EVAL_FLAG_ASYNC). */
function evalAsync(code) {
  // the promise resolves to {value: completion value}
  return call(promiseThen, host(OP_EVAL_ASYNC, code), (box) => box.value);
}

function runCode(code) {
  try {
    return evalScript(code);
  } catch (e) {
    if (!needsAsync(code, e)) throw e;
    let p;
    try {
      p = evalAsync(code);
    } catch (asyncError) {
      throw e; // not an await problem after all: the script's own syntax error
    }
    return p;
  }
}

// ---- one run ----------------------------------------------------------------------------------------

/** Runs are numbered so that a run whose promise never settled cannot answer for a later run. */
let currentRun = 0;
/** The current run's outcome, once its completion value settled. */
let outcome = null;
/** The outcome of a run that succeeded (its value set by settle), reused: read before the next run. */
const SUCCESS = { value: "null", exitCode: 0, error: null, outOfMemory: false };
/** The outcome of a run whose value the host took in binary form: "\u0001" is never JSON text. */
const TAKEN = freeze({ value: "\u0001", exitCode: 0, error: null, outOfMemory: false });

/**
 * Offers a plain value to the host, which reads it in QuickJS's binary object format (written in C: no
 * number formatting, no replacer call per property) and refuses what JSON text would show differently.
 * The host's writer refuses getters, functions, symbols, Maps, proxies... without calling anything; it
 * answers 2 when it also found every object plain (Object.prototype, null or Array.prototype, neither with
 * a toJSON), else 1 and the value is walked here, so no getter runs twice. Class instances and other prototypes are not
 * offered (their toJSON, own or inherited, would be skipped), nor is anything while Object.prototype or
 * Array.prototype has a toJSON of its own.
 */
function takenByHost(v) {
  const taken = host(OP_VALUE, v);
  if (taken === 2) return true; // the writer saw only plain objects and arrays, and no toJSON on their prototypes
  if (taken !== 1) return false;
  if (hasOwn(ObjectProto, "toJSON") || hasOwn(ArrayProto, "toJSON")) return false;
  return plainObjects(v, 0);
}

/** True when every object in v (data properties only, as the host's read showed) is plain or an array. */
function plainObjects(v, depth) {
  if (depth > MAX_DEPTH) return false;
  const proto = getProto(v);
  if (proto === ArrayProto) {
    if (!isArray(v)) return false;
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (item !== null && typeof item === "object" && !plainObjects(item, depth + 1)) return false;
    }
    return true;
  }
  if (proto !== ObjectProto && proto !== null) return false;
  const keys = keysOf(v);
  for (let i = 0; i < keys.length; i++) {
    const item = v[keys[i]];
    if (item !== null && typeof item === "object" && !plainObjects(item, depth + 1)) return false;
  }
  return true;
}
let currentMode = "run";

/**
 * True when QuickJS cannot allocate even a little: what a thrown null means when memory ran out so far
 * that QuickJS could not make its own out-of-memory error. Asked before the run's garbage is dropped.
 */
function exhausted(e) {
  if (e !== null && e !== undefined) return false;
  try {
    new ArrayBufferCtor(262144);
    return false;
  } catch (probe) {
    return true;
  }
}

const OUT_OF_MEMORY = { value: "null", exitCode: 1, outOfMemory: true, error: { type: "InternalError",
  message: "out of memory", stack: "InternalError: out of memory\n", line: -1 } };

function settle(id, v, e, failed) {
  if (id !== currentRun || outcome !== null) return;
  if (failed && exhausted(e)) {
    timers.length = 0;
    outcome = OUT_OF_MEMORY;
    return;
  }
  if (failed) timers.length = 0; // an uncaught error ends the run, as it ends a node process
  if (!failed) {
    try {
      const type = typeof v;
      if (type === "object" && v !== null && takenByHost(v)) {
        outcome = TAKEN;
        return;
      }
      const json = type === "number" && v < 1e21 && v > -1e21 ? Str(v) : type === "string" ? stringify(v)
          : v === undefined || v === null ? "null" : valueJson(v, 0);
      SUCCESS.value = json; // one object for every success: a literal costs ~2 µs at this speed
      outcome = SUCCESS;
      return;
    } catch (err) {
      e = err; // a result that cannot be mapped (a throwing toJSON, out of memory) fails the run
    }
  }
  timers.length = 0;
  outcome = report(e);
}

function report(e) {
  if (e instanceof Exit) return { value: "null", exitCode: e.code, error: null, outOfMemory: false };
  const outOfMemory = isOutOfMemory(e);
  let error;
  try {
    error = currentMode === "check" ? describeCheck(e) : describe(e);
  } catch (inner) {
    error = { type: outOfMemory ? "InternalError" : "Error", message: outOfMemory ? "out of memory"
        : "the error could not be described", stack: "", line: -1 };
  }
  return { value: "null", exitCode: 1, error, outOfMemory };
}

/**
 * The response for the host: a success (exit code 0, no error) is its value's JSON alone, the common case the
 * host reads without a wrapper; anything else is "!" and the whole response as JSON. A value's JSON never
 * starts with "!", and "" (work left) is neither.
 */
function responseJson(o) {
  if (o.exitCode === 0 && o.error === null && o.outOfMemory !== true) return o.value === null ? "null" : o.value;
  try {
    return '!{"value":' + (o.value === null ? "null" : o.value) + ',"exitCode":' + (o.exitCode | 0)
        + ',"outOfMemory":' + (o.outOfMemory === true) + ',"error":' + errorJson(o.error) + "}";
  } catch (e) {
    return '!{"value":null,"exitCode":1,"outOfMemory":' + isOutOfMemory(e)
        + ',"error":{"type":"InternalError","message":"the result could not be returned","stack":"","line":-1}}';
  }
}

const NEVER_SETTLED = { value: "null", exitCode: 1, outOfMemory: false, error: { type: "Error",
  message: "the script's promise never settled (no pending job or timer was left that could settle it)",
  stack: "", line: -1 } };

/** run's first argument: what the others are. */
const REQUEST = 0, PLAIN_RUN = 1, PLAIN_INVOKE = 2;

/**
 * One request. run(REQUEST, requestJson) in general. Without stdin, args, environment, prelude or globals
 * (the common case) the host skips the JSON request: run(PLAIN_RUN, code, namesJson) and
 * run(PLAIN_INVOKE, target, namesJson, args), namesJson being the bound host functions' names as a JSON
 * array when they changed since the last plain request, else undefined, and args the arguments: an array
 * the host made from QuickJS's binary object format, or their JSON text.
 */
function run(kind, text, namesJson, argsJson) {
  const id = ++currentRun;
  outcome = null;
  uncaught = null;
  timers.length = 0;
  let request = PLAIN;
  let invokeArgs = NO_ARGS;
  try {
    if (kind === REQUEST) {
      request = parseJson(text);
    } else {
      if (typeof namesJson === "string") {
        plainHostNames = freeze(parseJson(namesJson));
        plainHostFunctions = freeze(hostFunctionsOf(plainHostNames));
      }
      // the host sends the arguments as an array it made (QuickJS's binary format), or as JSON text
      if (kind === PLAIN_INVOKE) invokeArgs = typeof argsJson === "string" ? parseJson(argsJson) : argsJson;
    }
  } catch (e) {
    return responseJson(report(e));
  }
  currentMode = request !== PLAIN ? request.mode || "run" : kind === PLAIN_INVOKE ? "invoke" : "run";
  loopTime = -1; // read when the run first sets a timer
  const awaits = currentMode === "run" || currentMode === "invoke";
  try {
    prepare(request);
    const v = request === PLAIN ? (kind === PLAIN_RUN ? runCode(text) : invoke(text, invokeArgs))
        : currentMode === "run" ? (request.prelude
        ? (evalScript(request.prelude), runCode(request.code)) : runCode(request.code)) : perform(request);
    if (awaits && v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function") {
      call(promiseThen, PromiseCtor.resolve(v), (r) => settle(id, r, null, false), (e) => settle(id, null, e, true));
    } else {
      settle(id, v, null, false);
    }
  } catch (e) {
    settle(id, null, e, true);
  }
  // provisional: the host still runs any pending job, then asks finish() for the final response
  if (outcome !== null && timers.length === 0) return responseJson(outcome);
  return "";
}

/** The run's response, after its event loop ended (or at once, from run, when nothing was pending). */
function finish() {
  let o = outcome === null ? NEVER_SETTLED : outcome;
  if (uncaught !== null && o.error === null && o.exitCode === 0) {
    o = uncaught.outOfMemory ? OUT_OF_MEMORY : report(uncaught.error);
  }
  outcome = null;
  uncaught = null;
  timers.length = 0;
  return responseJson(o);
}

return freeze({ run, tick, finish });
})
