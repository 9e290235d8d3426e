//! A call's audio over RTP (RFC 3550): the caller's packets decoded into 8 kHz PCM frames, and
//! PCM queued for the caller sent as one G.711 packet every 20 ms.

use crate::sdp::G711;
use bytes::Bytes;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use webrtc_util::{Marshal, Unmarshal};

/// Hz of a G.711 call.
pub const SAMPLE_RATE: u32 = 8_000;
/// Samples in one packet: 20 ms at 8 kHz, the `ptime` the answer asks for.
pub const FRAME_SAMPLES: usize = 160;
/// Most audio [`Outbound`] holds (200 ms): a bridge fed in real time stays within it, and a
/// burst beyond it drops its oldest samples instead of delaying everything after it.
const MAX_QUEUED: usize = SAMPLE_RATE as usize / 5;
/// Caller frames held for a reader that has fallen behind (2 s); later ones are dropped.
const INBOUND_FRAMES: usize = 100;

/// Audio queued for the caller, sent in real time. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Outbound(Arc<Mutex<VecDeque<i16>>>);

impl Outbound {
    /// Queues 8 kHz mono samples to be sent after those already queued. Past 200 ms queued, the
    /// oldest samples are dropped.
    pub fn play(&self, samples: &[i16]) {
        let mut queue = self.0.lock().expect("outbound queue");
        queue.extend(samples);
        let excess = queue.len().saturating_sub(MAX_QUEUED);
        queue.drain(..excess);
    }

    /// Drops everything queued: the caller hears silence from the next packet on.
    pub fn clear(&self) {
        self.0.lock().expect("outbound queue").clear();
    }

    /// The next packet's samples: a full frame, padded with silence.
    fn next_frame(&self) -> [i16; FRAME_SAMPLES] {
        let mut frame = [0i16; FRAME_SAMPLES];
        let mut queue = self.0.lock().expect("outbound queue");
        let available = FRAME_SAMPLES.min(queue.len());
        for (slot, sample) in frame.iter_mut().zip(queue.drain(..available)) {
            *slot = sample;
        }
        frame
    }
}

/// The audio of an answered call: frames from the caller, and [`Outbound`] to them. Dropping it
/// stops both directions.
#[derive(Debug)]
pub struct Media {
    /// Our RTP address, as the answer gave it.
    pub local: SocketAddr,
    inbound: mpsc::Receiver<Vec<i16>>,
    outbound: Outbound,
    cancel: CancellationToken,
}

impl Media {
    /// A UDP socket for the call's RTP on `ip` (any free port).
    pub(crate) async fn bind(ip: IpAddr) -> std::io::Result<UdpSocket> {
        UdpSocket::bind(SocketAddr::new(ip, 0)).await
    }

    /// Starts sending to and receiving from `remote` in `codec` on `socket`. The caller's packets
    /// may come from another address than their offer gave (a NAT): the first one that does
    /// becomes where ours go (symmetric RTP, RFC 4961).
    pub(crate) fn start(socket: UdpSocket, remote: SocketAddr, codec: G711, cancel: CancellationToken) -> std::io::Result<Media> {
        let local = socket.local_addr()?;
        let socket = Arc::new(socket);
        let remote = Arc::new(Mutex::new(remote));
        let outbound = Outbound::default();
        let (frames, inbound) = mpsc::channel(INBOUND_FRAMES);
        tokio::spawn(receive(socket.clone(), remote.clone(), codec, frames, cancel.clone()));
        tokio::spawn(send(socket, remote, codec, outbound.clone(), cancel.clone()));
        Ok(Media { local, inbound, outbound, cancel })
    }

    /// The caller's next frame of 8 kHz mono PCM (20 ms in most phones' packets), or `None`
    /// once the call's media has stopped.
    pub async fn recv(&mut self) -> Option<Vec<i16>> {
        self.inbound.recv().await
    }

    /// Where audio for the caller goes.
    pub fn outbound(&self) -> Outbound {
        self.outbound.clone()
    }
}

