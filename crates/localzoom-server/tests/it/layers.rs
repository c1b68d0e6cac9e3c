//! The source keeps its layers: no folder of `src/` reaches, directly or through others, back into
//! itself (`crate::users` from `presence` and `crate::presence` from `users` would be a cycle).
//! Shared ground sits in `directory` (who exists), `store`, `auth` and the top-level files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Folder → the other folders its files name as `crate::<folder>`.
fn folder_graph() -> BTreeMap<String, BTreeSet<String>> {
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let folders: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut graph = BTreeMap::new();
    for folder in &folders {
        let mut paths = Vec::new();
        files(&src.join(folder), &mut paths);
        let mut deps = BTreeSet::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("crate::") {
                let name: String = text[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if &name != folder && folders.contains(&name) {
                    deps.insert(name);
                }
            }
        }
        graph.insert(folder.clone(), deps);
    }
    graph
}

/// A cycle through `start`, as the folders on it, if there is one.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in &graph[at] {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if visit(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    visit(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_folder_imports_itself_through_others() {
    let graph = folder_graph();
    // The scan sees the folders that matter (a broken scan must not pass by finding nothing).
    for (folder, dep) in [("users", "directory"), ("presence", "directory"), ("control", "users")] {
        assert!(graph[folder].contains(dep), "{folder} should use {dep}: {graph:?}");
    }
    let cycles: Vec<Vec<String>> = graph.keys().filter_map(|f| cycle_from(&graph, f)).collect();
    assert!(cycles.is_empty(), "import cycles between folders: {cycles:?}");
    // The test's own cycle finder finds a planted one.
    let mut planted = graph.clone();
    planted.get_mut("directory").unwrap().insert("users".into());
    assert!(cycle_from(&planted, "users").is_some());
}
