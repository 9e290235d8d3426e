//! The SIP user agent server (RFC 3261) a phone line's calls arrive at: each INVITE with a
//! usable audio offer becomes an [`IncomingCall`] for the application to answer or refuse; an
//! unusable one is refused here with a 4xx, touching no other call.

use crate::media::Media;
use crate::sdp::{self, Offer};
use crate::Error;
use rsipstack::dialog::dialog::{Dialog, DialogState, DialogStateReceiver, DialogStateSender};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::dialog::DialogId;
use rsipstack::sip::headers::ToTypedHeader;
use rsipstack::sip::{Header, HeadersExt, Method, StatusCode};
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::TransportLayer;
use rsipstack::EndpointBuilder;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// Calls offered and not yet taken by the application; beyond this the gateway answers 503
/// (overloaded, say so) instead of letting callers ring unanswered.
const PENDING_CALLS: usize = 16;

/// Why a call is refused, as the caller's phone is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 404 Not Found: the dialled number is nobody's.
    UnknownNumber,
    /// 480 Temporarily Unavailable: the number exists but cannot take calls now.
    Unavailable,
    /// 486 Busy Here: too many calls at once.
    Busy,
    /// 500 Server Internal Error: answering failed on our side.
    Failed,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Refusal::UnknownNumber => StatusCode::NotFound,
            Refusal::Unavailable => StatusCode::TemporarilyUnavailable,
            Refusal::Busy => StatusCode::BusyHere,
            Refusal::Failed => StatusCode::ServerInternalError,
        }
    }
}

/// Dialogs the gateway holds, each with the flag its call watches to learn that it ended.
type Endings = Arc<Mutex<HashMap<DialogId, watch::Sender<bool>>>>;

/// A SIP listener on UDP. Dropping it stops the listener and every call's signalling.
pub struct Gateway {
    local: SocketAddr,
    calls: mpsc::Receiver<IncomingCall>,
    cancel: CancellationToken,
}

