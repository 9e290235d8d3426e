//! The process-wide link to `liblivekit_ffi.so`: loading it, one synchronous request/response
//! call, and the event callback that routes the library's asynchronous events.
//!
//! The library runs its own threads and calls [`on_event`] from them with one protobuf
//! `FfiEvent` per call. Events are routed here by what they belong to:
//! - callbacks of asynchronous requests (connect, publish, capture, data...) by their async id,
//!   to the future awaiting them; the binding chooses that id itself (`request_async_id`) and
//!   registers before sending, so a callback can never arrive before its waiter exists;
//! - room events by room handle, and audio frames by stream handle, to that room's or stream's
//!   channel. Frames that arrive before their stream's channel is registered are held (up to
//!   [`EARLY_FRAMES`]) and delivered on registration.
//!
//! Owned buffers inside events (audio frames, data packets) are copied and their handles dropped
//! in the callback itself, so no library memory outlives the event that carried it.
use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use prost::Message;
use tokio::sync::{mpsc, oneshot};

use crate::audio::AudioFrame;
use crate::error::Error;
use crate::proto::{self, ffi_event, ffi_request, ffi_response};
use crate::room::RoomEvent;

type RequestFn = unsafe extern "C" fn(*const u8, usize, *mut *const u8, *mut usize) -> u64;
type DropHandleFn = unsafe extern "C" fn(u64) -> bool;
type EventCallback = extern "C" fn(*const u8, usize);
type InitializeFn = unsafe extern "C" fn(EventCallback, bool, *const c_char, *const c_char);

/// Frames held per audio stream whose channel is not registered yet: 1 s at the library's
/// 10 ms frames, more than the gap between a stream's creation and its registration.
pub(crate) const EARLY_FRAMES: usize = 100;

static FFI: OnceLock<Ffi> = OnceLock::new();
static LOADING: Mutex<()> = Mutex::new(());

pub(crate) struct Ffi {
    _library: libloading::Library,
    request: RequestFn,
    drop_handle: DropHandleFn,
    next_async_id: AtomicU64,
    routes: Mutex<Routes>,
}

#[derive(Default)]
struct Routes {
    callbacks: HashMap<u64, oneshot::Sender<ffi_event::Message>>,
    /// Buffers a pending request points into (data packets, audio frames), kept until its
    /// callback arrives even if the awaiting future is dropped: the library may still read them.
    buffers: HashMap<u64, Box<dyn std::any::Any + Send>>,
    rooms: HashMap<u64, mpsc::UnboundedSender<RoomEvent>>,
    /// Audio streams by stream handle, with the sid of the track they read.
    streams: HashMap<u64, (String, mpsc::UnboundedSender<AudioFrame>)>,
    early_frames: HashMap<u64, Vec<AudioFrame>>,
}

/// Proof that the library is loaded and initialized; `Copy`, free to pass around.
#[derive(Clone, Copy)]
pub struct Rtc(pub(crate) &'static Ffi);

impl Rtc {
    /// Loads `liblivekit_ffi.so` from `path` (see [`crate::library_path`]) and initializes it,
    /// once per process: later calls return the loaded library whatever path they pass, because
    /// the library keeps process-wide state (its runtime, its handle table) and cannot be loaded
    /// twice.
    ///
    /// Errors: [`Error::Load`] when the file is missing or is not that library.
    pub fn load(path: &Path) -> Result<Rtc, Error> {
        let _guard = LOADING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ffi) = FFI.get() {
            return Ok(Rtc(ffi));
        }
        let load_error = |source| Error::Load {
            path: path.to_owned(),
            source,
        };
        // SAFETY: loading runs the library's initializers; liblivekit_ffi's are Rust statics and
        // a C++ runtime with no load-time side effects beyond allocation.
        let library = unsafe { libloading::Library::new(path) }.map_err(load_error)?;
        // SAFETY: the signatures are those of livekit_ffi.h (and the wheel's Python ctypes
        // declarations for livekit_ffi_initialize, which the header omits).
        let (request, drop_handle, initialize) = unsafe {
            (
                *library
                    .get::<RequestFn>(b"livekit_ffi_request\0")
                    .map_err(load_error)?,
                *library
                    .get::<DropHandleFn>(b"livekit_ffi_drop_handle\0")
                    .map_err(load_error)?,
                *library
                    .get::<InitializeFn>(b"livekit_ffi_initialize\0")
                    .map_err(load_error)?,
            )
        };
        let ffi = FFI.get_or_init(|| Ffi {
            _library: library,
            request,
            drop_handle,
            next_async_id: AtomicU64::new(1),
            routes: Mutex::default(),
        });
        let sdk = CString::new("closer-rtc").expect("no NUL");
        let version = CString::new(env!("CARGO_PKG_VERSION")).expect("no NUL");
        // SAFETY: FFI is set before initialize, so every event the callback receives finds it;
        // the library copies the two strings during the call.
        unsafe { initialize(on_event, true, sdk.as_ptr(), version.as_ptr()) };
        Ok(Rtc(ffi))
    }
}

