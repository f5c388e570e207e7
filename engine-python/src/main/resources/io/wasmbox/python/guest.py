# Wasmbox guest driver for CPython. The host calls run(request_json) once per run; the request and
# the response are JSON strings (see io.wasmbox.spi.GuestRequest / GuestResponse). User code runs in
# one persistent __main__ module, so globals survive between runs of the same sandbox.
import ast
import builtins
import io
import json
import linecache
import os
import sys
import traceback
import types

_DRIVER_FILE = __file__
_main = types.ModuleType("__main__")
_main.__dict__["__builtins__"] = builtins
sys.modules["__main__"] = _main
_globals = _main.__dict__

# Line-buffered so output reaches the host (and live listeners) as it is printed.
sys.stdout.reconfigure(line_buffering=True)
sys.stderr.reconfigure(line_buffering=True)
_stdout, _stderr = sys.stdout, sys.stderr

_MAX_DEPTH = 200


def _jsonable(value, depth=0, active=None):
    """The value as JSON-compatible data; what JSON cannot express becomes its repr()."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if depth > _MAX_DEPTH:
        return repr(value)
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


def _strip_driver_frames(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename == _DRIVER_FILE:
        tb = tb.tb_next
    return tb


def _describe(error, filename):
    tb = _strip_driver_frames(error.__traceback__)
    line = -1
    if isinstance(error, SyntaxError) and error.filename == filename and error.lineno:
        line = error.lineno
    for frame in traceback.extract_tb(tb):
        if frame.filename == filename:
            line = frame.lineno
    try:
        stack = "".join(traceback.format_exception(type(error), error, tb))
    except BaseException:
        stack = ""
    try:
        message = str(error)
    except BaseException:
        message = ""
    return {"type": type(error).__name__, "message": message, "stack": stack, "line": line}


_compiled = {}  # (code, filename) -> (statements, last expression or None); runs of the same code skip parsing
_COMPILED_MAX = 64


def _compile(code, filename):
    key = (code, filename)
    hit = _compiled.get(key)
    if hit is not None:
        return hit
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), filename, "eval")
    compiled = (compile(tree, filename, "exec"), last)
    if len(_compiled) >= _COMPILED_MAX:
        _compiled.pop(next(iter(_compiled)))
    _compiled[key] = compiled
    return compiled


def _execute(code, filename):
    # Registered so tracebacks can show the offending source line.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    statements, last = _compile(code, filename)
    exec(statements, _globals)
    if last is not None:
        return eval(last, _globals)
    return None


def _prepare(request, filename):
    sys.stdout, sys.stderr = _stdout, _stderr
    if request.get("stdinStream"):
        # The host feeds WASI stdin lazily (an interactive reader); unbuffered so nothing is read ahead
        # past what the script asked for and carried into the next run.
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "rb", closefd=False), encoding="utf-8", errors="replace")
    else:
        sys.stdin = io.StringIO(request.get("stdin") or "")
    sys.argv = [filename] + list(request.get("args") or [])
    env = request.get("env") or {}
    if env != os.environ:
        os.environ.clear()
        os.environ.update(env)
    _globals.update(request.get("globals") or {})


def run(request_json):
    request = json.loads(request_json)
    filename = request.get("fileName") or "<script>"
    response = {"value": None, "exitCode": 0, "error": None, "outOfMemory": False}
    try:
        _prepare(request, filename)
        prelude = request.get("prelude")
        if prelude:
            exec(compile(prelude, "<prelude>", "exec"), _globals)
        response["value"] = _jsonable(_execute(request["code"], filename))
    except SystemExit as e:
        code = e.code
        if code is None:
            response["exitCode"] = 0
        elif isinstance(code, int):
            response["exitCode"] = code
        else:
            print(code, file=sys.stderr)
            response["exitCode"] = 1
    except BaseException as e:
        response["error"] = _describe(e, filename)
        response["outOfMemory"] = isinstance(e, MemoryError)
        response["exitCode"] = 1
        e = None
    finally:
        for stream in (sys.stdout, sys.stderr, _stdout, _stderr):
            try:
                stream.flush()
            except BaseException:
                pass
    try:
        return json.dumps(response, ensure_ascii=True)
    except BaseException as e:
        response["value"] = None
        response["error"] = {"type": type(e).__name__, "message": "result cannot be returned: " + str(e),
                             "stack": "", "line": -1}
        response["exitCode"] = 1
        return json.dumps(response, ensure_ascii=True)
