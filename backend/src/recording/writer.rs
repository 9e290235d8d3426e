//! The track writer: a task owning the open track files, fed through a bounded queue so the
//! live session never waits for the disk (a full queue drops the frame and logs it).

use super::paths::{meeting_dir, safe_name};
use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use tokio::sync::{mpsc, oneshot};

/// Frames queued for the disk: 20 s of audio for five speakers.
const QUEUE: usize = 5000;
/// Bytes per millisecond of 16 kHz mono s16le.
pub const BYTES_PER_MS: u64 = 32;

enum Job {
    Frame { meeting: String, identity: String, position_ms: u64, samples: Vec<i16> },
    /// Closes the meeting's files once everything queued before is written.
    Close { meeting: String, done: oneshot::Sender<()> },
}

/// Handle to the writer task (cheap to clone).
#[derive(Clone)]
pub struct Recorder {
    queue: mpsc::Sender<Job>,
}

impl Recorder {
    /// Starts the writer under `root` (`recordings_dir`).
    pub fn start(root: PathBuf) -> Self {
        let (queue, mut rx) = mpsc::channel::<Job>(QUEUE);
        tokio::task::spawn_blocking(move || {
            let mut open: HashMap<(String, String), std::fs::File> = HashMap::new();
            while let Some(job) = rx.blocking_recv() {
                match job {
                    Job::Frame { meeting, identity, position_ms, samples } => {
                        let key = (meeting, identity);
                        if !open.contains_key(&key) {
                            match open_track(&root, &key.0, &key.1) {
                                Ok(file) => {
                                    open.insert(key.clone(), file);
                                }
                                Err(e) => {
                                    tracing::error!(meeting = key.0, error = %e, "recording track cannot be opened; frame dropped");
                                    continue;
                                }
                            }
                        }
                        let file = open.get_mut(&key).expect("opened above");
                        if let Err(e) = write_at(file, position_ms, &samples) {
                            tracing::error!(meeting = key.0, error = %e, "recording write failed; frame dropped");
                        }
                    }
                    Job::Close { meeting, done } => {
                        open.retain(|(m, _), _| *m != meeting);
                        let _ = done.send(());
                    }
                }
            }
        });
        Self { queue }
    }

    /// Queues 20 ms (or any length) of `identity`'s audio starting at `position_ms` on the
    /// meeting's audio axis. Call it only for participants who consented to AI assistance.
    pub fn write(&self, meeting: &str, identity: &str, position_ms: u64, samples: &[i16]) {
        let job = Job::Frame { meeting: meeting.to_owned(), identity: identity.to_owned(), position_ms, samples: samples.to_vec() };
        if self.queue.try_send(job).is_err() {
            tracing::warn!(meeting, "recording queue full: frame dropped");
        }
    }

    /// Waits until every frame of `meeting` queued so far is on disk and closes its files
    /// (finalize calls it before mixing).
    pub async fn close(&self, meeting: &str) {
        let (done, wait) = oneshot::channel();
        if self.queue.send(Job::Close { meeting: meeting.to_owned(), done }).await.is_ok() {
            let _ = wait.await;
        }
    }
}

fn open_track(root: &std::path::Path, meeting: &str, identity: &str) -> std::io::Result<std::fs::File> {
    let dir = meeting_dir(root, meeting).join("tracks");
    std::fs::create_dir_all(&dir)?;
    std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(dir.join(format!("{}.pcm", safe_name(identity))))
}

/// Writes `samples` at `position_ms`; a hole before it reads back as silence (zeros).
fn write_at(file: &mut std::fs::File, position_ms: u64, samples: &[i16]) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(position_ms * BYTES_PER_MS))?;
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    file.write_all(&bytes)
}
