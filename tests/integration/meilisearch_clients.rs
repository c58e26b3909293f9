//! The Meilisearch JavaScript clients, unmodified from npm, against a
//! running `newsdex serve --demo`: the `meilisearch` client's search and
//! multiSearch, and `@meilisearch/instant-meilisearch`'s search client as
//! InstantSearch calls it (tests/browser/meilisearch-compat.mjs). Skips with
//! a notice without node or the packages (fails under CI); `.ci/run`
//! installs them.

use crate::support::{DemoServer, missing_node_packages, run_node_script, skip_unless_ci};

#[test]
fn instantsearch_and_the_meilisearch_client_work_against_newsdex() {
    if let Some(reason) =
        missing_node_packages(&["meilisearch", "@meilisearch/instant-meilisearch"])
    {
        skip_unless_ci(&format!("the Meilisearch client test: {reason}"));
        return;
    }
    let server = DemoServer::start();
    let url = server.url();
    let printed = run_node_script("meilisearch-compat.mjs", &[url.as_ref()]);
    drop(server);
    assert!(printed.contains("all assertions passed"), "{printed}");
}