impl Gateway {
    /// Listens for SIP on `sip` (UDP); calls' RTP is bound on `media_ip`.
    ///
    /// Errors: [`Error::Io`] when the address cannot be bound; [`Error::Sip`] when the stack
    /// cannot start.
    pub async fn bind(sip: SocketAddr, media_ip: IpAddr) -> Result<Gateway, Error> {
        let cancel = CancellationToken::new();
        let transport = TransportLayer::new(cancel.clone());
        let connection = UdpConnection::create_connection(sip, None, Some(cancel.child_token())).await.map_err(Error::sip)?;
        let local = connection.get_addr().get_socketaddr().map_err(Error::sip)?;
        transport.add_transport(connection.into());
        let endpoint = EndpointBuilder::new().with_cancel_token(cancel.clone()).with_transport_layer(transport).build();
        let incoming = endpoint.incoming_transactions().map_err(Error::sip)?;
        let dialogs = Arc::new(DialogLayer::new(endpoint.inner.clone()));
        let (states_tx, states) = dialogs.new_dialog_state_channel();
        let (calls_tx, calls) = mpsc::channel(PENDING_CALLS);
        let endings: Endings = Arc::default();
        let serve = Serve { dialogs: dialogs.clone(), states_tx, calls: calls_tx, endings: endings.clone(), media_ip };
        let stop = cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = endpoint.serve() => tracing::warn!("the SIP endpoint stopped"),
                _ = serve.requests(incoming) => {}
                _ = follow_states(dialogs, states, endings) => {}
            }
        });
        Ok(Gateway { local, calls, cancel })
    }

    /// The address SIP is received on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The next call offered, ringing until it is answered or refused.
    pub async fn accept(&mut self) -> Option<IncomingCall> {
        self.calls.recv().await
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// What serves requests outside the calls' own dialogs.
struct Serve {
    dialogs: Arc<DialogLayer>,
    states_tx: DialogStateSender,
    calls: mpsc::Sender<IncomingCall>,
    endings: Endings,
    media_ip: IpAddr,
}

impl Serve {
    async fn requests(self, mut incoming: rsipstack::transaction::TransactionReceiver) {
        while let Some(mut tx) = incoming.recv().await {
            if let Some(Dialog::Invite(mut dialog)) = self.dialogs.match_dialog(&tx) {
                tokio::spawn(async move {
                    if let Err(e) = dialog.handle(&mut tx).await {
                        tracing::debug!(error = %e, "a request within a call failed");
                    }
                });
                continue;
            }
            match tx.original.method {
                Method::Invite => self.invite(tx).await,
                Method::Options => reply(tx, StatusCode::OK).await,
                Method::Ack => {}
                Method::Bye | Method::Cancel => reply(tx, StatusCode::CallTransactionDoesNotExist).await,
                _ => reply(tx, StatusCode::MethodNotAllowed).await,
            }
        }
    }

    /// A new call: refused at once when its request cannot be a call (400 without a dialled
    /// number, 488 without a usable audio offer, 503 when calls pile up unanswered), else
    /// offered to the application, ringing.
    async fn invite(&self, mut tx: Transaction) {
        let (dialled, caller) = match parties(&tx) {
            Ok(parties) => parties,
            Err(why) => {
                tracing::info!(why, "an INVITE that names no number was refused");
                return reply(tx, StatusCode::BadRequest).await;
            }
        };
        let offer = match sdp::read_offer(tx.original.body()) {
            Ok(offer) => offer,
            Err(e) => {
                tracing::info!(error = %e, "an INVITE without a usable audio offer was refused");
                return reply(tx, StatusCode::NotAcceptableHere).await;
            }
        };
        let Ok(permit) = self.calls.clone().try_reserve_owned() else {
            tracing::warn!("calls are arriving faster than they are answered; refusing one with 503");
            return reply(tx, StatusCode::ServiceUnavailable).await;
        };
        let mut dialog = match self.dialogs.get_or_create_server_invite(&tx, self.states_tx.clone(), None, None) {
            Ok(dialog) => dialog,
            Err(e) => {
                tracing::warn!(error = %e, "a call's dialog could not be created");
                return reply(tx, StatusCode::ServerInternalError).await;
            }
        };
        let (ended_tx, ended) = watch::channel(false);
        self.endings.lock().expect("endings").insert(dialog.id(), ended_tx);
        let call = IncomingCall { dialled, caller: caller.0, caller_name: caller.1, offer, dialog: dialog.clone(), media_ip: self.media_ip, ended, settled: false };
        // The INVITE's transaction lives as long as this task: it sends 100 Trying, our final
        // answer and takes the ACK or a CANCEL.
        tokio::spawn(async move {
            if let Err(e) = dialog.handle(&mut tx).await {
                tracing::debug!(error = %e, "a call's INVITE transaction failed");
            }
        });
        permit.send(call);
    }
}

/// Ends the flag of each dialog that terminates (BYE, CANCEL, timeout), and forgets it.
async fn follow_states(dialogs: Arc<DialogLayer>, mut states: DialogStateReceiver, endings: Endings) {
    while let Some(state) = states.recv().await {
        if let DialogState::Terminated(id, reason) = state {
            tracing::debug!(?reason, "a call's dialog ended");
            if let Some(ended) = endings.lock().expect("endings").remove(&id) {
                ended.send_replace(true);
            }
            dialogs.remove_dialog(&id);
        }
    }
}

async fn reply(mut tx: Transaction, status: StatusCode) {
    if let Err(e) = tx.reply(status).await {
        tracing::debug!(error = %e, "a SIP reply was not sent");
    }
}

/// The dialled number (the request URI's user part, else the To header's) and the caller's
/// number and display name (the From header's).
fn parties(tx: &Transaction) -> Result<(String, (String, Option<String>)), &'static str> {
    let request = &tx.original;
    let dialled = request
        .uri
        .user()
        .map(str::to_owned)
        .or_else(|| request.to_header().ok()?.uri().ok()?.user().map(str::to_owned))
        .filter(|user| !user.is_empty())
        .ok_or("no dialled number")?;
    let from = request.from_header().map_err(|_| "no From header")?.typed().map_err(|_| "an unreadable From header")?;
    let caller = from.uri.user().unwrap_or_default().to_owned();
    let name = from.display_name.map(|n| n.trim_matches('"').trim().to_owned()).filter(|n| !n.is_empty());
    Ok((dialled, (caller, name)))
}

