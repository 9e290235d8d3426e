//! The offer/answer exchange (RFC 3264) of a phone call: the caller's audio offer read, an
//! answer with one G.711 codec written.

use crate::Error;
use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};

/// G.711 at 8 kHz, the codecs every SIP phone and trunk speaks (RFC 3551 static payload types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum G711 {
    /// µ-law, payload type 0 (North America, Japan; most SIP phones' first choice).
    Pcmu,
    /// A-law, payload type 8 (Europe's trunks, Italy's included).
    Pcma,
}

impl G711 {
    /// The RTP payload type (RFC 3551 table 4).
    pub fn payload_type(self) -> u8 {
        match self {
            G711::Pcmu => 0,
            G711::Pcma => 8,
        }
    }

    fn name(self) -> &'static str {
        match self {
            G711::Pcmu => "PCMU",
            G711::Pcma => "PCMA",
        }
    }

    pub(crate) fn codec(self) -> audio_codec::CodecType {
        match self {
            G711::Pcmu => audio_codec::CodecType::PCMU,
            G711::Pcma => audio_codec::CodecType::PCMA,
        }
    }
}

/// What the caller offered: where to send our audio and the codec chosen from theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The caller's RTP address (the audio stream's connection address and port).
    pub rtp: SocketAddr,
    /// The first G.711 codec in the caller's order of preference.
    pub codec: G711,
}

/// Reads an SDP offer: its first audio stream's address and the first G.711 codec it lists.
///
/// Errors: [`Error::BadOffer`] when the body is not SDP, has no audio stream or no connection
/// address; [`Error::NoCommonCodec`] when the audio stream offers neither PCMU nor PCMA.
pub fn read_offer(body: &[u8]) -> Result<Offer, Error> {
    let description = sdp::SessionDescription::unmarshal(&mut Cursor::new(body))
        .map_err(|e| Error::BadOffer(format!("not a session description: {e}")))?;
    let audio = description
        .media_descriptions
        .iter()
        .find(|m| m.media_name.media == "audio" && m.media_name.port.value > 0)
        .ok_or_else(|| Error::BadOffer("no audio stream".into()))?;
    let connection = audio
        .connection_information
        .as_ref()
        .or(description.connection_information.as_ref())
        .and_then(|c| c.address.as_ref())
        .ok_or_else(|| Error::BadOffer("no connection address".into()))?;
    let ip: IpAddr = connection
        .address
        .parse()
        .map_err(|_| Error::BadOffer(format!("connection address {:?} is not an IP address", connection.address)))?;
    let port = u16::try_from(audio.media_name.port.value).map_err(|_| Error::BadOffer("audio port out of range".into()))?;
    // Static payload types need no rtpmap; a dynamic one naming PCMU/PCMA is not a phone's way.
    let codec = audio
        .media_name
        .formats
        .iter()
        .find_map(|format| match format.as_str() {
            "0" => Some(G711::Pcmu),
            "8" => Some(G711::Pcma),
            _ => None,
        })
        .ok_or(Error::NoCommonCodec)?;
    Ok(Offer { rtp: SocketAddr::new(ip, port), codec })
}

/// The answer to an offer: audio to and from `rtp`, in `codec`, 20 ms packets, both ways.
/// `session` is the SDP session id (any number unique to the call).
pub fn answer(rtp: SocketAddr, codec: G711, session: u64) -> String {
    let family = if rtp.is_ipv4() { "IP4" } else { "IP6" };
    let ip = rtp.ip();
    let (pt, name) = (codec.payload_type(), codec.name());
    format!(
        "v=0\r\no=closer {session} {session} IN {family} {ip}\r\ns=Closer\r\nc=IN {family} {ip}\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP {pt}\r\na=rtpmap:{pt} {name}/8000\r\na=ptime:20\r\na=sendrecv\r\n",
        port = rtp.port()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// baresip 1.0's offer (Debian 12), as it sends it.
    const BARESIP: &str = "v=0\r\no=- 1234 5678 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
        m=audio 10002 RTP/AVP 96 0 8 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n\
        a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

    #[test]
    fn the_first_g711_codec_of_the_audio_stream_is_chosen() {
        let offer = read_offer(BARESIP.as_bytes()).unwrap();
        assert_eq!(offer, Offer { rtp: "127.0.0.1:10002".parse().unwrap(), codec: G711::Pcmu });
        let alaw_first = BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 8 0");
        assert_eq!(read_offer(alaw_first.as_bytes()).unwrap().codec, G711::Pcma);
    }

    #[test]
    fn offers_without_audio_address_or_g711_are_refused() {
        assert!(matches!(read_offer(b"hello"), Err(Error::BadOffer(_))));
        let opus_only = BARESIP.replace("RTP/AVP 96 0 8 101", "RTP/AVP 96");
        assert!(matches!(read_offer(opus_only.as_bytes()), Err(Error::NoCommonCodec)));
        let video_only = BARESIP.replace("m=audio", "m=video");
        assert!(matches!(read_offer(video_only.as_bytes()), Err(Error::BadOffer(_))));
        let no_address = BARESIP.replace("c=IN IP4 127.0.0.1\r\n", "");
        assert!(matches!(read_offer(no_address.as_bytes()), Err(Error::BadOffer(_))));
    }

    #[test]
    fn the_answer_is_read_back_as_the_offer_it_answers() {
        let sdp = answer("127.0.0.1:40000".parse().unwrap(), G711::Pcma, 7);
        assert_eq!(read_offer(sdp.as_bytes()).unwrap(), Offer { rtp: "127.0.0.1:40000".parse().unwrap(), codec: G711::Pcma });
        assert!(sdp.contains("a=rtpmap:8 PCMA/8000\r\n"), "{sdp}");
    }
}
