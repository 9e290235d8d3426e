//! A connected room: joining, its events, subscriptions, publishing and data packets.
use tokio::sync::mpsc;

use crate::audio::{AudioSource, AudioStream};
use crate::error::Error;
use crate::ffi::{Ffi, Handle, Rtc};
use crate::proto::{self, ffi_event, ffi_request as req, ffi_response as resp};

/// How to join. `auto_subscribe: false` lets the caller choose which tracks to receive
/// ([`Room::set_subscribed`]), e.g. only the microphones of participants who consented.
#[derive(Debug, Clone, Copy)]
pub struct RoomOptions {
    /// Subscribe to every published track as it appears (LiveKit's default: true).
    pub auto_subscribe: bool,
}

impl Default for RoomOptions {
    fn default() -> Self {
        RoomOptions {
            auto_subscribe: true,
        }
    }
}

/// A remote participant as the room reports it.
#[derive(Debug)]
pub struct Participant {
    /// The identity from the participant's access token.
    pub identity: String,
    /// Display name.
    pub name: String,
    /// Token metadata.
    pub metadata: String,
    /// Standard, agent, SIP... ([`proto::ParticipantKind`]).
    pub kind: proto::ParticipantKind,
    _handle: Handle,
}

/// A track a remote participant published; pass it to [`Room::set_subscribed`].
#[derive(Debug)]
pub struct RemotePublication {
    /// Identity of the publisher.
    pub participant: String,
    /// Track sid (`TR_...`).
    pub sid: String,
    /// Name the publisher gave the track.
    pub name: String,
    /// Audio or video.
    pub kind: proto::TrackKind,
    /// Microphone, camera, screen share...
    pub source: proto::TrackSource,
    /// Muted when published.
    pub muted: bool,
    handle: Handle,
}

/// A remote track this participant is now receiving; pass it to [`Room::subscribe_audio`].
#[derive(Debug)]
pub struct RemoteTrack {
    /// Identity of the publisher.
    pub participant: String,
    /// Track sid (`TR_...`).
    pub sid: String,
    /// Audio or video.
    pub kind: proto::TrackKind,
    handle: Handle,
}

/// What happens in the room after joining, in the order the server reports it.
#[derive(Debug)]
pub enum RoomEvent {
    /// Someone joined.
    ParticipantConnected(Participant),
    /// Someone left.
    ParticipantDisconnected {
        /// Their identity.
        identity: String,
    },
    /// A remote participant published a track.
    TrackPublished(RemotePublication),
    /// A remote participant unpublished a track.
    TrackUnpublished {
        /// Publisher identity.
        participant: String,
        /// Track sid.
        sid: String,
    },
    /// A track is now received.
    TrackSubscribed(RemoteTrack),
    /// A track is no longer received.
    TrackUnsubscribed {
        /// Publisher identity.
        participant: String,
        /// Track sid.
        sid: String,
    },
    /// Subscribing to a track failed.
    TrackSubscriptionFailed {
        /// Publisher identity.
        participant: String,
        /// Track sid.
        sid: String,
        /// The library's reason.
        error: String,
    },
    /// A track was muted by its publisher.
    TrackMuted {
        /// Publisher identity.
        participant: String,
        /// Track sid.
        sid: String,
    },
    /// A track was unmuted by its publisher.
    TrackUnmuted {
        /// Publisher identity.
        participant: String,
        /// Track sid.
        sid: String,
    },
    /// A data packet addressed to this participant (or to everyone).
    Data {
        /// Sender identity; empty when the sender is hidden (LiveKit does not reveal hidden
        /// participants to the others) or is the server.
        participant: String,
        /// The packet's topic, if any.
        topic: Option<String>,
        /// The payload.
        payload: Vec<u8>,
    },
    /// The connection dropped and the library is reconnecting.
    Reconnecting,
    /// The connection is back.
    Reconnected,
    /// This participant left the room (removed, room closed, server gone...); no event follows.
    Disconnected {
        /// [`proto::DisconnectReason`] as reported.
        reason: proto::DisconnectReason,
    },
}

