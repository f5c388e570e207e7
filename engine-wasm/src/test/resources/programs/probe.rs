// One Rust program, many behaviours (argv[1] picks one): what engine-wasm's tests run as a WASI command module.
use std::io::Read;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("io");
    match mode {
        "io" => {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).unwrap();
            println!("stdin={}", input.trim_end());
            for (i, a) in args.iter().enumerate() {
                println!("argv[{}]={}", i, a);
            }
            println!("GREETING={}", std::env::var("GREETING").unwrap_or_else(|_| "(none)".into()));
            eprintln!("to stderr");
            std::process::exit(args.get(2).and_then(|c| c.parse().ok()).unwrap_or(0));
        }
        "hog" => {
            let mut kept: Vec<Vec<u8>> = Vec::new();
            loop {
                kept.push(vec![1u8; 1 << 20]);
            }
        }
        "loop" => {
            let mut n: u64 = 0;
            loop {
                unsafe { std::ptr::write_volatile(&mut n, std::ptr::read_volatile(&n).wrapping_add(1)) };
            }
        }
        "panic" => panic!("boom"),
        "files" => match std::fs::read_to_string("/etc/passwd") {
            Ok(_) => println!("read /etc/passwd"),
            Err(e) => println!("error: {}", e),
        },
        _ => {
            println!("unknown mode {}", mode);
            std::process::exit(2);
        }
    }
}
