//! `serve`: migrate, bind, serve until SIGINT/SIGTERM, then drain.

use crate::config::Config;
use crate::state::AppState;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Applies migrations, binds `config.http_addr` and serves the API until `shutdown` resolves;
/// then stops accepting and waits up to `shutdown_grace_ms` for in-flight requests.
///
/// Errors: PostgreSQL unreachable at start (migrations must apply before serving), the address
/// already in use, or the grace period running out.
pub async fn serve(config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    let grace = Duration::from_millis(config.shutdown_grace_ms);
    let state = AppState::new(config).await?;
    crate::store::relational::migrate(&state.pg).await?;
    // Delivers the CRM webhook outbox until the server stops (dropping it stops the task).
    let _webhooks = crate::webhooks::worker::start(
        state.pg.clone(),
        crate::webhooks::worker::Settings::from_config(&state.config),
    );
    // Finalizes ended meetings (recap, `processed`, webhook); picks up jobs a previous run left.
    let finalizer = crate::recap::finalize::Finalizer::new(&state.config, state.pg.clone(), state.mongo.clone())
        .with_recorder(state.recorder.clone())
        .with_live_flush({
            let live = state.live.clone();
            Arc::new(move |meeting| {
                let live = live.clone();
                Box::pin(async move { live.end(meeting).await })
            })
        });
    let _finalize = crate::recap::jobs::start(
        state.pg.clone(),
        Arc::new(finalizer),
        crate::recap::jobs::Settings::from_config(&state.config),
    );
    // The copilot: LiveKit dispatches each meeting's room to this worker (or another server's).
    let _copilot = crate::agent::start(state.clone())?;
    // The phone line, when configured: calls answered by the numbers' AI agents.
    let _phone = match state.config.sip_addr {
        Some(sip) => {
            let library = closer_rtc::library_path(&state.config.models_dir);
            let rtc = closer_rtc::Rtc::load(&library).map_err(|e| anyhow::anyhow!("{}: {e}", library.display()))?;
            Some(crate::phone::line::start(state.clone(), rtc, sip).await?)
        }
        None => None,
    };
    let listener = TcpListener::bind(state.config.http_addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");

    let (drained_tx, drained_rx) = tokio::sync::oneshot::channel::<()>();
    // Connect info: per-client rate limits (login, guest join) key on the peer address.
    let app = crate::http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: draining in-flight requests");
        let _ = drained_tx.send(());
    });
    let server = tokio::spawn(async move { server.await });
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => result??,
        _ = async {
            let _ = drained_rx.await;
            tokio::time::sleep(grace).await;
        } => anyhow::bail!("in-flight requests still running after {} ms; exiting", grace.as_millis()),
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what `kill` and service managers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}
