//! The jobs one registered worker runs, each a task of its own: stopped when LiveKit terminates
//! it or the worker's connection ends (dropping [`Jobs`] stops them all), and reported to the
//! worker when it ends.

use std::collections::HashMap;
use std::future::Future;
use tokio::sync::{mpsc, oneshot};

/// The running jobs, by job id.
pub(super) struct Jobs {
    /// What `kind` of job these are, for the logs ("copilot", "AI agent").
    kind: &'static str,
    /// A job stops when its sender is used or dropped.
    running: HashMap<String, oneshot::Sender<()>>,
    done_tx: mpsc::UnboundedSender<(String, Option<String>)>,
    done: mpsc::UnboundedReceiver<(String, Option<String>)>,
}

impl Jobs {
    pub(super) fn new(kind: &'static str) -> Self {
        let (done_tx, done) = mpsc::unbounded_channel();
        Self { kind, running: HashMap::new(), done_tx, done }
    }

    /// Runs job `job_id` as `run(stop)`: `stop` resolves when [`Jobs::terminate`] is called for
    /// it and errs when the `Jobs` are dropped.
    pub(super) fn start<F, Fut>(&mut self, job_id: String, run: F)
    where
        F: FnOnce(oneshot::Receiver<()>) -> Fut,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        self.running.insert(job_id.clone(), stop);
        let (job, done_tx, kind) = (run(stopped), self.done_tx.clone(), self.kind);
        tokio::spawn(async move {
            let error = job.await.err().map(|e| format!("{e:#}"));
            if let Some(error) = &error {
                tracing::error!(job = job_id, error, "{kind} job failed");
            }
            let _ = done_tx.send((job_id, error));
        });
    }

    /// Stops job `job_id` (LiveKit terminated it).
    pub(super) fn terminate(&mut self, job_id: &str) {
        if let Some(stop) = self.running.remove(job_id) {
            let _ = stop.send(());
        }
    }

    /// The next job to end, with its error if it failed.
    pub(super) async fn finished(&mut self) -> (String, Option<String>) {
        // `done_tx` lives as long as `self`: the channel never closes while awaited here.
        let (job_id, error) = self.done.recv().await.expect("the sender is held by self");
        self.running.remove(&job_id);
        (job_id, error)
    }
}