/// A call ringing at the gateway.
pub struct IncomingCall {
    /// The number dialled: the request URI's user part as the caller's phone or trunk sent it
    /// (digits, maybe with `+`).
    pub dialled: String,
    /// The caller's number as their From header gives it (may be empty or `anonymous`).
    pub caller: String,
    /// The caller's display name, when their phone sent one.
    pub caller_name: Option<String>,
    offer: Offer,
    dialog: InviteDialog,
    media_ip: IpAddr,
    ended: watch::Receiver<bool>,
    /// Answered or refused: dropping it unsettled refuses it (500), so no caller rings forever.
    settled: bool,
}

impl Drop for IncomingCall {
    fn drop(&mut self) {
        if !self.settled {
            let _ = self.dialog.reject(Some(Refusal::Failed.status()), None);
        }
    }
}

impl std::fmt::Debug for IncomingCall {
    /// Without the numbers: they are personal data, and this lands in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncomingCall").field("codec", &self.offer.codec).finish_non_exhaustive()
    }
}

impl IncomingCall {
    /// Answers (200 OK with our audio answer) and starts the call's media.
    ///
    /// Errors (each but `Ended` refuses the call with 500): [`Error::Io`] when no RTP port can
    /// be bound; [`Error::Sip`] when the answer cannot be sent; [`Error::Ended`] when the caller
    /// hung up while it rang.
    pub async fn answer(mut self) -> Result<Call, Error> {
        if *self.ended.borrow() {
            self.settled = true;
            return Err(Error::Ended);
        }
        let socket = Media::bind(self.media_ip).await?;
        let local = socket.local_addr()?;
        let body = sdp::answer(local, self.offer.codec, rand::random::<u32>() as u64);
        let headers = vec![Header::ContentType("application/sdp".into())];
        self.dialog.accept(Some(headers), Some(body.into_bytes())).map_err(Error::sip)?;
        self.settled = true;
        let cancel = CancellationToken::new();
        let media = Media::start(socket, self.offer.rtp, self.offer.codec, cancel.clone())?;
        Ok(Call { media, dialog: self.dialog.clone(), ended: self.ended.clone(), cancel })
    }

    /// Refuses the call with `why`'s status.
    pub fn refuse(mut self, why: Refusal) {
        self.settled = true;
        if let Err(e) = self.dialog.reject(Some(why.status()), None) {
            tracing::debug!(error = %e, "a refusal was not sent");
        }
    }
}

/// An answered call: its audio and its end.
pub struct Call {
    /// The call's audio both ways.
    pub media: Media,
    dialog: InviteDialog,
    ended: watch::Receiver<bool>,
    cancel: CancellationToken,
}

impl Call {
    /// Resolves when the caller hangs up (BYE) or the dialog times out. The future borrows
    /// nothing, so it can be awaited beside [`Media::recv`].
    pub fn ended(&self) -> impl std::future::Future<Output = ()> + use<> {
        let mut ended = self.ended.clone();
        async move {
            let _ = ended.wait_for(|ended| *ended).await;
        }
    }

    /// Hangs up (BYE) unless the caller already has, and stops the media.
    pub async fn hang_up(self) {
        let ended = *self.ended.borrow();
        if !ended && let Err(e) = self.dialog.bye().await {
            tracing::debug!(error = %e, "the BYE was not sent");
        }
        self.cancel.cancel();
    }
}
