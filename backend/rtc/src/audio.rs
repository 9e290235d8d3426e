//! Audio in and out of a room as 16-bit PCM: a subscribed track as a stream of frames, and a
//! published track fed with frames.
use tokio::sync::mpsc;

use crate::error::Error;
use crate::ffi::{Ffi, Handle};
use crate::proto::{self, ffi_event, ffi_request as req, ffi_response as resp};
use crate::room::{call, unexpected};

/// Interleaved 16-bit PCM.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioFrame {
    /// Samples, interleaved when `channels > 1`; `samples.len() / channels` per channel.
    pub samples: Vec<i16>,
    /// Hz.
    pub sample_rate: u32,
    /// Channel count.
    pub channels: u32,
}

impl AudioFrame {
    /// Copies a frame the library owns and releases it.
    pub(crate) fn copy_and_release(ffi: &Ffi, owned: proto::OwnedAudioFrameBuffer) -> AudioFrame {
        let buffer = Handle::new(ffi, owned.handle.id);
        let info = owned.info;
        let len = info.samples_per_channel as usize * info.num_channels as usize;
        // SAFETY: the library keeps `len` i16 samples at `data_ptr` (2-aligned, from a Vec<i16>)
        // alive until the frame's handle is dropped, which happens after this copy.
        let samples =
            unsafe { std::slice::from_raw_parts(info.data_ptr as *const i16, len) }.to_vec();
        drop(buffer);
        AudioFrame {
            samples,
            sample_rate: info.sample_rate,
            channels: info.num_channels,
        }
    }
}

/// A subscribed remote audio track as 10 ms frames at the requested rate and channel count.
#[derive(Debug)]
pub struct AudioStream {
    ffi: &'static Ffi,
    handle: Handle,
    _track: Handle,
    frames: mpsc::UnboundedReceiver<AudioFrame>,
}

impl AudioStream {
    pub(crate) fn open(
        ffi: &'static Ffi,
        track: Handle,
        track_sid: &str,
        sample_rate: u32,
        channels: u32,
    ) -> Result<AudioStream, Error> {
        let request = req::Message::NewAudioStream(proto::NewAudioStreamRequest {
            track_handle: track.id,
            r#type: proto::AudioStreamType::AudioStreamNative as i32,
            sample_rate: Some(sample_rate),
            num_channels: Some(channels),
            // 0, as LiveKit's own Python SDK always sends (an unbounded queue, in its words): no
            // frame may be dropped inside the library when a busy server delays the reader; a
            // backlog shows in `AudioStream::backlog` instead.
            queue_size_frames: Some(0),
            ..Default::default()
        });
        let stream = match ffi.request("new_audio_stream", request)? {
            resp::Message::NewAudioStream(r) => Handle::new(ffi, r.stream.handle.id),
            other => return Err(unexpected("new_audio_stream", &other)),
        };
        let (tx, frames) = mpsc::unbounded_channel();
        ffi.route_stream(stream.id, track_sid, tx);
        Ok(AudioStream {
            ffi,
            handle: stream,
            _track: track,
            frames,
        })
    }

    /// The next frame, or `None` once the track is gone (unsubscribed, unpublished, room left).
    pub async fn recv(&mut self) -> Option<AudioFrame> {
        self.frames.recv().await
    }

    /// Frames received and not yet read: how far the reader is behind the track, in frames.
    pub fn backlog(&self) -> usize {
        self.frames.len()
    }
}

impl Drop for AudioStream {
    fn drop(&mut self) {
        self.ffi.unroute_stream(self.handle.id);
    }
}

/// A published microphone track's input: push PCM with [`AudioSource::capture`].
#[derive(Debug)]
pub struct AudioSource {
    ffi: &'static Ffi,
    source: Handle,
    track: Option<Handle>,
    publication: Option<Handle>,
    /// Track sid once published.
    pub sid: String,
    /// Hz the source was created with.
    pub sample_rate: u32,
    /// Channel count the source was created with.
    pub channels: u32,
}

impl AudioSource {
    pub(crate) fn new(
        ffi: &'static Ffi,
        sample_rate: u32,
        channels: u32,
    ) -> Result<AudioSource, Error> {
        let request = req::Message::NewAudioSource(proto::NewAudioSourceRequest {
            r#type: proto::AudioSourceType::AudioSourceNative as i32,
            // Synthesized speech and relayed calls need no echo cancellation, noise suppression or
            // gain control; they would only colour the audio.
            options: Some(proto::AudioSourceOptions {
                echo_cancellation: false,
                noise_suppression: false,
                auto_gain_control: false,
                prefer_hardware: None,
            }),
            sample_rate: Some(sample_rate),
            num_channels: Some(channels),
            // The library buffers this much audio; `capture` returns once the frame is queued,
            // which paces a producer faster than real time to real time.
            queue_size_ms: Some(200),
            platform_audio_handle: None,
        });
        let source = match ffi.request("new_audio_source", request)? {
            resp::Message::NewAudioSource(r) => Handle::new(ffi, r.source.handle.id),
            other => return Err(unexpected("new_audio_source", &other)),
        };
        Ok(AudioSource {
            ffi,
            source,
            track: None,
            publication: None,
            sid: String::new(),
            sample_rate,
            channels,
        })
    }

    pub(crate) fn handle_id(&self) -> u64 {
        self.source.id
    }

    pub(crate) fn published(
        mut self,
        track: Handle,
        sid: String,
        publication: Handle,
    ) -> AudioSource {
        self.track = Some(track);
        self.publication = Some(publication);
        self.sid = sid;
        self
    }

    /// Drops the audio queued and not yet sent (at most the 200 ms queue), so a speaker that is
    /// interrupted falls silent at once instead of finishing what it had queued.
    ///
    /// Errors: [`Error::Rejected`] when the library refuses the request.
    pub fn clear(&self) -> Result<(), Error> {
        let request = req::Message::ClearAudioBuffer(proto::ClearAudioBufferRequest { source_handle: self.source.id });
        match self.ffi.request("clear_audio_buffer", request)? {
            resp::Message::ClearAudioBuffer(_) => Ok(()),
            other => Err(unexpected("clear_audio_buffer", &other)),
        }
    }

    /// Queues interleaved samples (a multiple of 10 ms is best: 160 samples per channel at
    /// 16 kHz) for sending; returns once the library has room for them, i.e. in real time.
    ///
    /// Errors: [`Error::Rejected`] when the sample count is not a multiple of the channel count
    /// or the library refuses the frame.
    pub async fn capture(&self, samples: &[i16]) -> Result<(), Error> {
        if samples.is_empty() || !samples.len().is_multiple_of(self.channels as usize) {
            return Err(Error::Rejected(format!(
                "{} samples is not a whole number of {}-channel frames",
                samples.len(),
                self.channels
            )));
        }
        let (async_id, callback) = self.ffi.expect_callback();
        let data_ptr = self.ffi.keep_until_callback(async_id, samples.into());
        let request = req::Message::CaptureAudioFrame(proto::CaptureAudioFrameRequest {
            source_handle: self.source.id,
            buffer: proto::AudioFrameBufferInfo {
                data_ptr,
                num_channels: self.channels,
                sample_rate: self.sample_rate,
                samples_per_channel: (samples.len() / self.channels as usize) as u32,
            },
            request_async_id: Some(async_id),
        });
        match call(self.ffi, "capture_audio_frame", async_id, request, callback).await? {
            ffi_event::Message::CaptureAudioFrame(cb) => {
                cb.error.map_or(Ok(()), |e| Err(Error::Rejected(e)))
            }
            other => Err(unexpected("capture_audio_frame", &other)),
        }
    }
}
