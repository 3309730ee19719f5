//! `tickler token create`: an API token made from the command line works
//! against the running server (`live::Server`) and is scoped to its user.

use tickler_test_support::both;

use crate::common::Tickler;
use crate::live::Server;

both!(token_create_gives_a_working_bearer_token, |t: &Tickler| {
    t.run_with_stdin(&["user", "add", "ann@example.com", "--admin"], Some("longpassword1")).success();
    t.run_with_stdin(&["user", "add", "bob@example.com"], Some("longpassword2")).success();

    let created = t.json(&["token", "create", "--user", "ann@example.com", "scripts"]);
    let secret = created["secret"].as_str().expect("the secret is returned").to_string();
    assert!(secret.starts_with("tkl_"), "{created}");
    assert_eq!(created["token"]["name"], "scripts");

    let text = t.ok(&["token", "create", "--user", "bob@example.com", "reports"]).stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("\"reports\"") && lines[0].contains("bob@example.com"), "{text}");
    let bob_secret = lines[1].trim();
    assert!(bob_secret.starts_with("tkl_") && bob_secret != secret, "{text}");

    let server = Server::start(&t.database(), &[]);
    let me = server.get("/api/v1/me", &secret).expect(200).text();
    assert!(me.contains("ann@example.com"), "{me}");
    let me = server.get("/api/v1/me", bob_secret).expect(200).text();
    assert!(me.contains("bob@example.com"), "{me}");
    server.get("/api/v1/me", "tkl_not-a-real-token").expect(401);
});

both!(token_create_refuses_unknown_users_and_bad_names, |t: &Tickler| {
    let output = t.run(&["token", "create", "--user", "nobody@example.com", "x"]).failure(2);
    assert!(output.error_line().contains("nobody@example.com"), "{output:?}");
    t.run(&["token", "create", "--user", "not an email", "x"]).failure(2);
    t.run_with_stdin(&["user", "add", "ann@example.com"], Some("longpassword1")).success();
    t.run(&["token", "create", "--user", "ann@example.com", ""]).failure(2);
});
