//! `closer://` links: `closer://meet/<uuid>` opens a meeting to host, `closer://shadow/<uuid>`
//! opens one in shadow mode (managers). They arrive from the OS (deep-link plugin) or, when the
//! app already runs, as the second instance's command line (single-instance plugin).

use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

/// The URL scheme registered with the OS.
pub const SCHEME: &str = "closer";

/// What a `closer://` link asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", content = "meeting_id", rename_all = "snake_case")]
pub enum DeepLink {
    /// `closer://meet/<uuid>`: host (join) the meeting.
    Meet(Uuid),
    /// `closer://shadow/<uuid>`: join the meeting hidden, as a manager.
    Shadow(Uuid),
}

/// Why a link was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeepLinkError {
    #[error("not a URL: {0}")]
    NotUrl(String),
    #[error("expected the closer:// scheme, got {0}://")]
    Scheme(String),
    #[error("unknown link action {0:?} (expected meet or shadow)")]
    Action(String),
    #[error("expected closer://{0}/<meeting uuid>")]
    MissingId(&'static str),
    #[error("{0:?} is not a meeting id (UUID)")]
    BadId(String),
}

impl DeepLink {
    /// Parses `closer://meet/<uuid>` or `closer://shadow/<uuid>` (a trailing slash, query or
    /// fragment is ignored; the action is case-insensitive).
    pub fn parse(link: &str) -> Result<Self, DeepLinkError> {
        let url = url::Url::parse(link.trim()).map_err(|_| DeepLinkError::NotUrl(link.to_owned()))?;
        if url.scheme() != SCHEME {
            return Err(DeepLinkError::Scheme(url.scheme().to_owned()));
        }
        // `closer://meet/<id>` puts the action in the host; `closer:meet/<id>` (what some
        // launchers pass) in the path.
        let host = url.host_str().unwrap_or_default().to_owned();
        let path = url.path().trim_matches('/').to_owned();
        let mut parts: Vec<&str> = if host.is_empty() { path.split('/').collect() } else { std::iter::once(host.as_str()).chain(path.split('/')).collect() };
        parts.retain(|p| !p.is_empty());
        let action = parts.first().copied().unwrap_or_default().to_ascii_lowercase();
        let (make, name): (fn(Uuid) -> Self, &'static str) = match action.as_str() {
            "meet" => (DeepLink::Meet, "meet"),
            "shadow" => (DeepLink::Shadow, "shadow"),
            _ => return Err(DeepLinkError::Action(action)),
        };
        match parts.as_slice() {
            [_, id] => Uuid::parse_str(id).map(make).map_err(|_| DeepLinkError::BadId((*id).to_owned())),
            [_] => Err(DeepLinkError::MissingId(name)),
            [_, rest @ ..] => Err(DeepLinkError::BadId(rest.join("/"))),
            [] => Err(DeepLinkError::Action(String::new())),
        }
    }

    /// The first `closer://` link among command-line arguments (how a second instance and
    /// Linux/Windows launchers hand links over), with its parse result.
    pub fn from_args<I: IntoIterator<Item = S>, S: AsRef<str>>(args: I) -> Option<Result<Self, DeepLinkError>> {
        args.into_iter()
            .map(|a| a.as_ref().to_owned())
            .find(|a| a.to_ascii_lowercase().starts_with("closer:"))
            .map(|a| Self::parse(&a))
    }

    /// The meeting the link is about.
    pub fn meeting_id(&self) -> Uuid {
        match self {
            DeepLink::Meet(id) | DeepLink::Shadow(id) => *id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b5c2d8e-7d1f-4f43-9a4e-3a4a1c9b2f10";

    #[test]
    fn meet_and_shadow_links() {
        let id = Uuid::parse_str(ID).unwrap();
        assert_eq!(DeepLink::parse(&format!("closer://meet/{ID}")), Ok(DeepLink::Meet(id)));
        assert_eq!(DeepLink::parse(&format!("closer://shadow/{ID}")), Ok(DeepLink::Shadow(id)));
        assert_eq!(DeepLink::parse(&format!("closer://MEET/{ID}/?utm=x#top")), Ok(DeepLink::Meet(id)));
        assert_eq!(DeepLink::parse(&format!("closer:meet/{ID}")), Ok(DeepLink::Meet(id)));
        assert_eq!(DeepLink::parse(&format!("  closer://shadow/{}\n", ID.to_uppercase())), Ok(DeepLink::Shadow(id)));
        assert_eq!(DeepLink::Shadow(id).meeting_id(), id);
    }

    #[test]
    fn bad_links_are_refused_with_the_reason() {
        assert_eq!(DeepLink::parse(&format!("https://meet/{ID}")), Err(DeepLinkError::Scheme("https".into())));
        assert_eq!(DeepLink::parse(&format!("closer://join/{ID}")), Err(DeepLinkError::Action("join".into())));
        assert_eq!(DeepLink::parse("closer://meet"), Err(DeepLinkError::MissingId("meet")));
        assert_eq!(DeepLink::parse("closer://shadow/"), Err(DeepLinkError::MissingId("shadow")));
        assert_eq!(DeepLink::parse("closer://meet/not-a-uuid"), Err(DeepLinkError::BadId("not-a-uuid".into())));
        assert_eq!(DeepLink::parse(&format!("closer://meet/{ID}/extra")), Err(DeepLinkError::BadId(format!("{ID}/extra"))));
        assert_eq!(DeepLink::parse("closer://"), Err(DeepLinkError::Action(String::new())));
        assert!(matches!(DeepLink::parse("no scheme at all"), Err(DeepLinkError::NotUrl(_))));
    }

    #[test]
    fn links_from_a_second_instance_command_line() {
        let id = Uuid::parse_str(ID).unwrap();
        let args = ["/usr/bin/closer-desktop", "--flag", &format!("closer://shadow/{ID}")];
        assert_eq!(DeepLink::from_args(args), Some(Ok(DeepLink::Shadow(id))));
        assert_eq!(DeepLink::from_args(["/usr/bin/closer-desktop"]), None);
        assert_eq!(DeepLink::from_args(["x", "closer://nope/1"]), Some(Err(DeepLinkError::Action("nope".into()))));
    }
}
