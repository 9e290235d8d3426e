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

    /// The OpenAPI document declares these checks (`closer_wire::rules`): every sample its
    /// schema admits, the check accepts, so a client following the document is not refused.
    #[test]
    fn what_the_document_admits_the_checks_accept() {
        use closer_wire::rules;
        type Check = fn(&str) -> bool;
        let long = |n: usize| "x".repeat(n);
        let names = ["Ada", "  Ada  ", "è", " ", "", "Ada\u{7}", "Ada\u{85}", "\t", &long(60), &long(61), &long(100), &long(101), &long(200), &long(201)];
        let emails = ["a@b.co", "Ada.L@Example.COM", "a@b", "a b@c.de", "@b.co", "a@.b.co", "a@b.co.", "<a>@b.co", "a@b@c.de", " a@b.co"];
        let slugs = ["a", "a-b", "a1", "-a", "a-", "A", "a_b", "", &long(64), &long(65)];
        let phones = ["+39 02 1234 5678", "+1 (555) 123-4567", "12345", "123456", &"1".repeat(20), &"1".repeat(21), "1+23456", "abc123456", "++123456"];
        let passwords = [&long(9) as &str, &long(10), &long(256), &long(257)];
        let languages = ["en", "it", "fr", ""];
        let cases: [(&str, utoipa::openapi::Object, &[&str], Check); 9] = [
            ("name_60", rules::name_60(), &names, |v| name("f", v, 60).is_ok()),
            ("name_100", rules::name_100(), &names, |v| name("f", v, 100).is_ok()),
            ("name_200", rules::name_200(), &names, |v| name("f", v, 200).is_ok()),
            ("email", rules::email(), &emails, |v| email("f", v).is_ok()),
            ("slug", rules::slug(), &slugs, |v| slug("f", v).is_ok()),
            ("phone", rules::phone(), &phones, |v| phone("f", v).is_ok()),
            ("password", rules::password(), &passwords, |v| password("f", v).is_ok()),
            ("language", rules::language(), &languages, |v| email_language("f", Some(v)).is_ok()),
            ("text_500", rules::text_500(), &[&long(500), &long(501), " "], |v| name("f", v, 500).is_ok()),
        ];
        for (rule, schema, samples, check) in cases {
            let validator = jsonschema::validator_for(&serde_json::to_value(&schema).unwrap()).unwrap();
            let admitted: Vec<&&str> = samples.iter().filter(|v| validator.is_valid(&serde_json::json!(v))).collect();
            assert!(!admitted.is_empty() && admitted.len() < samples.len(), "{rule}: the samples test nothing ({admitted:?})");
            for sample in admitted {
                assert!(check(sample), "{rule}: the document admits {sample:?}, the server refuses it");
            }
        }
    }

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
