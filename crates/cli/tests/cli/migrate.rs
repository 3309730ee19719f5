//! `tickler migrate` and `--check`, and the refusal of every command (`serve`
//! and `worker` above all) to start on a schema a newer tickler migrated.

use tickler_test_support::both;

use crate::common::{Backend, Tickler};

/// Record a migration this binary does not carry, as a newer tickler would have.
fn add_future_migration(t: &Tickler) {
    let checksum = match t.backend {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "decode('00', 'hex')",
    };
    let statement = format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, {checksum}, 0)"
    );
    let url = t.database();
    tickler_test_support::block_on(async move {
        let store = tickler_store::Store::open(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(store.pool()).await.unwrap();
        store.close().await;
    });
}

both!(migrate_applies_what_is_pending_and_check_says_so, |t: &Tickler| {
    // A fresh database: every migration is pending, and --check changes nothing.
    for _ in 0..2 {
        let line = t.run(&["migrate", "--check"]).failure(1).error_line();
        assert!(line.contains("pending migration(s): 1 (") && line.contains("tickler migrate"), "{line}");
    }
    let pending = t.run(&["migrate", "--check", "--json"]).failure(1).json();
    assert_eq!(pending["current"], false);
    let count = pending["pending"].as_array().unwrap().len();
    assert!(count >= 8, "{pending}");
    assert_eq!(pending["applied"], serde_json::json!([]));

    let applied = t.ok(&["migrate"]).stdout;
    assert!(applied.starts_with(&format!("Applied {count} migration(s): 1 (")), "{applied}");

    let check = t.ok(&["migrate", "--check"]).stdout;
    assert_eq!(check.trim(), format!("The schema is current: {count} migration(s) applied."));
    let again = t.json(&["migrate"]);
    assert_eq!(again, serde_json::json!({ "applied": [], "current": true }));
    // The migrated database serves the commands.
    t.ok(&["add", "Ann Lee"]);
});

both!(a_schema_newer_than_the_binary_is_refused_by_name, |t: &Tickler| {
    t.ok(&["migrate"]);
    add_future_migration(t);
    let line = t.run(&["migrate", "--check"]).failure(1).error_line();
    assert!(line.contains("does not know: 9999 (from the future)"), "{line}");
    let line = t.run(&["migrate"]).failure(1).error_line();
    assert!(line.contains("newer than this tickler") && line.contains("9999 (from the future)"), "{line}");
    for command in [
        &["serve", "--listen", "127.0.0.1:0", "--no-worker"][..],
        &["serve", "--listen", "127.0.0.1:0"],
        &["worker"],
        &["worker", "--once"],
        &["today"],
    ] {
        let output = t.run(command).failure(1);
        let line = output.error_line();
        assert!(
            line.contains("newer than this tickler") && line.contains("9999 (from the future)"),
            "{command:?}: {line}"
        );
    }
});
