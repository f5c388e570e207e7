// One C program, many behaviours (argv[1] picks one): what engine-wasm's tests run as a WASI command module.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static char *volatile kept;

static int loop_forever(void) {
    volatile unsigned long n = 0;
    for (;;) n++;
    return (int) n;
}

static int recurse(int n) {
    volatile char frame[256];
    frame[0] = (char) n;
    return n == 0 ? 0 : recurse(n - 1) + frame[0];
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "io";
    if (!strcmp(mode, "io")) {
        char line[256];
        if (!fgets(line, sizeof line, stdin)) line[0] = 0;
        line[strcspn(line, "\n")] = 0;
        printf("stdin=%s\n", line);
        for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
        const char *greeting = getenv("GREETING");
        printf("GREETING=%s\n", greeting ? greeting : "(none)");
        const char *home = getenv("HOME");
        printf("HOME=%s\n", home ? home : "(none)");
        fprintf(stderr, "to stderr\n");
        return argc > 2 ? atoi(argv[2]) : 0;
    }
    if (!strcmp(mode, "hog")) {
        size_t total = 0;
        for (;;) {
            char *p = malloc(1 << 20);
            if (!p) {
                printf("malloc failed after %zu MiB\n", total >> 20);
                return 3;
            }
            memset(p, 1, 1 << 20);
            *(char **) p = kept; // kept reachable, so the compiler cannot drop the allocation
            kept = p;
            total += 1 << 20;
        }
    }
    if (!strcmp(mode, "loop")) return loop_forever();
    if (!strcmp(mode, "unreachable")) __builtin_trap();
    if (!strcmp(mode, "oob")) {
        volatile int *p = (volatile int *) 0xFFFFFF00u;
        return *p;
    }
    if (!strcmp(mode, "files")) {
        FILE *f = fopen("/etc/passwd", "r");
        printf("fopen(/etc/passwd): %s\n", f ? "opened" : strerror(errno));
        int fd = open(".", O_RDONLY);
        printf("open(.): %s\n", fd >= 0 ? "opened" : strerror(errno));
        return 0;
    }
    if (!strcmp(mode, "clock")) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned r = 0;
        getentropy(&r, sizeof r);
        printf("time=%lld random=%u\n", (long long) ts.tv_sec, r);
        return 0;
    }
    if (!strcmp(mode, "stack")) return recurse(100000000);
    if (!strcmp(mode, "exit")) exit(atoi(argv[2]));
    printf("unknown mode %s\n", mode);
    return 2;
}
