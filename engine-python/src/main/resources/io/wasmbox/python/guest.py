# Wasmbox guest driver for CPython. The host calls run(request_text) once per run; the request and
# the response are JSON strings (see io.wasmbox.spi.GuestRequest / GuestResponse), with shorter forms for
# the common case (see _request and run). User code runs in
# one persistent __main__ module, so globals survive between runs of the same sandbox.
import ast
import builtins
import io
import itertools
import json
import linecache
import os
import sys
import traceback
import types

_DRIVER_FILE = __file__
# Bound now: user code may replace json.dumps (or builtins) and must break only itself, not the driver.
_loads = json.loads
_os_read, _os_write = os.read, os.write


def _not_json(value):
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# json.dumps and json.loads cost ~10 us a call here in their Python wrappers (a new C encoder per dumps, the
# encoding sniffed and whitespace matched per loads) before the C code starts: a host call made three of them.
# So the driver calls the C encoder and scanner directly, built once, with json.dumps's defaults.
_markers = {}  # the encoder's cycle check; an error can leave entries behind, so it is cleared then
_c_encoder = json.encoder.c_make_encoder(
    _markers, _not_json, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
_scan_once = json.decoder.JSONDecoder().scan_once


def _encode(value):
    """json.dumps(value, ensure_ascii=True), the same text."""
    try:
        return "".join(_c_encoder(value, 0))
    except BaseException:
        _markers.clear()
        raise


def _decode(text):
    """json.loads(text), straight to the C scanner for the compact JSON the host writes."""
    try:
        value, end = _scan_once(text, 0)
        if end == len(text):
            return value
    except StopIteration:
        pass
    return _loads(text)  # leading or trailing whitespace, or not JSON: json.loads's own answer or error
_main = types.ModuleType("__main__")
_main.__dict__["__builtins__"] = builtins
sys.modules["__main__"] = _main
_globals = _main.__dict__

# Line-buffered so output reaches the host (and live listeners) as it is printed.
sys.stdout.reconfigure(line_buffering=True)
sys.stderr.reconfigure(line_buffering=True)
_stdout, _stderr = sys.stdout, sys.stderr

_MAX_DEPTH = 200
_SCRIPT = "<script>"  # the file name of code run without one
_HOST_FD = 3  # the host-call channel: the /guest preopen's descriptor; must match HostCallChannel.FD


class HostFunctionError(Exception):
    """Raised in the guest when a host function fails; carries the host's message only."""


HostFunctionError.__module__ = "builtins"
builtins.HostFunctionError = HostFunctionError


_REPLY_READ = 448  # a reply this long fits one small-object allocation (CPython's are <= 512 bytes)


def _rest_of_reply(data):
    """The whole reply when the first read filled its buffer (read to the end) or found nothing (an error)."""
    parts = [data]
    while data:
        data = _os_read(_HOST_FD, 65536)
        parts.append(data)
    data = b"".join(parts)
    if not data:
        raise HostFunctionError("host call channel closed")
    return data


def _host_function(name):
    """The guest function for a bound host function. The request is framed JSON, [u32 little-endian length]
    {"name": ..., "args": [...]}; the reply is "v" and the value's JSON, or "e" and the failure's message."""
    prefix = '{"name": ' + _encode(name) + ', "args": '
    one = prefix + "["

    def call(*args):
        # one str or int argument (the commonest call) is written directly: the C encoder's set-up costs ~2 us
        quick = _QUICK_ARG.get(_type(args[0])) if len(args) == 1 else None
        payload = (one + quick(args[0]) + "]}" if quick else prefix + _value_json(args) + "}").encode()
        _os_write(_HOST_FD, len(payload).to_bytes(4, "little") + payload)
        # the host answers reads until it has given the whole reply, then answers empty
        data = _os_read(_HOST_FD, _REPLY_READ)
        reply = (data if 0 < len(data) < _REPLY_READ else _rest_of_reply(data)).decode()
        if reply[0] == "v":
            try:
                value, end = _scan_once(reply, 1)  # the host's compact JSON: straight to the C scanner
                if end == len(reply):
                    return value
            except StopIteration:
                pass
            return _loads(reply[1:])  # not what the host writes; json.loads's answer or error
        raise HostFunctionError(reply[1:] or "host function failed")
    call.__name__ = call.__qualname__ = name
    call.__module__ = "builtins"
    return call


def _jsonable(value, depth=0, active=None):
    """The value as JSON-compatible data; what JSON cannot express becomes its repr()."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if depth > _MAX_DEPTH:
        # repr() of deeply nested data recurses in C and could exhaust the interpreter's stack
        return "<nested deeper than %d levels>" % _MAX_DEPTH
    if isinstance(value, (dict, list, tuple)):
        active = active if active is not None else set()
        if id(value) in active:
            return repr(value)
        active.add(id(value))
        try:
            if isinstance(value, dict):
                return {(k if isinstance(k, str) else repr(k)): _jsonable(v, depth + 1, active) for k, v in value.items()}
            return [_jsonable(v, depth + 1, active) for v in value]
        finally:
            active.discard(id(value))
    return repr(value)


_SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))
_PLAIN_KEY_TYPES = frozenset((str, int))  # json.dumps writes these keys as repr() does
_DICT_ONLY = frozenset((dict,))
_SEQUENCES = frozenset((list, tuple))
_CONTAINERS = (dict, list, tuple)
_ENCODE_ERRORS = (TypeError, ValueError, RecursionError, OverflowError)  # not JSON data, a cycle, too deep
# Bound now, as _loads: user code may replace builtins (builtins.isinstance = ...).
_QUICK_ARG = {str: json.encoder.encode_basestring_ascii, int: int.__repr__}  # as json.dumps writes them
_isinstance, _type, _set, _list, _map, _range, _dict = isinstance, type, set, list, map, range, dict
_chain = itertools.chain.from_iterable
_dict_values = dict.values


def _value_json(value):
    """json.dumps(_jsonable(value)), straight from the C encoder when the value is plain data: walking every
    item in interpreted Python cost ~30 us a record of a transform batch, three times the encoding itself."""
    if value is None:
        return "null"
    kind = _type(value)
    if kind in _SCALAR_TYPES or (kind in _SEQUENCES and _SCALAR_TYPES.issuperset(_map(_type, value))):
        return _encode(value)  # plain data by construction (host-call arguments mostly are): no _plain walk
    if _isinstance(value, _CONTAINERS):
        try:
            text = _encode(value)
        except _ENCODE_ERRORS:
            text = None
        if text is not None and _plain(value):
            return text
    return _encode(_jsonable(value))


def _plain(value):
    """True if json.dumps wrote the container as _jsonable would map it: str or int keys only and nothing
    deeper than _MAX_DEPTH. Called after json.dumps succeeded, so there is no cycle and every item is JSON data.
    One level at a time, with whole levels of plain dicts or sequences checked by C code (map, chain)."""
    level = [value]
    for _ in _range(_MAX_DEPTH + 1):
        kinds = _set(_map(_type, level))
        if kinds == _DICT_ONLY:
            if not _PLAIN_KEY_TYPES.issuperset(_map(_type, _chain(level))):
                return False
            items = _list(_chain(_map(_dict_values, level)))
        elif kinds <= _SEQUENCES:
            items = _list(_chain(level))
        else:
            items = []
            for container in level:
                if _isinstance(container, _dict):
                    if not _PLAIN_KEY_TYPES.issuperset(_map(_type, container)):
                        return False
                    items += container.values()
                else:
                    items += container
        if _SCALAR_TYPES.issuperset(_map(_type, items)):
            return True
        level = [v for v in items if _isinstance(v, _CONTAINERS)]
    return False


def _strip_driver_frames(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename == _DRIVER_FILE:
        tb = tb.tb_next
    return tb


def _describe(error, filename):
    tb = _strip_driver_frames(error.__traceback__)
    if isinstance(error, SyntaxError) and error.filename == filename:
        tb = None  # the frames are the compiler's; the error itself shows the line
    line = -1
    if isinstance(error, SyntaxError) and error.filename == filename and error.lineno:
        line = error.lineno
    for frame in traceback.extract_tb(tb):
        if frame.filename == filename:
            line = frame.lineno
    try:
        summary = traceback.TracebackException(type(error), error, tb)
        summary.stack = traceback.StackSummary.from_list(
            [frame for frame in summary.stack if frame.filename != _DRIVER_FILE])
        stack = "".join(summary.format())
    except BaseException:
        stack = ""
    try:
        message = str(error)
    except BaseException:
        message = ""
    return {"type": type(error).__name__, "message": message, "stack": stack, "line": line,
            "syntax": isinstance(error, SyntaxError)}


# (code, filename) -> (statements or None, last expression or None, linecache entry): runs of the same code skip
# parsing
_compiled = {}
_COMPILED_MAX = 64


def _source_lines(code, filename):
    """linecache's entry for a script's source."""
    return len(code), None, code.splitlines(True), filename


def _compile(code, filename):
    key = (code, filename)
    hit = _compiled.get(key)
    if hit is not None:
        return hit
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), filename, "eval")
    compiled = (compile(tree, filename, "exec") if tree.body else None, last, _source_lines(code, filename))
    if len(_compiled) >= _COMPILED_MAX:
        _compiled.pop(next(iter(_compiled)))
    _compiled[key] = compiled
    return compiled


def _execute(code, filename):
    # registered so tracebacks can show the offending source line; the split lines are cached with the code
    try:
        statements, last, lines = _compile(code, filename)
    except BaseException:
        linecache.cache[filename] = _source_lines(code, filename)
        raise
    linecache.cache[filename] = lines
    if statements is not None:
        exec(statements, _globals)
    if last is not None:
        return eval(last, _globals)
    return None


_proxies = {}  # host function name -> its guest function
_environ = os.environ
_env_applied = None  # the env of the request that last set os.environ up
_environ_data = None  # os.environ's own dict right after that: a script's changes show as a difference


def _reset_environ(env):
    """os.environ as env says, unless it is so already and no script replaced or changed it."""
    global _env_applied, _environ_data
    # dict comparisons in C: os.environ != env walks both mappings in Python (~10 us a run)
    if env != _env_applied or os.environ is not _environ or _environ._data != _environ_data:
        os.environ = _environ  # a script may have replaced it, or changed it: each run starts from its own env
        _environ.clear()
        _environ.update(env)
        _env_applied, _environ_data = _dict(env), _environ._data.copy()


def _bind_host_functions(names):
    for name in names:
        proxy = _proxies.get(name)
        if proxy is None:
            proxy = _proxies[name] = _host_function(name)
        if _globals.get(name) is not proxy:  # new, or replaced or deleted by a script: bound again
            _globals[name] = proxy


def _prepare(request, filename):
    sys.stdout, sys.stderr = _stdout, _stderr
    if request.get("stdinStream"):
        # The host feeds WASI stdin lazily (an interactive reader); unbuffered so nothing is read ahead
        # past what the script asked for and carried into the next run.
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "rb", closefd=False), encoding="utf-8", errors="replace")
    else:
        sys.stdin = io.StringIO(request.get("stdin") or "")
    args = request.get("args")
    sys.argv = [filename, *args] if args else [filename]
    _reset_environ(request.get("env") or {})
    bound = request.get("globals")
    if bound:
        _globals.update(bound)
    _bind_host_functions(_host_names)


_no_stdin = io.StringIO()  # the stdin of runs given none, reused while no script wrote to it or changed it
_NO_ENV = {}


def _prepare_plain():
    """_prepare for a plain request ("r" or "i"): no stdin, args, environment, globals or file name, and the host
    functions of the last JSON request; what a run left behind is still reset, with fewer steps."""
    global _no_stdin
    sys.stdout, sys.stderr = _stdout, _stderr
    stdin = _no_stdin
    try:
        # seek to the end answers the length: 0 while nothing was written into it (a closed one raises)
        if sys.stdin is not stdin or stdin.seek(0, 2) or stdin.__dict__:
            stdin = None
    except ValueError:
        stdin = None
    if stdin is None:
        sys.stdin = _no_stdin = io.StringIO()
    sys.argv = [_SCRIPT]
    _reset_environ(_NO_ENV)
    _bind_host_functions(_host_names)


def _resolve(path):
    """A global, or an attribute/key path below one: "calc.add"."""
    head, *rest = path.split(".")
    if head not in _globals:
        if hasattr(builtins, head) and not rest:
            return getattr(builtins, head)
        raise NameError(f"name '{head}' is not defined")
    value = _globals[head]
    for part in rest:
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def _perform(request, filename):
    mode = request.get("mode") or "run"
    if mode == "run":
        prelude = request.get("prelude")
        if prelude:
            exec(compile(prelude, "<prelude>", "exec"), _globals)
        return _execute(request["code"], filename)
    if mode == "invoke":
        return _resolve(request["target"])(*(request.get("invokeArgs") or ()))
    if mode == "global":
        return _resolve(request["target"])
    if mode == "callable":
        try:
            return callable(_resolve(request["target"]))
        except Exception:
            return False
    if mode == "check":
        _compile(request["code"], filename)
        return None
    raise ValueError("unknown request mode " + mode)


_host_names = ()  # the bound host functions' names, as the last JSON request listed them


def _request(text):
    """The JSON request; it also sets the host functions that later plain requests have."""
    global _host_names
    request = _decode(text)
    _host_names = tuple(request.get("hostFunctions") or ())
    return request


def run(request_text):
    """One request; the response is the value's JSON on success, else "!" and the whole response as JSON.
    The request is JSON, or a plain form the host sends when there is nothing but code or a target and the host
    functions are those of the last JSON request: "r" + code, or "i" + target + newline + JSON args."""
    kind = request_text[:1]
    filename = _SCRIPT
    exit_code, error, out_of_memory, value = 0, None, False, None
    try:
        if kind == "r":
            _prepare_plain()
            value = _execute(request_text[1:], filename)
        elif kind == "i":
            target, _, args = request_text[1:].partition("\n")
            _prepare_plain()
            value = _resolve(target)(*(_decode(args) or ()))
        else:
            request = _request(request_text)
            filename = request.get("fileName") or filename
            _prepare(request, filename)
            value = _perform(request, filename)
    except SystemExit as e:
        code = e.code
        if code is None:
            exit_code = 0
        elif isinstance(code, int):
            exit_code = code
        else:
            print(code, file=sys.stderr)
            exit_code = 1
    except BaseException as e:
        error = _describe(e, filename)
        out_of_memory = isinstance(e, MemoryError)
        exit_code = 1
        e = None
    finally:
        out, err = sys.stdout, sys.stderr
        for stream in (out, err) if out is _stdout and err is _stderr else (out, err, _stdout, _stderr):
            try:
                stream.flush()
            except BaseException:
                pass
    try:
        if exit_code == 0 and error is None:
            return _value_json(value)
        # a failed run has no value
        return "!" + _encode({"value": None, "exitCode": exit_code, "error": error,
                              "outOfMemory": out_of_memory})
    except BaseException as e:
        error = {"type": type(e).__name__, "message": "result cannot be returned: " + str(e), "stack": "", "line": -1}
        return "!" + _encode({"value": None, "exitCode": 1, "error": error, "outOfMemory": isinstance(e, MemoryError)})
