//! Hand-written SIP INVITEs for the phone line's tests: requests no real phone would send (no
//! audio offer, an Opus-only offer, no number) and calls to numbers on no line, each answered
//! with one final status the test asserts.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

/// An SDP offer of G.711 µ-law audio (payload type 0) to 127.0.0.1:30000.
pub const PCMU_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n";

/// An INVITE of `user` at `gateway` carrying `sdp` (none when empty). The sender's address is
/// left as `{local}`: [`final_status`] fills it in with the socket it sends from. Each request
/// has its own branch, tag and Call-ID.
pub fn invite(user: &str, gateway: SocketAddr, sdp: &str) -> String {
    let tag = format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_nanos());
    format!(
        "INVITE sip:{user}@{gateway} SIP/2.0\r\nVia: SIP/2.0/UDP {{local}};branch=z9hG4bK{tag}\r\nMax-Forwards: 70\r\n\
         From: <sip:probe@127.0.0.1>;tag={tag}\r\nTo: <sip:{user}@{gateway}>\r\nCall-ID: {tag}@probe\r\n\
         CSeq: 1 INVITE\r\nContact: <sip:probe@{{local}}>\r\nContent-Type: application/sdp\r\nContent-Length: {len}\r\n\r\n{sdp}",
        len = sdp.len()
    )
}

/// Sends `request` (from [`invite`], `{local}` still in it) to `to` from a fresh UDP socket on
/// 127.0.0.1 and returns the status line of the first final (non-1xx) response, e.g.
/// `SIP/2.0 404 Not Found`.
///
/// Panics (a test failure) when no final response comes within 5 s or the socket fails.
pub async fn final_status(to: SocketAddr, request: &str) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("a UDP socket on 127.0.0.1");
    let request = request.replace("{local}", &socket.local_addr().expect("bound").to_string());
    socket.send_to(request.as_bytes(), to).await.expect("the INVITE is sent");
    let mut buf = vec![0u8; 4096];
    loop {
        let (n, _) = tokio::time::timeout(Duration::from_secs(5), socket.recv_from(&mut buf))
            .await
            .expect("a final response within 5 s")
            .expect("a datagram");
        let status = String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or_default().to_owned();
        if !status.starts_with("SIP/2.0 1") {
            return status;
        }
    }
}
