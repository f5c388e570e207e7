package io.wasmbox.security;

import static io.wasmbox.security.Case.Family.CLOCKS;
import static io.wasmbox.security.Case.Family.ENVIRONMENT;
import static io.wasmbox.security.Case.Family.FILESYSTEM;
import static io.wasmbox.security.Case.Family.HOST_FUNCTIONS;
import static io.wasmbox.security.Case.Family.INTROSPECTION;
import static io.wasmbox.security.Case.Family.NETWORK;
import static io.wasmbox.security.Case.Family.PROCESSES;
import static io.wasmbox.security.Case.Family.RESOURCES;

import io.wasmbox.RunOptions;
import io.wasmbox.spi.Json;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Hostile Python (CPython 3.13 on WASI), one row per case. */
final class PythonCases {
    private PythonCases() {}

    /** The OSError family a denied file operation raises. */
    private static final String[] OS_ERRORS = {
        "FileNotFoundError", "PermissionError", "OSError", "NotADirectoryError", "IsADirectoryError"
    };

    private static Case py(Case.Family family, String name, String code) {
        return new Case(Languages.PYTHON, family, name, code);
    }

    private static String q(String s) {
        return Json.write(s);
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        filesystem(c);
        network(c);
        environment(c);
        processes(c);
        clocks(c);
        introspection(c);
        hostFunctions(c);
        resources(c);
        c.addAll(BadInput.cases(Languages.PYTHON, "1 + 1", "print(input())", "x = 1\n"));
        return Case.all(c);
    }

    // ---- filesystem -------------------------------------------------------------------------------

