//! The `cda` binary: everything lives in the library so it can be unit-tested;
//! `main` only hands over to [`apply::run`].

// jemalloc instead of glibc's allocator: planning builds and drops millions
// of small strings; glibc's malloc/free took a third of a large plan's CPU
// and kept what was freed (docs/performance.md, "How cost grows").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    apply::run()
}
