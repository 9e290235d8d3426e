//! deploy/ (issue #19: "a deployment guide and compose file … validated here by parsing"): the
//! compose file, LiveKit's and Caddy's configuration, read the way compose, livekit-server and
//! Caddy read them and checked against each other and against the server's own configuration
//! type. Docker does not run here; what the servers do together is checked by
//! `two_instances.rs` (two processes sharing PostgreSQL, Redis and LiveKit).
use closer::config::Config;
use figment::Figment;
use figment::providers::{Env, Serialized};
use serde_norway::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `deploy/.env.example` as name → value (comments and blank lines skipped).
fn env_example() -> BTreeMap<String, String> {
    read("deploy/.env.example")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, value) = l.split_once('=').unwrap_or_else(|| panic!("not NAME=value: {l}"));
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// The example with every empty value (the secrets) filled, as an operator's `.env` would be.
fn filled_env() -> BTreeMap<String, String> {
    env_example()
        .into_iter()
        .map(|(name, value)| {
            let value = if value.is_empty() { format!("{}-0123456789abcdef0123456789abcdef", name.to_lowercase()) } else { value };
            (name, value)
        })
        .collect()
}

/// A `${…}` reference of compose's interpolation syntax: the variable, whether it is required
/// (`${VAR:?message}`), and its default (`${VAR:-default}`).
struct Reference {
    name: String,
    required: bool,
    default: Option<String>,
    span: std::ops::Range<usize>,
}

fn references(text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|i| from + i) {
        let end = start + text[start..].find('}').expect("an unclosed ${");
        let inner = &text[start + 2..end];
        let (name, required, default) = if let Some((name, _)) = inner.split_once(":?") {
            (name, true, None)
        } else if let Some((name, default)) = inner.split_once(":-") {
            (name, false, Some(default.to_owned()))
        } else {
            (inner, false, None)
        };
        found.push(Reference { name: name.to_owned(), required, default, span: start..end + 1 });
        from = end + 1;
    }
    found
}

