//! The OpenAPI schemas of the field rules the server enforces on request bodies
//! (`backend/src/http/validate.rs`), for `#[schema(schema_with = …)]` on the request types, so
//! the document declares what a request must satisfy (issue #20: the OpenAPI document is the
//! contract). Patterns are ECMA-262, as JSON Schema requires.

use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, Object};

/// A name the server trims and checks (`validate::name`): at least one character other than
/// white space, no control character (C0, DEL, C1).
const NAME_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$";

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

fn name(max: usize) -> Object {
    text().min_length(Some(1)).max_length(Some(max)).pattern(Some(NAME_PATTERN)).build()
}

/// A name of 1–60 characters (a guest's display name, an AI agent's name, a speaker).
pub fn name_60() -> Object {
    name(60)
}

/// A name of 1–100 characters (people's display names, meeting types, playbooks, bookers).
pub fn name_100() -> Object {
    name(100)
}

/// A name or title of 1–200 characters (organizations, companies, meetings, leads).
pub fn name_200() -> Object {
    name(200)
}

/// Text of 1–500 characters (a manager's priority message).
pub fn text_500() -> Object {
    name(500)
}

/// An e-mail address as `validate::email` takes it: `local@domain.tld`, at most 254
/// characters, no white space, control characters, `<`, `>` or `"`.
pub fn email() -> Object {
    const C: &str = r#"[^\s<>"@\u0000-\u001F\u007F-\u009F]"#;
    const D: &str = r#"[^\s<>"@.\u0000-\u001F\u007F-\u009F]"#;
    let pattern = format!("^{C}+@{D}(?:{C}*{D})?\\.(?:{C}*{D})$");
    text().format(Some(SchemaFormat::KnownFormat(KnownFormat::Email))).max_length(Some(254)).pattern(Some(pattern)).build()
}

/// A booking page or organization slug (`validate::slug`): 1–64 characters of `a-z`, `0-9`
/// and `-`, not starting or ending with `-`.
pub fn slug() -> Object {
    text().pattern(Some("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")).build()
}

/// A new password: 10–256 characters (`auth::password::{MIN_LENGTH, MAX_LENGTH}`).
pub fn password() -> Object {
    text().min_length(Some(10)).max_length(Some(256)).build()
}

/// A phone number as people type it (`validate::phone`): 6–20 digits, optionally led by `+`,
/// with spaces, dots, dashes and brackets between them.
pub fn phone() -> Object {
    text().pattern(Some(r"^\+?[ .()\-]*(?:[0-9][ .()\-]*){6,20}$")).build()
}

/// The language of the e-mails Closer sends and of AI agents: `en` or `it`.
pub fn language() -> Object {
    text().enum_values(Some(["en", "it"])).build()
}

/// `schema` that also admits `null` (an optional field a client may send as `null`).
fn or_null(mut schema: Object) -> Object {
    schema.schema_type = [Type::String, Type::Null].into_iter().collect();
    if let Some(values) = schema.enum_values.as_mut() {
        values.push(().into());
    }
    schema
}

/// [`name_200`], or `null`.
pub fn name_200_or_null() -> Object {
    or_null(name_200())
}

/// [`email`], or `null`.
pub fn email_or_null() -> Object {
    or_null(email())
}

/// [`phone`], or `null`.
pub fn phone_or_null() -> Object {
    or_null(phone())
}

/// [`language`], or `null` (then `en`).
pub fn language_or_null() -> Object {
    or_null(language())
}
