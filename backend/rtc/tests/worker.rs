//! Agent dispatch against a real livekit-server: a worker registers under an agent name, an
//! explicit dispatch of that name to a room reaches it (and not a worker registered under another
//! name), its assignment's token admits it to the room as an agent participant with the identity
//! it chose, and a job it finishes frees its capacity; a job its admission declines goes to another
//! worker of that name. Needs CLOSER_MODELS_DIR and
//! CLOSER_LIVEKIT_* (scripts/test exports them).
use std::time::Duration;

use closer_rtc::{Connected, RoomOptions, Worker, WorkerEvent, WorkerOptions};
use livekit_api::access_token::{AccessToken, VideoGrants};
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::room::RoomClient;
use livekit_protocol as lk;
use tokio::time::timeout;

mod common;
use common::{env, rtc, unique_room};

fn worker_token(secret: &str) -> String {
    AccessToken::with_api_key(&env("CLOSER_LIVEKIT_API_KEY"), secret)
        .with_identity("closer-worker")
        .with_grants(VideoGrants {
            agent: true,
            ..Default::default()
        })
        .to_jwt()
        .expect("token")
}

fn options(agent_name: &str) -> WorkerOptions {
    WorkerOptions {
        agent_name: agent_name.to_owned(),
        max_jobs: 1,
        hidden: false,
        admit: closer_rtc::Admission::always(closer_rtc::JoinAs {
            identity: "agent-copilot".into(),
            name: "Closer copilot".into(),
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatch_reaches_the_worker_of_that_agent_name_which_joins_as_an_agent() {
    let url = env("CLOSER_LIVEKIT_URL");
    let secret = env("CLOSER_LIVEKIT_API_SECRET");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let agent_name = format!("closer-test-{nanos}");
    let (worker, mut events) = Worker::register(&url, &worker_token(&secret), options(&agent_name))
        .await
        .expect("the worker registers");
    assert!(worker.id.starts_with("AW_"), "worker id {}", worker.id);
    let (_other, mut other_events) = Worker::register(
        &url,
        &worker_token(&secret),
        options(&format!("{agent_name}-other")),
    )
    .await
    .expect("a second worker registers");

    let room = unique_room("dispatch").await;
    let dispatches =
        AgentDispatchClient::with_api_key(&url, &env("CLOSER_LIVEKIT_API_KEY"), &secret);
    dispatches
        .create_dispatch(lk::CreateAgentDispatchRequest {
            agent_name: agent_name.clone(),
            room: room.clone(),
            metadata: "meeting 42".into(),
            ..Default::default()
        })
        .await
        .expect("dispatch");

    let assignment = match timeout(Duration::from_secs(20), events.recv()).await {
        Ok(Some(WorkerEvent::Assigned(assignment))) => assignment,
        other => panic!("no assignment within 20 s: {other:?}"),
    };
    assert_eq!(
        (assignment.room.as_str(), assignment.metadata.as_str()),
        (room.as_str(), "meeting 42")
    );
    assert_eq!(worker.jobs(), 1);

    let Connected { room: joined, .. } = rtc()
        .connect(
            assignment.url.as_deref().unwrap_or(&url),
            &assignment.token,
            RoomOptions {
                auto_subscribe: false,
            },
        )
        .await
        .expect("the assignment's token admits the worker");
    assert_eq!(joined.identity, "agent-copilot");
    let listed = RoomClient::with_api_key(&url, &env("CLOSER_LIVEKIT_API_KEY"), &secret)
        .list_participants(&room)
        .await
        .expect("list participants");
    let agent = listed
        .iter()
        .find(|p| p.identity == "agent-copilot")
        .expect("LiveKit lists the agent");
    assert_eq!(
        agent.kind,
        lk::participant_info::Kind::Agent as i32,
        "joined as an agent participant"
    );
    assert_eq!(agent.name, "Closer copilot");
    assert_eq!(
        agent.attributes.get(closer_rtc::WORKER_ATTRIBUTE),
        Some(&worker.id),
        "the agent names its worker"
    );

    // The dispatch named the first worker's agent: the other worker was never asked.
    assert!(
        other_events.try_recv().is_err(),
        "a worker of another agent name got the job"
    );

    joined.disconnect().await.expect("leave");
    worker.finish(&assignment.job_id, None);
    assert_eq!(worker.jobs(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_the_admission_declines_goes_to_another_worker_of_that_name() {
    let url = env("CLOSER_LIVEKIT_URL");
    let secret = env("CLOSER_LIVEKIT_API_SECRET");
    let agent_name = format!("closer-test-admit-{}", std::process::id());
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = asked.clone();
    let declining = WorkerOptions {
        admit: closer_rtc::Admission::new(move |_| {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::ready(None)
        }),
        ..options(&agent_name)
    };
    let (declining, mut declining_events) = Worker::register(&url, &worker_token(&secret), declining)
        .await
        .expect("the declining worker registers");
    // Room for every round's job: a full worker is skipped by LiveKit, and a job finished
    // just before the next dispatch may still count as running there (the worker's
    // "available" status races the dispatch), leaving only the declining worker to ask.
    const ROUNDS: usize = 4;
    let accepting = WorkerOptions {
        max_jobs: ROUNDS,
        ..options(&agent_name)
    };
    let (accepting, mut accepting_events) =
        Worker::register(&url, &worker_token(&secret), accepting)
            .await
            .expect("the accepting worker registers");

    // LiveKit asks either worker first (at random, weighted by load; each is asked about half
    // the rooms): every job still ends up with the accepting one.
    let dispatches =
        AgentDispatchClient::with_api_key(&url, &env("CLOSER_LIVEKIT_API_KEY"), &secret);
    for round in 0..ROUNDS {
        let room = unique_room("admission").await;
        dispatches
            .create_dispatch(lk::CreateAgentDispatchRequest {
                agent_name: agent_name.clone(),
                room: room.clone(),
                ..Default::default()
            })
            .await
            .expect("dispatch");
        let assignment = match timeout(Duration::from_secs(20), accepting_events.recv()).await {
            Ok(Some(WorkerEvent::Assigned(assignment))) => assignment,
            other => panic!("round {round}: no assignment within 20 s: {other:?}"),
        };
        assert_eq!(assignment.room, room);
        accepting.finish(&assignment.job_id, None);
    }
    assert!(
        declining_events.try_recv().is_err(),
        "the declining worker got a job"
    );
    assert_eq!(declining.jobs(), 0, "a declined job counts as running");
    println!(
        "the declining worker was asked {} times in 4 rooms",
        asked.load(std::sync::atomic::Ordering::SeqCst)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_with_a_forged_token_is_refused() {
    let refused = Worker::register(
        &env("CLOSER_LIVEKIT_URL"),
        &worker_token("not-the-secret-not-the-secret-0000"),
        options("closer-test-forged"),
    )
    .await;
    assert!(refused.is_err(), "a forged worker token must be refused");
}