/// Compose's interpolation with `vars`. Errors: the first required variable that is unset or
/// empty, as `docker compose` refuses to start then.
fn interpolate(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut at = 0;
    for r in references(text) {
        out.push_str(&text[at..r.span.start]);
        let value = vars.get(&r.name).filter(|v| !v.is_empty()).cloned();
        match (value, r.required, r.default) {
            (Some(v), _, _) => out.push_str(&v),
            (None, true, _) => return Err(r.name),
            (None, false, default) => out.push_str(&default.unwrap_or_default()),
        }
        at = r.span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The compose file as compose resolves it: variables interpolated, anchors and `<<` merges
/// applied.
fn compose() -> Value {
    let text = interpolate(&read("deploy/compose.yaml"), &filled_env()).expect("every variable set");
    let mut value: Value = serde_norway::from_str(&text).expect("deploy/compose.yaml is YAML");
    value.apply_merge().expect("merge keys");
    value
}

fn services(compose: &Value) -> &serde_norway::Mapping {
    compose["services"].as_mapping().expect("services")
}

fn environment(service: &Value) -> BTreeMap<String, String> {
    service["environment"]
        .as_mapping()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().unwrap().to_owned(), v.as_str().expect("environment values are strings").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The Closer servers of the compose file (the services configured with `CLOSER_HTTP_ADDR`).
fn servers(compose: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    services(compose)
        .iter()
        .map(|(name, service)| (name.as_str().unwrap().to_owned(), environment(service)))
        .filter(|(_, env)| env.contains_key("CLOSER_HTTP_ADDR"))
        .collect()
}

/// The LiveKit nodes of the compose file (the services running LiveKit's image).
fn livekit_nodes(compose: &Value) -> BTreeMap<String, Value> {
    services(compose)
        .iter()
        .filter(|(_, s)| s["image"].as_str().is_some_and(|i| i.starts_with("livekit/livekit-server:")))
        .map(|(name, s)| (name.as_str().unwrap().to_owned(), s.clone()))
        .collect()
}

/// A server's configuration from its compose environment alone (not this process's), through
/// the same `CLOSER_*` mapping and validation as `closer-server serve`.
#[allow(clippy::result_large_err)] // figment::Jail's closure must return figment's own (large) Error
fn server_config(env: &BTreeMap<String, String>) -> Config {
    let mut config = None;
    figment::Jail::expect_with(|jail| {
        let mut keys = Vec::new();
        for (name, value) in env {
            let key = name.strip_prefix("CLOSER_").unwrap_or_else(|| panic!("{name} is not a CLOSER_ variable"));
            jail.set_env(name, value);
            keys.push(key.to_lowercase());
        }
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let figment = Figment::from(Serialized::defaults(Config::default())).merge(Env::prefixed("CLOSER_").only(&keys));
        config = Some(Config::from_figment(figment).map_err(|e| e.to_string())?);
        Ok(())
    });
    config.expect("loaded")
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, host)| host)
}

#[test]
fn every_variable_is_in_the_example_and_compose_refuses_to_start_without_a_secret() {
    let example = env_example();
    let compose = read("deploy/compose.yaml");
    let refs = references(&compose);
    assert!(!refs.is_empty());
    for r in &refs {
        assert!(example.contains_key(&r.name), "deploy/compose.yaml uses ${{{}}}, which deploy/.env.example does not list", r.name);
    }
    let secrets: Vec<&String> = example.iter().filter(|(_, v)| v.is_empty()).map(|(k, _)| k).collect();
    assert!(secrets.len() >= 4, "the example leaves the secrets empty: {secrets:?}");
    for secret in secrets {
        assert!(
            refs.iter().filter(|r| &r.name == secret).all(|r| r.required),
            "{secret} is used without `:?`: compose would start with it empty"
        );
        let mut missing = filled_env();
        missing.insert(secret.clone(), String::new());
        assert_eq!(interpolate(&compose, &missing), Err(secret.clone()), "compose must refuse to start without {secret}");
    }
}

#[test]
fn the_servers_load_their_configuration_and_share_what_a_deployment_shares() {
    let compose = compose();
    let servers = servers(&compose);
    assert!(servers.len() >= 2, "two servers at least: {:?}", servers.keys());
    let known: BTreeSet<String> = serde_json::to_value(Config::default())
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("CLOSER_{}", k.to_uppercase()))
        .collect();
    let mut configs = Vec::new();
    for (name, env) in &servers {
        for key in env.keys() {
            assert!(known.contains(key), "{name}: {key} is not a key of the server's configuration");
        }
        let config = server_config(env);
        let service = &services(&compose)[name.as_str()];
        let health = service["healthcheck"]["test"].as_sequence().expect("a health check");
        let probe = health.last().and_then(Value::as_str).unwrap();
        assert_eq!(probe, format!("http://127.0.0.1:{}/healthz", config.http_addr.port()), "{name}'s health check");
        let mounts: Vec<&str> = service["volumes"].as_sequence().unwrap().iter().filter_map(Value::as_str).collect();
        let recordings = format!("recordings:{}", config.recordings_dir.display());
        assert!(mounts.contains(&recordings.as_str()), "{name} keeps recordings on the shared volume: {mounts:?}");
        configs.push((name, config));
    }
    // One deployment: the same stores, LiveKit, agent name, signing secret and key prefix.
    let (first_name, first) = &configs[0];
    for (name, c) in &configs[1..] {
        let same = [
            ("database_url", &first.database_url, &c.database_url),
            ("mongodb_url", &first.mongodb_url, &c.mongodb_url),
            ("redis_url", &first.redis_url, &c.redis_url),
            ("redis_prefix", &first.redis_prefix, &c.redis_prefix),
            ("livekit_url", &first.livekit_url, &c.livekit_url),
            ("livekit_api_secret", &first.livekit_api_secret, &c.livekit_api_secret),
            ("livekit_agent_name", &first.livekit_agent_name, &c.livekit_agent_name),
            ("jwt_secret", &first.jwt_secret, &c.jwt_secret),
            ("public_base_url", &first.public_base_url, &c.public_base_url),
        ];
        for (key, a, b) in same {
            assert_eq!(a, b, "{first_name} and {name} differ in {key}");
        }
    }
    for store in [&first.database_url, &first.mongodb_url, &first.redis_url] {
        let service = host(store).split(':').next().unwrap();
        assert!(services(&compose).contains_key(service), "{store} names no service of the compose file");
    }
}

