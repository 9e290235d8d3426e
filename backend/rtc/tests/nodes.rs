//! LiveKit's multi-node mode as `deploy/` runs it (issue #19): two livekit-server processes
//! started from `deploy/livekit.yaml` itself — only the addresses changed for loopback — sharing
//! the test Redis. A room lives on one node; a participant connected to the other is routed to
//! it through Redis. A speaker on node A is heard by a listener on node B, and each node's API
//! lists the room. livekit-server refuses unknown keys, so this also checks the file's keys.
//! Needs CLOSER_MODELS_DIR, CLOSER_LIVEKIT_API_*, CLOSER_REDIS_URL and CLOSER_LIVEKIT_BIN
//! (scripts/test exports them).
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use closer_rtc::{Connected, RoomOptions};
use livekit_api::services::room::{CreateRoomOptions, RoomClient};
use serde_norway::{Mapping, Value};
use tokio::process::{Child, Command};

mod common;
use common::{env, hear, rtc, speak, subscribed_audio, token};

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn set(map: &mut Value, path: &[&str], value: Value) {
    let mut at = map;
    for key in &path[..path.len() - 1] {
        let entry = at
            .as_mapping_mut()
            .unwrap()
            .entry(Value::from(*key))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        at = entry;
    }
    at.as_mapping_mut().unwrap().insert(Value::from(path[path.len() - 1]), value);
}

/// One node: the deployment's configuration with loopback addresses (the test stays on
/// 127.0.0.1, as scripts/services' LiveKit does), the test Redis, and no webhook receiver.
struct Node {
    url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Node {
    async fn start(name: &str) -> Node {
        let deploy = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/livekit.yaml");
        let mut config: Value = serde_norway::from_str(&std::fs::read_to_string(&deploy).unwrap())
            .expect("deploy/livekit.yaml is YAML");
        let port = free_tcp_port();
        let redis = env("CLOSER_REDIS_URL");
        let redis = redis.trim_start_matches("redis://").trim_end_matches('/');
        set(&mut config, &["port"], port.into());
        set(&mut config, &["bind_addresses"], Value::Sequence(vec!["127.0.0.1".into()]));
        set(&mut config, &["redis", "address"], redis.into());
        set(&mut config, &["rtc", "tcp_port"], 0.into());
        set(&mut config, &["rtc", "enable_loopback_candidate"], true.into());
        set(&mut config, &["rtc", "ips", "includes"], Value::Sequence(vec!["127.0.0.1/32".into()]));
        // No STUN server off this machine: a loopback port where nothing answers.
        set(&mut config, &["rtc", "stun_servers"], Value::Sequence(vec![format!("127.0.0.1:{}", free_udp_port()).into()]));
        config.as_mapping_mut().unwrap().remove("webhook");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("livekit.yaml");
        std::fs::write(&file, serde_norway::to_string(&config).unwrap()).unwrap();
        let keys = format!("{}: {}", env("CLOSER_LIVEKIT_API_KEY"), env("CLOSER_LIVEKIT_API_SECRET"));
        let log = std::fs::File::create(dir.path().join("livekit.log")).unwrap();
        // The deployment's command line (deploy/compose.yaml), loopback addresses.
        let child = Command::new(env("CLOSER_LIVEKIT_BIN"))
            .args(["--config", file.to_str().unwrap(), "--node-ip", "127.0.0.1"])
            .args(["--udp-port", &free_udp_port().to_string()])
            .env("LIVEKIT_KEYS", keys)
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("livekit-server starts");
        let node = Node { url: format!("http://127.0.0.1:{port}"), child, _dir: dir };
        node.ready(name).await;
        node
    }

    async fn ready(&self, name: &str) {
        for _ in 0..100 {
            if self.rooms().list_rooms(Vec::new()).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(self._dir.path().join("livekit.log")).unwrap_or_default();
        panic!("node {name} did not answer on {} within 10 s:\n{log}", self.url);
    }

    fn rooms(&self) -> RoomClient {
        RoomClient::with_api_key(&self.url, &env("CLOSER_LIVEKIT_API_KEY"), &env("CLOSER_LIVEKIT_API_SECRET"))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speaker_on_one_node_is_heard_by_a_listener_on_the_other() {
    let (a, b) = (Node::start("a").await, Node::start("b").await);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let room = format!("rtc-nodes-{nanos}");
    a.rooms().create_room(&room, CreateRoomOptions::default()).await.expect("node a creates the room");
    for (name, node) in [("a", &a), ("b", &b)] {
        let listed = node.rooms().list_rooms(vec![room.clone()]).await.expect("list rooms");
        assert_eq!(listed.len(), 1, "node {name} knows the room through Redis");
    }

    let connect = |url: String, identity: &'static str| {
        let room = room.clone();
        async move {
            rtc()
                .connect(&url, &token(&room, identity, false), RoomOptions { auto_subscribe: true })
                .await
                .unwrap_or_else(|e| panic!("{identity} joins through {url}: {e}"))
        }
    };
    let Connected { room: alice, .. } = connect(a.url.clone(), "alice").await;
    let Connected { room: bob, mut events, participants } = connect(b.url.clone(), "bob").await;
    assert_eq!(
        participants.iter().map(|(p, _)| p.identity.as_str()).collect::<Vec<_>>(),
        ["alice"],
        "bob, on node b, sees alice, on node a"
    );

    let talking = speak(&alice, 440.0, 3.0).await;
    let track = subscribed_audio(&mut events, "alice").await;
    let mut stream = bob.subscribe_audio(track, 16_000, 1).expect("audio stream");
    let heard = hear(&mut stream, 24_000).await;
    let tail = &heard[heard.len() - 8_000..];
    let rms = (tail.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / tail.len() as f64).sqrt();
    assert!(rms > 1000.0, "alice's tone reaches bob across the nodes (rms {rms:.0}, sent 5657)");
    talking.await.unwrap();
    alice.disconnect().await.expect("alice leaves");
    bob.disconnect().await.expect("bob leaves");
}