impl RoomEvent {
    /// The binding's view of a room event, or `None` for the kinds it does not expose.
    /// Owned library objects become [`Handle`]s; data packet buffers are copied and released.
    pub(crate) fn from_proto(ffi: &Ffi, event: proto::RoomEvent) -> Option<RoomEvent> {
        use proto::room_event::Message as M;
        Some(match event.message? {
            M::ParticipantConnected(p) => {
                RoomEvent::ParticipantConnected(Participant::from_proto(ffi, p.info))
            }
            M::ParticipantDisconnected(p) => RoomEvent::ParticipantDisconnected {
                identity: p.participant_identity,
            },
            M::TrackPublished(t) => RoomEvent::TrackPublished(RemotePublication::from_proto(
                ffi,
                t.participant_identity,
                t.publication,
            )),
            M::TrackUnpublished(t) => RoomEvent::TrackUnpublished {
                participant: t.participant_identity,
                sid: t.publication_sid,
            },
            M::TrackSubscribed(t) => RoomEvent::TrackSubscribed(RemoteTrack {
                participant: t.participant_identity,
                sid: t.track.info.sid.clone(),
                kind: t.track.info.kind(),
                handle: Handle::new(ffi, t.track.handle.id),
            }),
            M::TrackUnsubscribed(t) => RoomEvent::TrackUnsubscribed {
                participant: t.participant_identity,
                sid: t.track_sid,
            },
            M::TrackSubscriptionFailed(t) => RoomEvent::TrackSubscriptionFailed {
                participant: t.participant_identity,
                sid: t.track_sid,
                error: t.error,
            },
            M::TrackMuted(t) => RoomEvent::TrackMuted {
                participant: t.participant_identity,
                sid: t.track_sid,
            },
            M::TrackUnmuted(t) => RoomEvent::TrackUnmuted {
                participant: t.participant_identity,
                sid: t.track_sid,
            },
            M::DataPacketReceived(d) => {
                let proto::data_packet_received::Value::User(user) = d.value? else {
                    return None;
                };
                let buffer = Handle::new(ffi, user.data.handle.id);
                // SAFETY: the library keeps `data_len` bytes at `data_ptr` alive until the
                // buffer's handle is dropped, which happens after this copy.
                let payload = unsafe {
                    std::slice::from_raw_parts(
                        user.data.data.data_ptr as *const u8,
                        user.data.data.data_len as usize,
                    )
                }
                .to_vec();
                drop(buffer);
                RoomEvent::Data {
                    participant: d.participant_identity,
                    topic: user.topic,
                    payload,
                }
            }
            M::Reconnecting(_) => RoomEvent::Reconnecting,
            M::Reconnected(_) => RoomEvent::Reconnected,
            M::Disconnected(d) => RoomEvent::Disconnected { reason: d.reason() },
            _ => return None,
        })
    }
}

impl Participant {
    fn from_proto(ffi: &Ffi, p: proto::OwnedParticipant) -> Participant {
        Participant {
            kind: p.info.kind(),
            identity: p.info.identity,
            name: p.info.name,
            metadata: p.info.metadata,
            _handle: Handle::new(ffi, p.handle.id),
        }
    }
}

impl RemotePublication {
    fn from_proto(
        ffi: &Ffi,
        participant: String,
        p: proto::OwnedTrackPublication,
    ) -> RemotePublication {
        RemotePublication {
            participant,
            kind: p.info.kind(),
            source: p.info.source(),
            muted: p.info.muted,
            sid: p.info.sid,
            name: p.info.name,
            handle: Handle::new(ffi, p.handle.id),
        }
    }
}

/// Who was already in the room when this participant joined, with what they publish.
#[derive(Debug)]
pub struct Connected {
    /// The room.
    pub room: Room,
    /// Remote participants present at join time and their publications.
    pub participants: Vec<(Participant, Vec<RemotePublication>)>,
    /// Everything that happens afterwards; ends after [`RoomEvent::Disconnected`] or
    /// [`Room::disconnect`].
    pub events: mpsc::UnboundedReceiver<RoomEvent>,
}

/// This process's participant in one room.
#[derive(Debug)]
pub struct Room {
    ffi: &'static Ffi,
    handle: Handle,
    local: Handle,
    /// Room name.
    pub name: String,
    /// This participant's identity.
    pub identity: String,
}

