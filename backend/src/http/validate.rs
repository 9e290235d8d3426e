//! Field checks shared by the endpoints; each error names its field.

use super::Error;

/// Trims `value` and checks it has 1–`max` characters and no control characters.
pub fn name(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 || len > max {
        return Err(Error::invalid(field, format!("must be 1–{max} characters")));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// Trims and lower-cases an e-mail address and checks its shape (`local@domain.tld`, ≤ 254
/// characters, no spaces or controls). Deliverability is the SMTP server's business.
pub fn email(field: &str, value: &str) -> Result<String, Error> {
    let email = value.trim().to_lowercase();
    let shaped = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@')
            }
            None => false,
        };
    if !shaped {
        return Err(Error::invalid(field, "expected an e-mail address like name@example.com"));
    }
    Ok(email)
}

/// Trims a phone number and checks it: 6–20 digits, optionally led by `+`, with spaces, dots,
/// dashes and brackets between them (as people type them); returned as typed.
pub fn phone(field: &str, value: &str) -> Result<String, Error> {
    let phone = value.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let shaped = phone.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
    if !shaped || !(6..=20).contains(&digits) {
        return Err(Error::invalid(field, "expected a phone number of 6–20 digits, like +39 02 1234 5678"));
    }
    Ok(phone.to_owned())
}

/// The language of an e-mail Closer sends (invitations, password resets): `en` (the default
/// when `value` is `None`) or `it`, the languages of `team::invitations::LANGUAGES`.
pub fn email_language<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, Error> {
    let language = value.unwrap_or("en");
    if !crate::team::invitations::LANGUAGES.contains(&language) {
        return Err(Error::invalid(field, "expected \"en\" or \"it\""));
    }
    Ok(language)
}

/// Checks a URL slug: 1–64 characters of `[a-z0-9-]`, not starting or ending with `-`.
pub fn slug(field: &str, value: &str) -> Result<String, Error> {
    let ok = (1..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if !ok {
        return Err(Error::invalid(field, "expected 1–64 characters of a-z, 0-9 and '-', not starting or ending with '-'"));
    }
    Ok(value.to_owned())
}

/// Checks a new password's length.
pub fn password(field: &str, value: &str) -> Result<(), Error> {
    use crate::auth::password::{MAX_LENGTH, MIN_LENGTH};
    let len = value.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&len) {
        return Err(Error::invalid(field, format!("must be {MIN_LENGTH}–{MAX_LENGTH} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_control_free() {
        assert_eq!(name("n", "  Ada  ", 60).unwrap(), "Ada");
        assert!(name("n", "   ", 60).is_err());
        assert!(name("n", &"x".repeat(61), 60).is_err());
        assert!(name("n", &"è".repeat(60), 60).is_ok(), "characters, not bytes");
        assert!(name("n", "Ada\u{0007}", 60).is_err());
    }

    #[test]
    fn emails_and_slugs() {
        assert_eq!(email("e", " Ada@Example.COM ").unwrap(), "ada@example.com");
        for bad in ["ada", "ada@", "@x.io", "a b@x.io", "ada@localhost", "a@b@c.io"] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
        assert!(slug("s", "anna-rossi").is_ok());
        for bad in ["", "-a", "a-", "Anna", "a_b", &"a".repeat(65)] {
            assert!(slug("s", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_as_people_type_them() {
        for good in ["+39 02 1234 5678", "(555) 010-4477", "333.123.4567", "123456"] {
            assert_eq!(phone("p", &format!(" {good} ")).unwrap(), good);
        }
        for bad in ["12345", "+39 02 1234 5678 9999 00001", "call me", "39+021234", "0212-34x56"] {
            assert!(phone("p", bad).is_err(), "{bad}");
        }
    }
}