impl Ffi {
    /// Sends one request and returns the library's synchronous response.
    pub(crate) fn request(
        &self,
        name: &'static str,
        message: ffi_request::Message,
    ) -> Result<ffi_response::Message, Error> {
        let bytes = proto::FfiRequest {
            message: Some(message),
        }
        .encode_to_vec();
        let mut response: *const u8 = std::ptr::null();
        let mut response_len = 0usize;
        // SAFETY: `bytes` outlives the call; the library writes a pointer to its response buffer,
        // owned by the returned handle, which is dropped once the response is decoded.
        let handle = unsafe {
            (self.request)(
                bytes.as_ptr(),
                bytes.len(),
                &mut response,
                &mut response_len,
            )
        };
        if handle == 0 || response.is_null() {
            return Err(Error::UnexpectedResponse {
                request: name,
                got: "nothing".into(),
            });
        }
        // SAFETY: the buffer is valid for `response_len` bytes until its handle is dropped.
        let decoded = proto::FfiResponse::decode(unsafe {
            std::slice::from_raw_parts(response, response_len)
        });
        self.drop_handle(handle);
        decoded?.message.ok_or(Error::UnexpectedResponse {
            request: name,
            got: "nothing".into(),
        })
    }

    /// A fresh async id and the receiver its callback will be delivered to; pass the id as the
    /// request's `request_async_id`.
    pub(crate) fn expect_callback(&self) -> (u64, oneshot::Receiver<ffi_event::Message>) {
        let id = self.next_async_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.routes().callbacks.insert(id, tx);
        (id, rx)
    }

