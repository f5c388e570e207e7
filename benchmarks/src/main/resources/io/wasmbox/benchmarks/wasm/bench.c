// The CPU-bound workloads of WasmBenchmarks in C: "fib N" (recursive), "loop N" (xorshift), "noop".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned long long spin(long long n) {
    unsigned long long x = 88172645463325252ull, sum = 0;
    for (long long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += x & 0xff;
    }
    return sum;
}

int main(int argc, char **argv) {
    const char *workload = argc > 1 ? argv[1] : "noop";
    long long n = argc > 2 ? atoll(argv[2]) : 0;
    if (!strcmp(workload, "fib")) printf("%lld\n", fib((int) n));
    else if (!strcmp(workload, "loop")) printf("%llu\n", spin(n));
    else puts("ok");
    return 0;
}