impl Rtc {
    /// Joins the room at `url` (`ws://` or `http://` LiveKit URL) with an access token.
    ///
    /// Room events are delivered from the moment this returns (the binding registers its channel
    /// and then sends `ReadyForRoomEvent`, without which the library holds every room event).
    ///
    /// Errors: [`Error::Rejected`] with the library's reason when the server refuses the token
    /// or cannot be reached.
    pub async fn connect(
        self,
        url: &str,
        token: &str,
        options: RoomOptions,
    ) -> Result<Connected, Error> {
        let ffi = self.0;
        let (async_id, callback) = ffi.expect_callback();
        let request = req::Message::Connect(proto::ConnectRequest {
            url: url.to_owned(),
            token: token.to_owned(),
            options: proto::RoomOptions {
                auto_subscribe: Some(options.auto_subscribe),
                dynacast: Some(false),
                adaptive_stream: Some(false),
                ..Default::default()
            },
            request_async_id: Some(async_id),
        });
        let result = match call(ffi, "connect", async_id, request, callback).await? {
            ffi_event::Message::Connect(cb) => match cb.message {
                Some(proto::connect_callback::Message::Result(result)) => result,
                Some(proto::connect_callback::Message::Error(error)) => {
                    return Err(Error::Rejected(error));
                }
                None => return Err(Error::Rejected("connect failed without a reason".into())),
            },
            other => return Err(unexpected("connect", &other)),
        };
        let room_handle = Handle::new(ffi, result.room.handle.id);
        let (tx, events) = mpsc::unbounded_channel();
        ffi.route_room(room_handle.id, tx);
        let participants = result
            .participants
            .into_iter()
            .map(|p| {
                let identity = p.participant.info.identity.clone();
                let publications = p
                    .publications
                    .into_iter()
                    .map(|publication| {
                        RemotePublication::from_proto(ffi, identity.clone(), publication)
                    })
                    .collect();
                (Participant::from_proto(ffi, p.participant), publications)
            })
            .collect();
        ffi.request(
            "ready_for_room_event",
            req::Message::ReadyForRoomEvent(proto::ReadyForRoomEventRequest {
                room_handle: room_handle.id,
            }),
        )?;
        let room = Room {
            ffi,
            handle: room_handle,
            local: Handle::new(ffi, result.local_participant.handle.id),
            name: result.room.info.name,
            identity: result.local_participant.info.identity,
        };
        Ok(Connected {
            room,
            participants,
            events,
        })
    }
}

impl Room {
    /// Starts or stops receiving a remote track (with `auto_subscribe: false`). A
    /// [`RoomEvent::TrackSubscribed`] / [`RoomEvent::TrackUnsubscribed`] follows.
    pub fn set_subscribed(
        &self,
        publication: &RemotePublication,
        subscribed: bool,
    ) -> Result<(), Error> {
        let request = req::Message::SetSubscribed(proto::SetSubscribedRequest {
            subscribe: subscribed,
            publication_handle: publication.handle.id,
        });
        match self.ffi.request("set_subscribed", request)? {
            resp::Message::SetSubscribed(_) => Ok(()),
            other => Err(unexpected("set_subscribed", &other)),
        }
    }

    /// Receives a subscribed audio track as PCM frames, resampled and down-mixed by the library
    /// to `sample_rate` Hz and `channels` channels (e.g. 16 000 Hz mono for speech-to-text), in
    /// 10 ms frames. The stream owns the track (the library ends a stream whose track handle is
    /// released) and ends when the track is unsubscribed or unpublished.
    pub fn subscribe_audio(
        &self,
        track: RemoteTrack,
        sample_rate: u32,
        channels: u32,
    ) -> Result<AudioStream, Error> {
        AudioStream::open(self.ffi, track.handle, &track.sid, sample_rate, channels)
    }