impl Drop for Media {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Decodes the caller's packets of `codec` into `frames`; other payload types (DTMF events,
/// comfort noise) and anything that is not RTP are skipped.
async fn receive(socket: Arc<UdpSocket>, remote: Arc<Mutex<SocketAddr>>, codec: G711, frames: mpsc::Sender<Vec<i16>>, cancel: CancellationToken) {
    let mut decoder = audio_codec::create_decoder(codec.codec());
    let mut latched = false;
    let mut buf = vec![0u8; 1500];
    loop {
        let (len, from) = tokio::select! {
            _ = cancel.cancelled() => return,
            got = socket.recv_from(&mut buf) => match got {
                Ok(got) => got,
                Err(e) => {
                    tracing::warn!(error = %e, "RTP socket failed; the caller is no longer heard");
                    return;
                }
            },
        };
        let Ok(packet) = rtp::packet::Packet::unmarshal(&mut &buf[..len]) else { continue };
        if packet.header.payload_type != codec.payload_type() {
            continue;
        }
        if !latched {
            latched = true;
            *remote.lock().expect("remote address") = from;
        }
        let pcm = decoder.decode(&packet.payload);
        if frames.try_send(pcm).is_err() {
            if frames.is_closed() {
                return;
            }
            tracing::warn!("the caller's audio is read too slowly; a frame was dropped");
        }
    }
}

/// Sends one packet of `codec` every 20 ms from `outbound` (silence when it is empty), so the
/// caller's jitter buffer and NAT bindings see a steady stream.
async fn send(socket: Arc<UdpSocket>, remote: Arc<Mutex<SocketAddr>>, codec: G711, outbound: Outbound, cancel: CancellationToken) {
    let mut encoder = audio_codec::create_encoder(codec.codec());
    let mut header = rtp::header::Header {
        version: 2,
        marker: true,
        payload_type: codec.payload_type(),
        sequence_number: rand::random(),
        timestamp: rand::random(),
        ssrc: rand::random(),
        ..Default::default()
    };
    let mut ticks = tokio::time::interval(Duration::from_millis(20));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let payload = Bytes::from(encoder.encode(&outbound.next_frame()));
        let packet = rtp::packet::Packet { header: header.clone(), payload };
        let Ok(bytes) = packet.marshal() else { continue };
        let to = *remote.lock().expect("remote address");
        if let Err(e) = socket.send_to(&bytes, to).await {
            tracing::debug!(error = %e, "an RTP packet was not sent");
        }
        header.marker = false;
        header.sequence_number = header.sequence_number.wrapping_add(1);
        header.timestamp = header.timestamp.wrapping_add(FRAME_SAMPLES as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbound_keeps_at_most_200_ms_and_pads_with_silence() {
        let out = Outbound::default();
        out.play(&vec![1; MAX_QUEUED + 500]);
        assert_eq!(out.0.lock().unwrap().len(), MAX_QUEUED);
        out.clear();
        out.play(&[7; 100]);
        let frame = out.next_frame();
        assert_eq!(&frame[..100], &[7; 100][..]);
        assert!(frame[100..].iter().all(|&s| s == 0));
    }

    #[tokio::test]
    async fn audio_crosses_between_two_endpoints_in_g711() {
        for codec in [G711::Pcmu, G711::Pcma] {
            let (a, b) = (Media::bind("127.0.0.1".parse().unwrap()).await.unwrap(), Media::bind("127.0.0.1".parse().unwrap()).await.unwrap());
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            let cancel = CancellationToken::new();
            let a = Media::start(a, b_addr, codec, cancel.child_token()).unwrap();
            let mut b = Media::start(b, a_addr, codec, cancel.child_token()).unwrap();
            let tone: Vec<i16> = (0..FRAME_SAMPLES * 5).map(|i| ((i as f32 * 0.1).sin() * 8000.0) as i16).collect();
            a.outbound().play(&tone);
            let mut heard = Vec::new();
            while heard.iter().filter(|&&s: &&i16| s.abs() > 1000).count() < 500 {
                let frame = tokio::time::timeout(Duration::from_secs(2), b.recv()).await.expect("a frame within 2 s").unwrap();
                heard.extend(frame);
            }
            // G.711 is 8-bit logarithmic: within a few percent of the sample.
            let start = heard.iter().position(|&s| s != 0 && s.abs() > 100).unwrap().saturating_sub(1);
            let got = &heard[start..start + 400];
            let want = &tone[tone.iter().position(|&s| s.abs() > 100).unwrap() - 1..][..400];
            let error = got.iter().zip(want).map(|(&g, &w)| (g as i32 - w as i32).abs()).max().unwrap();
            assert!(error < 400, "{codec:?}: largest sample error {error}");
            cancel.cancel();
        }
    }
}