    /// Keeps `buffer` alive until the callback of `id` arrives (or is cancelled) and returns
    /// the address to put in the request.
    pub(crate) fn keep_until_callback<T: Send + 'static>(&self, id: u64, buffer: Box<[T]>) -> u64 {
        let address = buffer.as_ptr() as u64;
        self.routes().buffers.insert(id, Box::new(buffer));
        address
    }

    /// Forgets a callback whose request failed synchronously.
    pub(crate) fn cancel_callback(&self, id: u64) {
        let mut routes = self.routes();
        routes.callbacks.remove(&id);
        routes.buffers.remove(&id);
    }

    pub(crate) fn route_room(&self, room: u64, tx: mpsc::UnboundedSender<RoomEvent>) {
        self.routes().rooms.insert(room, tx);
    }

    pub(crate) fn unroute_room(&self, room: u64) {
        self.routes().rooms.remove(&room);
    }

    /// Delivers the frames of `stream`, which reads track `track_sid`, to `tx`; the channel is
    /// closed when the library ends the stream or the room reports the track unsubscribed or
    /// unpublished (the library itself just stops sending frames then).
    pub(crate) fn route_stream(
        &self,
        stream: u64,
        track_sid: &str,
        tx: mpsc::UnboundedSender<AudioFrame>,
    ) {
        let mut routes = self.routes();
        for frame in routes.early_frames.remove(&stream).unwrap_or_default() {
            let _ = tx.send(frame);
        }
        routes.streams.insert(stream, (track_sid.to_owned(), tx));
    }

    pub(crate) fn unroute_stream(&self, stream: u64) {
        let mut routes = self.routes();
        routes.streams.remove(&stream);
        routes.early_frames.remove(&stream);
    }

    pub(crate) fn drop_handle(&self, handle: u64) {
        // SAFETY: every handle passed here was returned by the library and is dropped once
        // (callers own it through `Handle` or drop it right after copying its data).
        unsafe { (self.drop_handle)(handle) };
    }

    fn routes(&self) -> std::sync::MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn route(&self, event: ffi_event::Message) {
        use ffi_event::Message as M;
        let async_id = match &event {
            M::Logs(batch) => return log(batch),
            M::Panic(panic) => {
                tracing::error!(target: "livekit", message = %panic.message, "liblivekit_ffi panicked");
                return;
            }
            M::RoomEvent(room_event) => {
                let room = room_event.room_handle;
                let Some(event) = RoomEvent::from_proto(self, room_event.clone()) else {
                    return;
                };
                let mut routes = self.routes();
                if let RoomEvent::TrackUnsubscribed { sid, .. }
                | RoomEvent::TrackUnpublished { sid, .. } = &event
                {
                    routes.streams.retain(|_, (track, _)| track != sid);
                }
                if let Some(tx) = routes.rooms.get(&room) {
                    let _ = tx.send(event);
                }
                return;
            }
            M::AudioStreamEvent(stream_event) => return self.route_audio(*stream_event),
            M::Connect(cb) => cb.async_id,
            M::Disconnect(cb) => cb.async_id,
            M::PublishTrack(cb) => cb.async_id,
            M::UnpublishTrack(cb) => cb.async_id,
            M::PublishData(cb) => cb.async_id,
            M::CaptureAudioFrame(cb) => cb.async_id,
            _ => return,
        };
        let waiter = {
            let mut routes = self.routes();
            routes.buffers.remove(&async_id);
            routes.callbacks.remove(&async_id)
        };
        if let Some(tx) = waiter {
            let _ = tx.send(event);
        }
    }

    fn route_audio(&self, event: proto::AudioStreamEvent) {
        use proto::audio_stream_event::Message as M;
        let stream = event.stream_handle;
        match event.message {
            Some(M::FrameReceived(received)) => {
                let frame = AudioFrame::copy_and_release(self, received.frame);
                let mut routes = self.routes();
                if let Some((_, tx)) = routes.streams.get(&stream) {
                    let _ = tx.send(frame);
                } else {
                    let early = routes.early_frames.entry(stream).or_default();
                    if early.len() < EARLY_FRAMES {
                        early.push(frame);
                    }
                }
            }
            Some(M::Eos(_)) => {
                // Dropping the sender ends the stream's `recv` with `None`.
                self.routes().streams.remove(&stream);
            }
            None => {}
        }
    }
}

/// The event callback handed to `livekit_ffi_initialize`. Never unwinds into the library.
extern "C" fn on_event(data: *const u8, len: usize) {
    let _ = std::panic::catch_unwind(|| {
        let Some(ffi) = FFI.get() else { return };
        // SAFETY: the library passes a buffer valid for `len` bytes for the duration of the call.
        let bytes = unsafe { std::slice::from_raw_parts(data, len) };
        match proto::FfiEvent::decode(bytes) {
            Ok(proto::FfiEvent {
                message: Some(message),
            }) => ffi.route(message),
            Ok(_) => {}
            Err(e) => {
                tracing::error!(target: "livekit", error = %e, "undecodable event from liblivekit_ffi")
            }
        }
    });
}

/// The library's own log records, forwarded to `tracing` under target `livekit` (debug and trace
/// records of WebRTC internals are dropped: thousands per call, useless to an operator).
fn log(batch: &proto::LogBatch) {
    use proto::LogLevel;
    for record in &batch.records {
        let message = &record.message;
        let target = &record.target;
        match LogLevel::try_from(record.level) {
            Ok(LogLevel::LogError) => tracing::error!(target: "livekit", %target, "{message}"),
            Ok(LogLevel::LogWarn) => tracing::warn!(target: "livekit", %target, "{message}"),
            Ok(LogLevel::LogInfo) => tracing::info!(target: "livekit", %target, "{message}"),
            _ => {}
        }
    }
}

/// A library-owned object (room, participant, track, publication, stream, source), released
/// when dropped.
pub(crate) struct Handle {
    pub(crate) id: u64,
    ffi: &'static Ffi,
}

impl Handle {
    pub(crate) fn new(ffi: &Ffi, id: u64) -> Handle {
        // Every `Ffi` lives in the process-wide `FFI` static.
        let ffi = FFI
            .get()
            .filter(|f| std::ptr::eq(*f, ffi))
            .expect("the loaded library");
        Handle { id, ffi }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.ffi.drop_handle(self.id);
    }
}

impl std::fmt::Debug for Ffi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("liblivekit_ffi")
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({})", self.id)
    }
}
