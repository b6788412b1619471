//! The header drift check: `bindings/c/graph_profile.h` must be what cbindgen makes of
//! this crate now.  Run with `GP_UPDATE_HEADER=1` to rewrite the header instead.

use std::path::Path;

#[test]
fn header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml should parse");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen should read the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("cbindgen writes UTF-8");

    let header = crate_dir.join("../../bindings/c/graph_profile.h");
    if std::env::var_os("GP_UPDATE_HEADER").is_some_and(|value| value == "1") {
        std::fs::write(&header, &generated).expect("the header should be writable");
        return;
    }
    let committed = std::fs::read_to_string(&header).unwrap_or_default();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "bindings/c/graph_profile.h is out of date with the Rust code (first difference \
             at line {}); regenerate it with \
             GP_UPDATE_HEADER=1 cargo test -p graph-profile-ffi header_is_current",
            first_difference + 1
        );
    }
}