#[test]
fn the_livekit_nodes_share_redis_and_the_servers_credentials() {
    let compose = compose();
    let livekit: Value = serde_norway::from_str(&read("deploy/livekit.yaml")).expect("deploy/livekit.yaml is YAML");
    let server = server_config(servers(&compose).values().next().unwrap());
    let nodes = livekit_nodes(&compose);
    assert!(nodes.len() >= 2, "two LiveKit nodes at least: {:?}", nodes.keys());

    let redis = livekit["redis"]["address"].as_str().expect("redis.address: multi-node mode");
    let redis_service = redis.split(':').next().unwrap();
    assert!(
        services(&compose).get(redis_service).and_then(|s| s["image"].as_str()).is_some_and(|i| i.starts_with("redis:")),
        "{redis} is not the compose file's Redis"
    );
    assert_eq!(livekit["room"]["auto_create"].as_bool(), Some(false), "rooms are created by the servers, with their limits");

    // The version the tests run (scripts/services) is the one deployed.
    let services_script = read("scripts/services");
    let tested = services_script
        .lines()
        .find_map(|l| l.strip_prefix("readonly LIVEKIT_VERSION="))
        .expect("scripts/services pins LiveKit");
    let mut udp_ports = BTreeSet::new();
    for (name, node) in &nodes {
        assert_eq!(node["image"].as_str().unwrap(), format!("livekit/livekit-server:{tested}"), "{name}");
        let keys = environment(node).remove("LIVEKIT_KEYS").unwrap_or_else(|| panic!("{name} has no LIVEKIT_KEYS"));
        let (key, secret) = keys.split_once(':').expect("LIVEKIT_KEYS is `key: secret`");
        assert_eq!(key.trim(), server.livekit_api_key, "{name}'s API key");
        assert_eq!(secret.trim(), server.livekit_api_secret, "{name}'s API secret");
        let command: Vec<&str> = node["command"].as_sequence().unwrap().iter().filter_map(Value::as_str).collect();
        let udp = command.iter().position(|a| *a == "--udp-port").map(|i| command[i + 1]).expect("--udp-port");
        assert!(udp_ports.insert(udp.to_owned()), "{name} shares UDP port {udp} with another node");
        let published: Vec<&str> = node["ports"].as_sequence().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(published.contains(&format!("{udp}:{udp}/udp").as_str()), "{name} does not publish its UDP port: {published:?}");
    }

    // Webhooks: signed with the servers' key, sent to the path the tests' LiveKit uses, on a
    // service of the compose file.
    assert_eq!(livekit["webhook"]["api_key"].as_str(), Some(server.livekit_api_key.as_str()));
    let urls = livekit["webhook"]["urls"].as_sequence().expect("webhook.urls");
    for url in urls.iter().filter_map(Value::as_str) {
        let path = &url[url.find("://").unwrap() + 3..];
        let path = &path[path.find('/').unwrap()..];
        assert!(services_script.contains(&format!("{path}\n")), "{url}: not the webhook path the tests' LiveKit posts to");
        assert!(services(&compose).contains_key(host(url)), "{url} names no service of the compose file");
    }
}

/// Caddyfile sites (by address) → the upstreams of their `reverse_proxy`.
fn caddy_sites(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut sites = BTreeMap::new();
    let (mut depth, mut site) = (0usize, None::<String>);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if depth == 0 {
            if let Some(address) = line.strip_suffix('{') {
                site = Some(address.trim().to_owned());
            }
        } else if let (1, Some(site), Some(rest)) = (depth, &site, line.strip_prefix("reverse_proxy ")) {
            let upstreams = rest.trim_end_matches('{').split_whitespace().map(str::to_owned);
            sites.entry(site.clone()).or_insert_with(BTreeSet::new).extend(upstreams);
        }
        depth += line.matches('{').count() - line.matches("{$").count();
        depth -= line.matches('}').count() - line.matches("{$").count();
    }
    sites
}

#[test]
fn the_proxy_balances_every_server_and_every_node() {
    let compose = compose();
    let sites = caddy_sites(&read("deploy/Caddyfile"));
    let servers = servers(&compose);
    let server = server_config(servers.values().next().unwrap());
    let port = server.http_addr.port();
    let server_upstreams: BTreeSet<String> = servers.keys().map(|s| format!("{s}:{port}")).collect();
    let livekit: Value = serde_norway::from_str(&read("deploy/livekit.yaml")).unwrap();
    let livekit_port = livekit["port"].as_u64().expect("port");
    let node_upstreams: BTreeSet<String> = livekit_nodes(&compose).keys().map(|n| format!("{n}:{livekit_port}")).collect();

    assert_eq!(sites.get("{$CLOSER_DOMAIN}"), Some(&server_upstreams), "the public site: {sites:?}");
    assert_eq!(sites.get("{$LIVEKIT_DOMAIN}"), Some(&node_upstreams), "LiveKit's site: {sites:?}");
    let webhook = livekit["webhook"]["urls"][0].as_str().unwrap();
    let internal = format!("http://{}", host(webhook));
    assert_eq!(sites.get(&internal), Some(&server_upstreams), "LiveKit's webhooks reach every server: {sites:?}");

    // The names the proxy answers to are the ones the servers hand out.
    let proxy = environment(&services(&compose)["proxy"]);
    assert_eq!(host(&server.public_base_url), proxy["CLOSER_DOMAIN"]);
    assert_eq!(host(&server.livekit_url), proxy["LIVEKIT_DOMAIN"]);
}
