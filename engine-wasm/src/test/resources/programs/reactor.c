// A reactor module (no _start): exported functions on numbers, and state kept between calls.
static int counter;

__attribute__((export_name("add"))) int add(int a, int b) { return a + b; }
__attribute__((export_name("fib"))) long long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((export_name("half"))) double half(double x) { return x / 2; }
__attribute__((export_name("next"))) int next(void) { return ++counter; }
__attribute__((export_name("spin"))) int spin(void) { volatile int n = 0; for (;;) n++; return n; }
