//! Outgoing e-mail over SMTP (`lettre`): booking confirmations with an `.ics` invitation, and
//! plain-text messages (invitations into an organization).

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// An SMTP client for one server and sender. Cheap to clone; connects per message.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// One message to send: a plain-text body and a calendar invitation.
pub struct Email<'a> {
    pub to_name: &'a str,
    pub to_email: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    /// The `.ics` document ([`crate::ics::render`]).
    pub ics: String,
    /// `REQUEST` or `CANCEL`, the iTIP method of `ics`.
    pub method: &'a str,
}

impl Mailer {
    /// `smtp_url`: `smtp://host:port` (plain), `…?tls=required` (STARTTLS), `smtps://…`;
    /// `from`: `Name <address>`. Nothing is contacted until [`Mailer::send`].
    ///
    /// Errors: malformed URL or sender.
    pub fn new(smtp_url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        Ok(Self { transport, from: from.parse()? })
    }

    /// Sends `email`: `multipart/mixed` with the text and `invite.ics` (`text/calendar`).
    ///
    /// Errors: an address that does not parse, or the SMTP exchange failing.
    pub async fn send(&self, email: Email<'_>) -> anyhow::Result<()> {
        let to = Mailbox::new(Some(email.to_name.to_owned()), email.to_email.parse()?);
        let calendar = ContentType::parse(&format!("text/calendar; charset=utf-8; method={}", email.method))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(email.text.to_owned()))
                    .singlepart(Attachment::new("invite.ics".into()).body(email.ics, calendar)),
            )?;
        self.transport.send(message).await?;
        Ok(())
    }

    /// Sends a plain-text message to `to_email`.
    ///
    /// Errors: an address that does not parse, or the SMTP exchange failing.
    pub async fn send_text(&self, to_email: &str, subject: &str, text: &str) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to_email.parse()?))
            .subject(subject)
            .singlepart(SinglePart::plain(text.to_owned()))?;
        self.transport.send(message).await?;
        Ok(())
    }
}
