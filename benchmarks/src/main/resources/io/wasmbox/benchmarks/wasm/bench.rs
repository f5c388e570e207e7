// The CPU-bound workloads of WasmBenchmarks in Rust: "fib N" (recursive), "loop N" (xorshift), "noop".
fn fib(n: i32) -> i64 {
    if n < 2 { n as i64 } else { fib(n - 1) + fib(n - 2) }
}

fn spin(n: i64) -> u64 {
    let (mut x, mut sum) = (88172645463325252u64, 0u64);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum = sum.wrapping_add(x & 0xff);
    }
    sum
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let workload = args.get(1).map(String::as_str).unwrap_or("noop");
    let n: i64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    match workload {
        "fib" => println!("{}", fib(n as i32)),
        "loop" => println!("{}", spin(n)),
        _ => println!("ok"),
    }
}
