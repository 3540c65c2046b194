fn main() {
    println!("cda");
}