    /// Publishes a microphone track named `name`, fed with PCM at `sample_rate` Hz and
    /// `channels` channels through the returned [`AudioSource`].
    pub async fn publish_audio(
        &self,
        name: &str,
        sample_rate: u32,
        channels: u32,
    ) -> Result<AudioSource, Error> {
        let source = AudioSource::new(self.ffi, sample_rate, channels)?;
        let track = match self.ffi.request(
            "create_audio_track",
            req::Message::CreateAudioTrack(proto::CreateAudioTrackRequest {
                name: name.to_owned(),
                source_handle: source.handle_id(),
            }),
        )? {
            resp::Message::CreateAudioTrack(created) => {
                Handle::new(self.ffi, created.track.handle.id)
            }
            other => return Err(unexpected("create_audio_track", &other)),
        };
        let (async_id, callback) = self.ffi.expect_callback();
        let request = req::Message::PublishTrack(proto::PublishTrackRequest {
            local_participant_handle: self.local.id,
            track_handle: track.id,
            options: proto::TrackPublishOptions {
                source: Some(proto::TrackSource::SourceMicrophone as i32),
                dtx: Some(false),
                red: Some(true),
                ..Default::default()
            },
            request_async_id: Some(async_id),
        });
        match call(self.ffi, "publish_track", async_id, request, callback).await? {
            ffi_event::Message::PublishTrack(cb) => match cb.message {
                Some(proto::publish_track_callback::Message::Publication(p)) => {
                    Ok(source.published(track, p.info.sid, Handle::new(self.ffi, p.handle.id)))
                }
                Some(proto::publish_track_callback::Message::Error(error)) => {
                    Err(Error::Rejected(error))
                }
                None => Err(Error::Rejected("publish failed without a reason".into())),
            },
            other => Err(unexpected("publish_track", &other)),
        }
    }

    /// Sends a data packet on `topic` to the participants with these identities (to everyone
    /// when `to` is empty). `reliable` packets are retransmitted and ordered.
    pub async fn send_data(
        &self,
        payload: &[u8],
        topic: Option<&str>,
        to: &[String],
        reliable: bool,
    ) -> Result<(), Error> {
        let (async_id, callback) = self.ffi.expect_callback();
        let data_ptr = self.ffi.keep_until_callback(async_id, payload.into());
        let request = req::Message::PublishData(proto::PublishDataRequest {
            local_participant_handle: self.local.id,
            data_ptr,
            data_len: payload.len() as u64,
            reliable,
            topic: topic.map(str::to_owned),
            destination_identities: to.to_vec(),
            request_async_id: Some(async_id),
            ..Default::default()
        });
        match call(self.ffi, "publish_data", async_id, request, callback).await? {
            ffi_event::Message::PublishData(cb) => {
                cb.error.map_or(Ok(()), |e| Err(Error::Rejected(e)))
            }
            other => Err(unexpected("publish_data", &other)),
        }
    }

    /// Leaves the room; the event stream ends.
    pub async fn disconnect(self) -> Result<(), Error> {
        let (async_id, callback) = self.ffi.expect_callback();
        let request = req::Message::Disconnect(proto::DisconnectRequest {
            room_handle: self.handle.id,
            request_async_id: Some(async_id),
            reason: Some(proto::DisconnectReason::ClientInitiated as i32),
        });
        let outcome = call(self.ffi, "disconnect", async_id, request, callback).await;
        self.ffi.unroute_room(self.handle.id);
        match outcome? {
            ffi_event::Message::Disconnect(_) => Ok(()),
            other => Err(unexpected("disconnect", &other)),
        }
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        self.ffi.unroute_room(self.handle.id);
    }
}

/// Sends an asynchronous request whose callback was registered under `async_id` and awaits it.
pub(crate) async fn call(
    ffi: &Ffi,
    name: &'static str,
    async_id: u64,
    request: req::Message,
    callback: tokio::sync::oneshot::Receiver<ffi_event::Message>,
) -> Result<ffi_event::Message, Error> {
    if let Err(e) = ffi.request(name, request) {
        ffi.cancel_callback(async_id);
        return Err(e);
    }
    callback.await.map_err(|_| Error::Closed)
}

pub(crate) fn unexpected(request: &'static str, got: &impl std::fmt::Debug) -> Error {
    let got = format!("{got:?}");
    Error::UnexpectedResponse {
        request,
        got: got.chars().take(80).collect(),
    }
}