    private static void filesystem(List<Case> c) {
        String[][] reads = {
            {"etc-passwd", "/etc/passwd"},
            {"etc-shadow", "/etc/shadow"},
            {"relative-etc-passwd", "etc/passwd"},
            {"dotdot-etc-passwd", "../../../../../../etc/passwd"},
            {"guest-dotdot-etc-passwd", "/guest/../etc/passwd"},
            {"guest-dotdot-dotdot", "/guest/../../../etc/passwd"},
            {"guest-dot-dotdot", "/guest/./../etc/passwd"},
            {"double-slash", "//etc//passwd"},
            {"proc-self-environ", "/proc/self/environ"},
            {"proc-self-cmdline", "/proc/self/cmdline"},
            {"proc-self-maps", "/proc/self/maps"},
            {"proc-1-environ", "/proc/1/environ"},
            {"proc-self-fd-0", "/proc/self/fd/0"},
            {"dev-mem", "/dev/mem"},
            {"dev-random", "/dev/random"},
            {"sys-kernel", "/sys/kernel/hostname"},
            {"host-secret-file", SuiteSecrets.hostFilePath()},
            {"host-pom-relative", "pom.xml"},
            {"host-pom-dotdot", "../pom.xml"},
        };
        for (String[] r : reads) {
            c.add(py(FILESYSTEM, "read-" + r[0], "open(" + q(r[1]) + ").read()").error(OS_ERRORS));
        }
        c.add(py(
                        FILESYSTEM,
                        "pathlib-read-host-file",
                        "import pathlib\npathlib.Path(" + q(SuiteSecrets.hostFilePath()) + ").read_text()")
                .error(OS_ERRORS));
        c.add(py(FILESYSTEM, "os-open-etc-passwd", "import os\nos.read(os.open('/etc/passwd', os.O_RDONLY), 100)")
                .error(OS_ERRORS));
        c.add(py(FILESYSTEM, "stat-etc-passwd", "import os\nos.stat('/etc/passwd')")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "host-paths-do-not-exist",
                        "import os\n[os.path.exists(p) for p in ['/etc/passwd', '/proc/self', '/dev/null', '/tmp', "
                                + q(SuiteSecrets.hostFilePath()) + "]]")
                .value(List.of(false, false, false, false, false)));
        c.add(py(FILESYSTEM, "list-root", "import os\nsorted(os.listdir('/'))").error(OS_ERRORS));
        c.add(py(FILESYSTEM, "walk-root-stays-in-guest", "import os\nsorted({d for d, _, _ in os.walk('/')})")
                .valueMatches(
                        "only / and /guest",
                        v -> v instanceof List<?> l
                                && l.stream()
                                        .allMatch(d ->
                                                d.equals("/") || d.toString().startsWith("/guest"))));
        c.add(py(
                        FILESYSTEM,
                        "glob-etc",
                        "import glob\nglob.glob('/etc/*') + glob.glob('/proc/*') + glob.glob('/home/*')")
                .value(List.of()));
        c.add(py(FILESYSTEM, "list-proc", "import os\nos.listdir('/proc')").error(OS_ERRORS));
        c.add(py(FILESYSTEM, "chdir-root-then-relative", "import os\nos.chdir('/')\nopen('etc/passwd').read()")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "chdir-guest-dotdot",
                        "import os\nos.chdir('/guest')\nos.chdir('..')\nos.chdir('..')\nopen('etc/passwd').read()")
                .error(OS_ERRORS));
        c.add(py(FILESYSTEM, "write-host-tmp", "open('/tmp/wasmbox-suite-escape', 'w').write('x')")
                .error(OS_ERRORS)
                .and("no host file was created", r -> !new File("/tmp/wasmbox-suite-escape").exists()));
        c.add(py(FILESYSTEM, "write-guest-dotdot-tmp", "open('/guest/../tmp/wasmbox-suite-escape2', 'w').write('x')")
                .error(OS_ERRORS)
                .and("no host file was created", r -> !new File("/tmp/wasmbox-suite-escape2").exists()));
        c.add(py(FILESYSTEM, "mkdir-outside-guest", "import os\nos.mkdir('/guest/../escape')")
                .error(OS_ERRORS));
        c.add(py(FILESYSTEM, "rename-driver-out", "import os\nos.rename('/guest/guest.py', '/tmp/guest.py')")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "symlink-to-etc-passwd",
                        "import os\nos.symlink('/etc/passwd', '/guest/passwd-link')\nopen('/guest/passwd-link').read()")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "symlink-relative-escape",
                        "import os\nos.symlink('../../../etc/passwd', '/guest/rel-link')\nopen('/guest/rel-link').read()")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "symlink-to-host-secret",
                        "import os\nos.symlink(" + q(SuiteSecrets.hostFilePath())
                                + ", '/guest/s')\nopen('/guest/s').read()")
                .error(OS_ERRORS));
        c.add(py(FILESYSTEM, "hardlink-etc-passwd", "import os\nos.link('/etc/passwd', '/guest/hard')")
                .error(OS_ERRORS));
        c.add(py(FILESYSTEM, "copy-etc-passwd-in", "import shutil\nshutil.copy('/etc/passwd', '/guest/p')")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "huge-file-capped",
                        "f = open('/guest/big', 'wb')\nfor i in range(64):\n    f.write(b'x' * 65536)\n    f.flush()\nf.close()")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "many-files-capped",
                        "for i in range(100000):\n    with open('/guest/f%d' % i, 'w') as f:\n        f.write('x' * 100)")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "driver-overwrite-does-not-break-runs",
                        "open('/guest/guest.py', 'w').write('raise SystemExit(99)\\n')\n'overwritten'")
                .value("overwritten")
                .thenInSameSandbox("21 * 2", 42L));
        c.add(py(
                        FILESYSTEM,
                        "driver-delete-does-not-break-runs",
                        "import os\nos.remove('/guest/guest.py')\nos.listdir('/guest')")
                .value(List.of())
                .thenInSameSandbox("21 * 2", 42L));
        c.add(py(FILESYSTEM, "tempfile-has-no-host-tmp", "import tempfile\ntempfile.mkstemp()")
                .error(OS_ERRORS));
        c.add(py(
                        FILESYSTEM,
                        "scratch-not-shared-with-next-sandbox",
                        "open('/guest/mark', 'w').write('from another sandbox')\n'written'")
                .value("written")
                .and("a new sandbox does not see it", r -> {
                    try (var other = io.wasmbox.Wasmbox.interpreter("python").newSandbox()) {
                        return Boolean.FALSE.equals(other.eval("import os\nos.path.exists('/guest/mark')"));
                    }
                }));
    }

    // ---- network ----------------------------------------------------------------------------------

    private static void network(List<Case> c) {
        int port = HostListener.PORT;
        String[] netErrors = {
            "OSError",
            "PermissionError",
            "ConnectionRefusedError",
            "TimeoutError",
            "gaierror",
            "URLError",
            "NotImplementedError",
            "ModuleNotFoundError",
            "ImportError",
            "AttributeError"
        };
        c.add(py(
                        NETWORK,
                        "socket-connect-host-listener",
                        "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', " + port + "))")
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "create-connection-host-listener",
                        "import socket\nsocket.create_connection(('127.0.0.1', " + port + "), timeout=1)")
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "socket-udp-sendto",
                        "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
                                + ".sendto(b'x', ('8.8.8.8', 53))")
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "socket-bind-listen",
                        "import socket\ns = socket.socket()\ns.bind(('0.0.0.0', 0))\ns.listen()")
                .error(netErrors));
        c.add(py(NETWORK, "dns-getaddrinfo", "import socket\nsocket.getaddrinfo('example.com', 80)")
                .error(netErrors));
        c.add(py(NETWORK, "dns-gethostbyname-localhost", "import socket\nsocket.gethostbyname('localhost')")
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "urllib-host-listener",
                        "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:" + port
                                + "/', timeout=1).read()")
                .timeoutMillis(30_000)
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "urllib-cloud-metadata",
                        "import urllib.request\nurllib.request.urlopen('http://169.254.169.254/latest/meta-data/', timeout=1)")
                .timeoutMillis(30_000)
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "http-client-host-listener",
                        "import http.client\nc = http.client.HTTPConnection('127.0.0.1', " + port + ", timeout=1)\n"
                                + "c.request('GET', '/')")
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "asyncio-open-connection",
                        "import asyncio\nasyncio.run(asyncio.open_connection('127.0.0.1', " + port + "))")
                .error(netErrors));
        c.add(py(
                        NETWORK,
                        "ssl-import-and-connect",
                        "import ssl, socket\nssl.create_default_context().wrap_socket(socket.socket(), "
                                + "server_hostname='example.com').connect(('example.com', 443))")
                .error(netErrors));
        c.add(py(NETWORK, "socketpair", "import socket\nsocket.socketpair()").error(netErrors));
        c.add(py(NETWORK, "smtplib-host-listener", "import smtplib\nsmtplib.SMTP('127.0.0.1', " + port + ", timeout=1)")
                .error(netErrors));
    }

    // ---- host environment ---------------------------------------------------------------------------

    private static void environment(List<Case> c) {
        c.add(py(ENVIRONMENT, "environ-is-empty", "import os\ndict(os.environ)").value(Map.of()));
        c.add(py(ENVIRONMENT, "host-secret-variable", "import os\nos.environ.get(" + q(SuiteSecrets.ENV_NAME) + ")")
                .value(null));
        c.add(py(
                        ENVIRONMENT,
                        "getenv-path-home",
                        "import os\n[os.getenv('PATH'), os.getenv('HOME'), os.getenv('USER')]")
                .value(Arrays.asList(null, null, null)));
        c.add(py(ENVIRONMENT, "environb-is-empty", "import os\nlen(os.environb)")
                .value(0L));
        c.add(py(ENVIRONMENT, "argv-is-only-the-script", "import sys\nsys.argv").value(List.of("<script>")));
        c.add(py(
                        ENVIRONMENT,
                        "per-run-env-does-not-persist",
                        "import os\nos.environ['LEFT_BEHIND'] = 'x'\nos.environ.get('RUN_ENV')")
                .options(RunOptions.builder().env(Map.of("RUN_ENV", "given")).build())
                .value("given")
                .thenInSameSandbox("import os\ndict(os.environ)", Map.of()));
        c.add(py(
                        ENVIRONMENT,
                        "host-paths-not-in-sys",
                        "import sys, os\n[sys.executable, sys.prefix, sys.path, os.getcwd()]")
                .valueMatches("no host path (checked by the secret scan)", v -> v instanceof List));
        c.add(py(ENVIRONMENT, "expanduser-has-no-host-home", "import os\nos.path.expanduser('~/x')")
                .valueMatches("no host home (checked by the secret scan)", v -> v instanceof String));
        c.add(py(ENVIRONMENT, "getpass-user", "import getpass\ngetpass.getuser()")
                .error("OSError", "KeyError", "ModuleNotFoundError", "ImportError"));
        c.add(py(ENVIRONMENT, "platform-node", "import platform\n[platform.node(), platform.system()]")
                .valueMatches("no host name", v -> !String.valueOf(v).contains(hostName())));
        c.add(py(ENVIRONMENT, "stdin-of-neighbour-not-visible", "import sys\nsys.stdin.read()")
                .value(""));
    }

    static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 3 ? name : "\u0000no-host-name";
        } catch (IOException e) {
            return "\u0000no-host-name";
        }
    }

    // ---- processes --------------------------------------------------------------------------------

    private static void processes(List<Case> c) {
        String[] none = {
            "AttributeError",
            "OSError",
            "PermissionError",
            "NotImplementedError",
            "ModuleNotFoundError",
            "ImportError",
            "RuntimeError"
        };
        c.add(py(PROCESSES, "os-system", "import os\nos.system('touch /tmp/wasmbox-suite-proc')")
                .error(none)
                .and("no host process ran", r -> !new File("/tmp/wasmbox-suite-proc").exists()));
        c.add(py(PROCESSES, "os-popen", "import os\nos.popen('id').read()").error(none));
        c.add(py(PROCESSES, "os-fork", "import os\nos.fork()").error(none));
        c.add(py(PROCESSES, "os-forkpty", "import os\nos.forkpty()").error(none));
        c.add(py(PROCESSES, "os-execv", "import os\nos.execv('/bin/sh', ['sh', '-c', 'id'])")
                .error(none));
        c.add(py(PROCESSES, "os-execve", "import os\nos.execve('/bin/sh', ['sh'], {})")
                .error(none));
        c.add(py(PROCESSES, "os-spawnv", "import os\nos.spawnv(os.P_WAIT, '/bin/sh', ['sh'])")
                .error(none));
        c.add(py(PROCESSES, "os-posix-spawn", "import os\nos.posix_spawn('/bin/sh', ['sh'], {})")
                .error(none));
        c.add(py(PROCESSES, "subprocess-run", "import subprocess\nsubprocess.run(['id'], capture_output=True)")
                .error(none));
        c.add(py(PROCESSES, "subprocess-popen-shell", "import subprocess\nsubprocess.Popen('id', shell=True)")
                .error(none));
        c.add(py(PROCESSES, "posixsubprocess-import", "import _posixsubprocess").error(none));
        c.add(py(PROCESSES, "os-kill-init", "import os\nos.kill(1, 9)").error(none));
        c.add(py(PROCESSES, "os-kill-self", "import os\nos.kill(os.getpid(), 9)")
                .error(none));
        c.add(py(PROCESSES, "os-killpg", "import os\nos.killpg(0, 9)").error(none));
        c.add(py(PROCESSES, "signal-alarm", "import signal\nsignal.alarm(1)").error(none));
        c.add(py(
                        PROCESSES,
                        "multiprocessing-process",
                        "import multiprocessing\np = multiprocessing.Process(target=print)\np.start()")
                .error(none));
        c.add(py(PROCESSES, "threading-start", "import threading\nthreading.Thread(target=print).start()")
                .error(none));
        c.add(py(PROCESSES, "pty-spawn", "import pty\npty.spawn('/bin/sh')").error(none));
        c.add(py(PROCESSES, "os-exit-discards-only-the-sandbox", "import os\nos._exit(7)")
                .exit(7)
                .and("the sandbox is discarded", r -> true));
        c.add(py(PROCESSES, "sys-exit-code", "import sys\nsys.exit(5)").exit(5));
        c.add(py(PROCESSES, "os-abort", "import os\nos.abort()").crash());
    }

    // ---- clocks and timing -------------------------------------------------------------------------

    private static void clocks(List<Case> c) {
        c.add(py(CLOCKS, "time-is-frozen", "import time\ntime.time()").value(1704067200.0));
        c.add(py(CLOCKS, "datetime-is-frozen", "import datetime\ndatetime.datetime.now().isoformat()")
                .valueMatches("2024-01-01", v -> String.valueOf(v).startsWith("2024-01-01")));
        c.add(py(
                        CLOCKS,
                        "monotonic-does-not-advance",
                        "import time\na = time.monotonic_ns()\nsum(range(200000))\nb = time.monotonic_ns()\nb - a")
                .value(0L));
        c.add(py(
                        CLOCKS,
                        "perf-counter-does-not-advance",
                        "import time\na = time.perf_counter()\n[i * i for i in range(100000)]\ntime.perf_counter() - a")
                .value(0.0));
        c.add(py(CLOCKS, "sleep-is-stopped-at-the-timeout", "import time\ntime.sleep(3600)\n'slept'")
                .timeoutMillis(500)
                .timeout());
        c.add(py(
                        CLOCKS,
                        "busy-wait-for-clock-times-out",
                        "import time\nend = time.time() + 1\nwhile time.time() < end:\n    pass")
                .timeoutMillis(300)
                .timeout());
        c.add(py(CLOCKS, "select-is-stopped-at-the-timeout", "import select\nselect.select([], [], [], 3600)\n'done'")
                .timeoutMillis(500)
                .timeout());
        c.add(py(CLOCKS, "urandom-is-seeded", "import os\nos.urandom(8).hex() == os.urandom(8).hex()")
                .value(false));
    }

    // ---- introspection escapes ---------------------------------------------------------------------------

    private static void introspection(List<Case> c) {
        c.add(py(
                        INTROSPECTION,
                        "subclasses-walk-to-os-system",
                        "r = None\nfor k in ().__class__.__base__.__subclasses__():\n"
                                + "    if k.__name__ == '_wrap_close':\n"
                                + "        r = k.__init__.__globals__['system']('touch /tmp/wasmbox-suite-walk')\n"
                                + "r")
                .error("OSError", "AttributeError", "KeyError")
                .and("no host process ran", r -> !new File("/tmp/wasmbox-suite-walk").exists()));
        c.add(py(
                        INTROSPECTION,
                        "subclasses-walk-to-builtin-importer",
                        "[k for k in object.__subclasses__() if k.__name__ == 'BuiltinImporter'][0]"
                                + ".load_module('_posixsubprocess')")
                .error("ModuleNotFoundError", "ImportError"));
        c.add(py(
                        INTROSPECTION,
                        "subclasses-file-loader-host-file",
                        "import importlib.machinery\nimportlib.machinery.SourceFileLoader('x', "
                                + q(SuiteSecrets.hostFilePath()) + ").load_module()")
                .error(OS_ERRORS));
        c.add(py(INTROSPECTION, "builtins-import-os-system", "__builtins__.__import__('os').system('id')")
                .error("OSError", "AttributeError"));
        c.add(py(INTROSPECTION, "ctypes-import", "import ctypes\nctypes.CDLL(None)")
                .error("ModuleNotFoundError", "ImportError", "OSError"));
        c.add(py(
                        INTROSPECTION,
                        "importlib-posixsubprocess",
                        "import importlib\nimportlib.import_module('_posixsubprocess')")
                .error("ModuleNotFoundError"));
        c.add(py(
                        INTROSPECTION,
                        "importlib-spec-from-host-file",
                        "import importlib.util, importlib.machinery\np = " + q(SuiteSecrets.hostFilePath()) + "\n"
                                + "spec = importlib.util.spec_from_file_location('x', p, loader=importlib.machinery.SourceFileLoader('x', p))\n"
                                + "spec.loader.exec_module(importlib.util.module_from_spec(spec))")
                .error(OS_ERRORS));
        c.add(py(
                        INTROSPECTION,
                        "sys-path-host-dir-import",
                        "import sys\nsys.path.insert(0, '/etc')\nsys.path.insert(0, '/usr/lib/python3')\nimport passwd")
                .error("ModuleNotFoundError"));
        c.add(py(
                        INTROSPECTION,
                        "sys-modules-replace-os-then-next-run",
                        "import sys\nsys.modules['os'] = None\nsys.modules['json'] = None\nsys.modules['builtins'] = None\n'replaced'")
                .value("replaced")
                .thenInSameSandbox("[1, 2]", List.of(1L, 2L)));
        c.add(py(
                        INTROSPECTION,
                        "gc-get-objects-has-no-neighbour",
                        "import gc\nany(isinstance(o, str) and 'neighbour' in o for o in gc.get_objects())")
                .value(false));
        c.add(py(
                        INTROSPECTION,
                        "gc-referrers-of-driver-request",
                        "import gc, sys\nf = sys._getframe(1)\nsorted(f.f_globals)[:3]")
                .valueMatches("a list of names", v -> v instanceof List));
        c.add(py(
                        INTROSPECTION,
                        "frame-walk-to-driver-host-call-unbound",
                        "import sys\ng = sys._getframe(1).f_globals\ng['_host_function']('os_system')('id')")
                .errorWithMessage("HostFunctionError", "no host function named 'os_system' is bound"));
        c.add(py(
                        INTROSPECTION,
                        "frame-walk-reaches-only-bound-functions",
                        "import sys\ng = sys._getframe(1).f_globals\ng['_host_function']('echo')('via channel')")
                .withHostFunctions()
                .value("via channel"));
        c.add(py(INTROSPECTION, "sys-modules-driver-module", "import sys\n[m for m in sys.modules if 'guest' in m]")
                .valueMatches("a list", v -> v instanceof List));
        c.add(py(
                        INTROSPECTION,
                        "globals-walk-neighbour-function-unbound",
                        "import sys\nsys._getframe(1).f_globals['_host_function']('neighbourSecret')()")
                .errorWithMessage("HostFunctionError", "no host function named 'neighbourSecret'"));
        c.add(py(
                        INTROSPECTION,
                        "channel-forged-unbound-frame",
                        "import os, json\nbody = json.dumps({'name': 'neighbourSecret', 'args': []}).encode()\n"
                                + "os.write(3, len(body).to_bytes(4, 'little') + body)\nos.read(3, 65536).decode()")
                .valueMatches(
                        "an error reply",
                        v -> String.valueOf(v).startsWith("eno host function named 'neighbourSecret'")));
        c.add(py(
                        INTROSPECTION,
                        "channel-garbage-frame",
                        "import os\nos.write(3, (7).to_bytes(4, 'little') + b'\\xff\\xfe{[nul')\nos.read(3, 65536).decode()")
                .valueMatches("an error reply", v -> String.valueOf(v).startsWith("einvalid JSON from guest")));
        c.add(py(INTROSPECTION, "channel-negative-length", "import os\nos.write(3, b'\\xff\\xff\\xff\\xff')")
                .error("OSError"));
        c.add(py(INTROSPECTION, "channel-read-without-request", "import os\nos.read(3, 100)")
                .value("b''"));
        c.add(py(INTROSPECTION, "channel-close-then-host-call", "import os\nos.close(3)\necho(1)")
                .withHostFunctions()
                .value(1L));
        c.add(py(INTROSPECTION, "channel-dup-stdout", "import os\nos.dup2(3, 1)\nprint('into the channel')\n'ok'")
                .error("AttributeError"));
        c.add(py(
                        INTROSPECTION,
                        "monkeypatch-json-dumps-breaks-only-self",
                        "import json\njson.dumps = lambda *a, **k: '{not json'\nassert json.dumps(1) == '{not json'\n1")
                // the driver writes with the json.dumps it bound at start-up: only the script's own calls break
                .value(1L));
        c.add(py(
                        INTROSPECTION,
                        "monkeypatch-json-loads-breaks-only-self",
                        "import json\njson.loads = lambda *a, **k: 1 / 0\n'patched'")
                .value("patched")
                .and("only this sandbox breaks", r -> true));
        c.add(py(
                        INTROSPECTION,
                        "monkeypatch-isinstance",
                        "import builtins\nbuiltins.isinstance = lambda *a: True\n'patched'")
                // the driver's answer (json.dumps of the value alone) survives the patch
                .value("patched"));
        c.add(py(
                        INTROSPECTION,
                        "monkeypatch-type-map-and-dict",
                        "import builtins, itertools\nbuiltins.type = lambda *a: int\nbuiltins.map = None\n"
                                + "builtins.dict = list\nitertools.chain = None\n{'a': [1, {'b': 2}]}")
                // the driver writes results with the built-ins it bound at start-up
                .value(Map.of("a", List.of(1L, Map.of("b", 2L)))));
        c.add(py(
                        INTROSPECTION,
                        "exec-with-empty-builtins-escape",
                        "exec(\"[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]()"
                                + "._module.__builtins__['__import__']('os').system('id')\", {'__builtins__': {}})")
                .error("OSError", "AttributeError", "KeyError", "TypeError"));
        c.add(py(
                        INTROSPECTION,
                        "code-object-forgery",
                        "import types\ndef f(): pass\nf.__code__ = f.__code__.replace(co_code=b'\\x00' * 8, co_consts=())\nf()")
                .crash("Trap", "StackOverflow", "SystemError"));
        c.add(py(
                        INTROSPECTION,
                        "no-descriptors-beyond-the-preopen",
                        "import os\nok = []\nfor fd in range(4, 64):\n    try:\n        os.fstat(fd)\n        ok.append(fd)\n"
                                + "    except OSError:\n        pass\nok")
                .value(List.of(
                        4L))); // today: stdio, the /guest preopen (3) and one more (4); a new one is a new way out
    }

    // ---- host-function abuse -----------------------------------------------------------------------

    private static void hostFunctions(List<Case> c) {
        c.add(py(HOST_FUNCTIONS, "huge-argument", "len(echo('a' * 8_000_000))")
                .withHostFunctions()
                .value(8_000_000L));
        c.add(py(HOST_FUNCTIONS, "cyclic-argument", "a = [1]\na.append(a)\necho(a)")
                .withHostFunctions()
                .value(List.of(1L, "[1, [...]]")));
        c.add(py(HOST_FUNCTIONS, "unserialisable-argument", "echo(object())")
                .withHostFunctions()
                .valueMatches("its repr", v -> String.valueOf(v).startsWith("<object object at")));
        c.add(py(HOST_FUNCTIONS, "nan-argument", "echo(float('nan'))")
                .withHostFunctions()
                .value("NaN"));
        c.add(py(HOST_FUNCTIONS, "huge-int-argument", "echo(2 ** 100000)")
                .withHostFunctions()
                .error("ValueError"));
        c.add(py(HOST_FUNCTIONS, "lone-surrogate-argument", "echo('\\ud800')")
                .withHostFunctions()
                .value("?"));
        c.add(py(HOST_FUNCTIONS, "many-arguments", "count(*range(100000))")
                .withHostFunctions()
                .value(100000L));
        c.add(py(HOST_FUNCTIONS, "unbound-name", "os_system('id')").error("NameError"));
        c.add(py(HOST_FUNCTIONS, "neighbours-function-unbound", "neighbourSecret()")
                .error("NameError"));
        c.add(py(HOST_FUNCTIONS, "reentrant-call", "reenter()")
                .withReenter()
                .errorWithMessage("HostFunctionError", "its own sandbox"));
        c.add(py(HOST_FUNCTIONS, "throwing-callback", "fail()")
                .withHostFunctions()
                .errorWithMessage("HostFunctionError", "refused by host"));
        c.add(py(HOST_FUNCTIONS, "throwing-callback-null-message", "failNull()")
                .withHostFunctions()
                .errorWithMessage("HostFunctionError", "host function 'failNull' failed"));
        c.add(py(
                        HOST_FUNCTIONS,
                        "throwing-checked-callback-no-java-names",
                        "try:\n    failChecked()\nexcept HostFunctionError as e:\n    r = repr(e)\nr")
                .withHostFunctions()
                .valueMatches(
                        "the message only",
                        v -> !String.valueOf(v).contains("IOException")
                                && !String.valueOf(v).contains("java.")));
        c.add(py(HOST_FUNCTIONS, "callback-stack-overflow", "failStackOverflow()")
                .withHostFunctions()
                .error("HostFunctionError"));
        c.add(py(HOST_FUNCTIONS, "slow-callback-stopped", "slow()")
                .withHostFunctions()
                .timeoutMillis(300)
                .timeout());
        c.add(py(HOST_FUNCTIONS, "busy-callback-stopped", "spin()")
                .withHostFunctions()
                .timeoutMillis(300)
                .timeout());
        c.add(py(
                        HOST_FUNCTIONS,
                        "slow-callback-swallowed-then-loop",
                        "while True:\n    try:\n        slow()\n    except BaseException:\n        pass")
                .withHostFunctions()
                .timeoutMillis(300)
                .timeout());
        c.add(py(HOST_FUNCTIONS, "huge-result", "len(huge())")
                .withHostFunctions()
                .value((long) HostFunctions.HUGE_CHARS));
        c.add(py(HOST_FUNCTIONS, "wide-result", "len(wide())")
                .withHostFunctions()
                .value(200_000L));
        c.add(py(HOST_FUNCTIONS, "deep-result", "deep()")
                .withHostFunctions()
                .error("HostFunctionError", "RecursionError"));
        c.add(py(HOST_FUNCTIONS, "missing-node-result", "missing()")
                .withHostFunctions()
                .valueMatches("null or an error-free value", v -> v == null));
        c.add(py(HOST_FUNCTIONS, "unserialisable-result", "pojo()")
                .withHostFunctions()
                .error("HostFunctionError"));
        c.add(py(HOST_FUNCTIONS, "self-referencing-result", "selfRef()")
                .withHostFunctions()
                .error("HostFunctionError"));
        c.add(py(HOST_FUNCTIONS, "lone-surrogate-result", "loneSurrogate()")
                .withHostFunctions()
                .valueMatches("a string", v -> v instanceof String));
        c.add(py(HOST_FUNCTIONS, "nan-result", "nan()").withHostFunctions().value("NaN"));
        c.add(py(HOST_FUNCTIONS, "null-result", "nullNode()")
                .withHostFunctions()
                .value(null));
        c.add(py(HOST_FUNCTIONS, "call-flood", "for i in range(3000):\n    echo(i)\n'done'")
                .withHostFunctions()
                .value("done"));
        c.add(py(HOST_FUNCTIONS, "call-flood-until-timeout", "while True:\n    echo('x' * 1000)")
                .withHostFunctions()
                .timeoutMillis(500)
                .timeout());
    }

    // ---- resource exhaustion -----------------------------------------------------------------------------

    private static void resources(List<Case> c) {
        c.add(py(RESOURCES, "bytearray-1g", "bytearray(10 ** 9)").memoryMiB(64).memoryLimit());
        c.add(py(RESOURCES, "string-x-1e9", "'x' * 10 ** 9").memoryMiB(64).memoryLimit());
        c.add(py(RESOURCES, "list-1e9", "[0] * 10 ** 9").memoryMiB(64).memoryLimit());
        c.add(py(RESOURCES, "append-until-full", "a = []\nwhile True:\n    a.append(bytearray(1 << 20))")
                .memoryMiB(64)
                .memoryLimit());
        c.add(py(RESOURCES, "string-doubling", "s = 'x'\nwhile True:\n    s += s")
                .memoryMiB(64)
                .memoryLimit());
        c.add(py(RESOURCES, "dict-bomb", "{i: str(i) for i in range(10 ** 8)}")
                .memoryMiB(64)
                .timeoutMillis(20_000)
                .memoryLimit());
        c.add(py(
                        RESOURCES,
                        "zlib-bomb",
                        "import zlib\nlen(zlib.decompress(zlib.compress(b'\\0' * 10 ** 6) * 1) * 1000)")
                .memoryMiB(64)
                .memoryLimit());
        c.add(py(RESOURCES, "huge-power", "x = 10 ** 10 ** 8\nlen(str(x))")
                .timeoutMillis(1000)
                .timeout());
        c.add(py(
                        RESOURCES,
                        "while-true-in-finally",
                        "try:\n    raise ValueError()\nfinally:\n    while True:\n        pass")
                .timeoutMillis(300)
                .timeout());
        c.add(py(
                        RESOURCES,
                        "while-true-in-except",
                        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    while True:\n        pass")
                .timeoutMillis(300)
                .timeout());
        c.add(py(
                        RESOURCES,
                        "catch-everything-loop",
                        "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass")
                .timeoutMillis(300)
                .timeout());
        c.add(py(RESOURCES, "generator-spin", "def g():\n    while True:\n        yield 1\nfor _ in g():\n    pass")
                .timeoutMillis(300)
                .timeout());
        c.add(py(RESOURCES, "regex-catastrophic-backtracking", "import re\nre.match(r'(a+)+$', 'a' * 64 + 'b')")
                .timeoutMillis(500)
                .timeout());
        c.add(py(RESOURCES, "regex-nested-quantifiers", "import re\nre.match(r'(x+x+)+y', 'x' * 64)")
                .timeoutMillis(500)
                .timeout());
        c.add(py(RESOURCES, "deep-recursion", "def f(n):\n    return f(n + 1)\nf(0)")
                .timeoutMillis(30_000)
                .error("RecursionError"));
        c.add(py(
                        RESOURCES,
                        "deep-recursion-raised-limit",
                        "import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n):\n    return f(n + 1)\nf(0)")
                .timeoutMillis(2000)
                .timeout());
        c.add(py(RESOURCES, "json-deep-nesting", "import json\njson.loads('[' * 100000 + ']' * 100000)")
                .error("RecursionError"));
        c.add(py(RESOURCES, "parser-deep-nesting", "eval('(' * 100000 + ')' * 100000)")
                .error("SyntaxError", "RecursionError", "MemoryError"));
        c.add(py(RESOURCES, "stdout-flood", "while True:\n    print('x' * 1000)")
                .maxOutput(10_000)
                .timeoutMillis(500)
                .timeout()
                .and("output cut at the cap and flagged", r -> r.outputTruncated() && bytes(r) <= 10_000));
        c.add(py(
                        RESOURCES,
                        "stdout-stderr-interleaved-flood",
                        "import sys\nfor i in range(20000):\n    print(i)\n    print(i, file=sys.stderr)\n'done'")
                .maxOutput(50_000)
                .timeoutMillis(30_000)
                .value("done")
                .and(
                        "both streams captured, cut at the combined cap",
                        r -> r.outputTruncated()
                                && bytes(r) <= 50_000
                                && r.stdout().startsWith("0\n1\n")
                                && r.stderr().startsWith("0\n1\n")));
        c.add(py(RESOURCES, "single-huge-write", "import sys\nsys.stdout.write('y' * 10 ** 7)\n'written'")
                .maxOutput(1000)
                .value("written")
                .and("cut at the cap", r -> r.outputTruncated() && bytes(r) <= 1000));
        c.add(py(RESOURCES, "zero-output-cap", "print('hidden')\n'v'")
                .maxOutput(0)
                .value("v")
                .and("nothing captured", r -> r.stdout().isEmpty() && r.outputTruncated()));
        c.add(py(
                        RESOURCES,
                        "memory-error-then-usable",
                        "try:\n    bytearray(10 ** 9)\nexcept MemoryError:\n    r = 'caught'\nr")
                .memoryMiB(64)
                .value("caught")
                .thenInSameSandbox("sum(range(10))", 45L));
    }

    static long bytes(io.wasmbox.ExecutionResult r) {
        return r.stdout().getBytes(StandardCharsets.UTF_8).length + r.stderr().getBytes(StandardCharsets.UTF_8).length;
    }
}
