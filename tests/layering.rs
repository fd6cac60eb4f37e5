//! The math must stay usable without PostgreSQL: only `src/lib.rs` and `src/sql/` may name pgrx.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_sql_layer_imports_pgrx() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<_> = files
        .iter()
        .filter(|p| !p.starts_with(src.join("sql")) && **p != src.join("lib.rs"))
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("pgrx"))
        .collect();
    assert!(files.len() > 3, "found no sources under {}", src.display());
    assert!(offenders.is_empty(), "pgrx used outside the SQL layer: {offenders:?}");
}
