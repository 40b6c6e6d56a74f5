//! Rust names from spec names: PascalCase types and variants, snake_case fields and
//! methods, keywords escaped, and nothing a Rust identifier cannot hold.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::Name;

/// Keywords of Rust 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Names the generated models module uses unqualified from the prelude; a schema
/// with one of these names would shadow it.
const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Default",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "Unpin",
    "FromIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
];

/// A name made only of symbols (an operator as an enum value: `~`, `!~`, `>=`) is
/// spelled character by character, so that each keeps its meaning.
fn operator_words(raw: &str) -> Option<String> {
    if raw.is_empty() || raw.chars().any(|c| c.is_alphanumeric()) {
        return None;
    }
    let mut out = String::new();
    for c in raw.chars() {
        let word = match c {
            '~' => "tilde",
            '^' => "caret",
            '!' => "not",
            '=' => "eq",
            '<' => "lt",
            '>' => "gt",
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '\\' => "backslash",
            '%' => "percent",
            '&' => "and",
            '|' => "pipe",
            '@' => "at",
            '#' => "hash",
            '$' => "dollar",
            '?' => "question",
            '.' => "dot",
            ',' => "comma",
            ':' => "colon",
            ';' => "semicolon",
            '_' => "underscore",
            '(' | ')' => "paren",
            '[' | ']' => "bracket",
            '{' | '}' => "brace",
            '\'' | '"' | '`' => "quote",
            _ => continue,
        };
        out.push(' ');
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

/// Splits words on anything that is not an ASCII letter or digit, after spelling out
/// leading symbols that carry meaning (`+1` and `-1` must not both become `1`).
fn words(raw: &str) -> String {
    if let Some(spelled) = operator_words(raw) {
        return spelled;
    }
    let raw = &acronym_versions(&plural_acronyms(raw));
    let mut out = String::with_capacity(raw.len() + 8);
    let chars = raw.chars().peekable();
    let mut at_start = true;
    for c in chars {
        let spelled = match c {
            '+' => Some("plus"),
            '-' if at_start => Some("minus"),
            '*' => Some("star"),
            '@' if at_start => Some("at"),
            '#' if at_start => Some("hash"),
            '$' if at_start => Some("dollar"),
            '%' => Some("percent"),
            '&' => Some("and"),
            '=' => Some("eq"),
            '<' => Some("lt"),
            '>' => Some("gt"),
            '~' => Some("tilde"),
            '^' => Some("caret"),
            '!' if at_start => Some("not"),
            _ => None,
        };
        match spelled {
            Some(word) => {
                out.push(' ');
                out.push_str(word);
                out.push(' ');
            }
            None if c.is_ascii_alphanumeric() => out.push(c),
            // heck's own word boundary markers are kept as they are.
            None if c == '_' || c == '-' || c == ' ' || c == '.' => out.push(c),
            None => out.push(' '),
        }
        if c.is_ascii_alphanumeric() {
            at_start = false;
        }
    }
    out
}

/// `IPv6` -> `Ipv6`: an acronym followed by one lowercase letter and a digit is one
/// word (`reserved_ipv6`, not `reserved_i_pv6`).
fn acronym_versions(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_uppercase() {
            i += 1;
        }
        let versioned = i - start >= 2
            && chars.get(i).is_some_and(char::is_ascii_lowercase)
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if versioned {
            for c in &mut out[start + 1..i] {
                *c = c.to_ascii_lowercase();
            }
        }
        if i == start {
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// A name's leading number in words (`1` -> `one`, `303` -> `three hundred three`),
/// so that no name needs a prefix to be an identifier. Long numbers go digit by digit.
fn spell_leading_number(name: &str) -> String {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return name.to_string();
    }
    let rest = &name[digits.len()..];
    let spelled = match digits.parse::<u32>() {
        Ok(n) if digits.len() <= 4 && !(digits.len() > 1 && digits.starts_with('0')) => {
            number_words(n)
        }
        _ => digits
            .chars()
            .map(|d| number_words(d.to_digit(10).unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(" "),
    };
    format!("{spelled} {rest}")
}

fn number_words(n: u32) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 => match n % 10 {
            0 => TENS[(n / 10) as usize].to_string(),
            r => format!("{} {}", TENS[(n / 10) as usize], ONES[r as usize]),
        },
        100..=999 => match n % 100 {
            0 => format!("{} hundred", ONES[(n / 100) as usize]),
            r => format!("{} hundred {}", ONES[(n / 100) as usize], number_words(r)),
        },
        _ => match n % 1000 {
            0 => format!("{} thousand", number_words(n / 1000)),
            r => format!("{} thousand {}", number_words(n / 1000), number_words(r)),
        },
    }
}

/// Words spelled in mixed case that are one word (`OAuth`, `GraphQL`), written so that
/// they are not split at their inner capital (`o_auth2`, `DISCORD_O_AUTH2`).
const ONE_WORD_BRANDS: &[(&str, &str)] = &[("OAuth", "Oauth"), ("GraphQL", "Graphql")];

fn one_word_brands(raw: &str) -> std::borrow::Cow<'_, str> {
    let mut out = std::borrow::Cow::Borrowed(raw);
    for (mixed, word) in ONE_WORD_BRANDS {
        if out.contains(mixed) {
            out = std::borrow::Cow::Owned(out.replace(mixed, word));
        }
    }
    out
}

/// Whether a word of a snake_case name is an API version: `v1`, `v2beta1`, `2010`,
/// `20100401`, `api20100401`.
pub fn is_version_word(word: &str) -> bool {
    if let Some(rest) = word.strip_prefix('v')
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        return rest.chars().all(|c| c.is_ascii_alphanumeric());
    }
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    word.len() - letters.len() >= 4 && letters.chars().all(|c| c.is_ascii_lowercase())
}

/// `accountIDs` -> `accountIds`, so that the plural `s` stays with its acronym
/// (`account_ids`, not `account_i_ds`).
fn plural_acronyms(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_uppercase() {
            i += 1;
        }
        let run = i - start;
        let plural = run >= 2
            && i < chars.len()
            && chars[i] == 's'
            && chars.get(i + 1).is_none_or(|c| !c.is_ascii_lowercase());
        for (k, c) in chars[start..i].iter().enumerate() {
            out.push(if plural && k > 0 {
                c.to_ascii_lowercase()
            } else {
                *c
            });
        }
        if i == start {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `accountID` -> `AccountId`; `2fa` -> `TwoFa`; `Option` -> `OptionModel`.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = spell_leading_number(&name).to_upper_camel_case();
    }
    if PRELUDE_TYPES.contains(&name.as_str()) || name == "Self" {
        name.push_str("Model");
    }
    name
}

/// Inline types are named from where they sit, as short as stays unambiguous. A
/// `title` the spec gives comes first (when no other type has that name); else the
/// name of what holds the schema and the property's name, where the holder of a
/// request body's properties is the operation (`ChatsUpdate` + `draft`, not
/// `ChatsUpdateBody` + `draft`), and a list's items take the singular of the list
/// (`VerificationMethods` -> `VerificationMethod`). A shorter form that is taken,
/// by any type or by a sibling property's type, gives way to the long one; what
/// still collides takes the next free number (`Scope::claim`).
///
/// A title that names no value of its own (`Default`, `None`: a word Rust's prelude
/// already has, which a type would take only as `DefaultModel`) is not used.
pub fn titled_type_name(title: Option<&str>, taken: &Scope) -> Option<String> {
    let title = title?.trim();
    let plain = words(title).to_upper_camel_case();
    if title.is_empty() || PRELUDE_TYPES.contains(&plain.as_str()) || plain == "Self" {
        return None;
    }
    let name = type_name(title);
    (!taken.contains(&name)).then_some(name)
}

/// The prefix for the types of an object's properties: a request body's properties
/// are named after the operation (`ChatsUpdateBody` -> `ChatsUpdate`), unless the
/// property's own name would then read as one of the operation's other types.
pub fn property_type_name(holder: &str, body_of: Option<&str>, wire: &str) -> String {
    let property = type_name(wire);
    match body_of {
        Some(op) if !["Body", "Response", "Params"].contains(&property.as_str()) => {
            format!("{op}{property}")
        }
        _ => format!("{holder}{property}"),
    }
}

/// The name of a list's items: the singular of the list's name when it reads as an
/// English plural (`Methods` -> `Method`, `Categories` -> `Category`), else `…Item`.
pub fn item_type_name(list: &str) -> String {
    let singular = if let Some(stem) = list.strip_suffix("ies") {
        Some(format!("{stem}y"))
    } else if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| list.ends_with(s))
    {
        list.strip_suffix("es").map(str::to_string)
    } else if ["ss", "us", "is", "os"].iter().any(|s| list.ends_with(s)) {
        None
    } else {
        list.strip_suffix('s').map(str::to_string)
    };
    match singular {
        // A stem that is only a digit or empty says nothing.
        Some(s) if s.chars().last().is_some_and(|c| c.is_ascii_lowercase()) => s,
        _ => format!("{list}Item"),
    }
}

/// Enum variant from a wire value: `self-hosted` -> `SelfHosted`, `""` -> `Empty`.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".into();
    }
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = spell_leading_number(&name).to_upper_camel_case();
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// Field, parameter or method name: `accountID` -> `account_id`, `type` -> `r#type`,
/// `OAuth2` -> `oauth2`.
pub fn snake_name(raw: &str) -> String {
    let mut name = words(&one_word_brands(raw)).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = spell_leading_number(&name).to_snake_case();
    }
    escape_keyword(name)
}

pub fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Both forms of a name made by `snake_name` or `Scope::claim`.
pub fn name(rust: String) -> Name {
    Name {
        bare: bare(&rust).to_string(),
        rust,
    }
}

/// The name without a raw prefix, for building other names from it.
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Hands out unique names within one scope: the second `foo` becomes `foo2`.
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
    /// PascalCase names take `Alt2` after a digit, where snake_case names take `_2`:
    /// `V1_2` would not be UpperCamelCase.
    pascal: bool,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_reserved(names: &[&str]) -> Self {
        Scope {
            taken: names.iter().map(|s| s.to_string()).collect(),
            pascal: false,
        }
    }

    /// A scope of PascalCase names (types, variants).
    pub fn pascal() -> Self {
        Scope {
            taken: HashSet::new(),
            pascal: true,
        }
    }

    pub fn pascal_with_reserved(names: &[&str]) -> Self {
        Scope {
            pascal: true,
            ..Scope::with_reserved(names)
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// Returns the name itself if free, else the first free `name2`, `name3`, ...; the
    /// bool says whether it had to be changed.
    pub fn claim(&mut self, name: &str) -> (String, bool) {
        if self.taken.insert(name.to_string()) {
            return (name.to_string(), false);
        }
        let (base, raw) = match name.strip_prefix("r#") {
            Some(b) => (b, true),
            None => (name, false),
        };
        let sep = match (base.ends_with(|c: char| c.is_ascii_digit()), self.pascal) {
            (true, true) => "Alt",
            (true, false) => "_",
            (false, _) => "",
        };
        for n in 2.. {
            let candidate = format!("{base}{sep}{n}");
            let candidate = if raw {
                escape_keyword(candidate)
            } else {
                candidate
            };
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
        }
        unreachable!("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What emit's `ident` needs: an ASCII identifier (`r#` before a keyword), never
    /// one of the names that cannot be raw.
    fn is_identifier(name: &str) -> bool {
        let bare = name.strip_prefix("r#").unwrap_or(name);
        bare.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && bare != "_"
            && !(name.starts_with("r#") && NOT_RAW.contains(&bare))
            && (name.starts_with("r#") || !KEYWORDS.contains(&bare) || NOT_RAW.contains(&bare))
    }

    proptest::proptest! {
        #[test]
        fn every_name_is_an_identifier(raw in "\\PC{0,12}") {
            for name in [snake_name(&raw), type_name(&raw), variant_name(&raw)] {
                proptest::prop_assert!(is_identifier(&name), "{raw:?} gave {name:?}");
            }
            let mut scope = Scope::new();
            let (a, _) = scope.claim(&snake_name(&raw));
            let (b, _) = scope.claim(&snake_name(&raw));
            proptest::prop_assert!(is_identifier(&a) && is_identifier(&b));
        }
    }

    #[test]
    fn names() {
        assert_eq!(type_name("accountID"), "AccountId");
        assert_eq!(type_name("login-session"), "LoginSession");
        assert_eq!(type_name("200"), "TwoHundred");
        assert_eq!(type_name("303Params"), "ThreeHundredThreeParams");
        assert_eq!(variant_name("2023"), "TwoThousandTwentyThree");
        assert_eq!(variant_name("007"), "ZeroZeroSeven");
        assert_eq!(snake_name("1-click applications"), "one_click_applications");
        assert_eq!(
            snake_name("_1_click_applications"),
            "one_click_applications"
        );
        assert_eq!(snake_name("3dSecure"), "three_d_secure");
        assert_eq!(snake_name("reservedIPv6"), "reserved_ipv6");
        assert_eq!(type_name("IPv4Address"), "Ipv4Address");
        assert_eq!(variant_name("~"), "Tilde");
        assert_eq!(variant_name("^"), "Caret");
        assert_eq!(variant_name("!~"), "NotTilde");
        assert_eq!(variant_name(">="), "GtEq");
        assert_eq!(variant_name("<"), "Lt");
        assert_eq!(variant_name("!="), "NotEq");
        assert_eq!(variant_name("~="), "TildeEq");
        assert_eq!(type_name("Result"), "ResultModel");
        assert_eq!(
            type_name("ProvisioningCapabilities"),
            "ProvisioningCapabilities"
        );
        assert_eq!(variant_name("self-hosted"), "SelfHosted");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("qr.confirmScanned"), "QrConfirmScanned");
        assert_eq!(snake_name("accountID"), "account_id");
        assert_eq!(snake_name("imgURL"), "img_url");
        assert_eq!(snake_name("lastURL"), "last_url");
        assert_eq!(
            snake_name("expectedFinalURLRegex"),
            "expected_final_url_regex"
        );
        assert_eq!(snake_name("group_creation"), "group_creation");
        assert_eq!(snake_name("type"), "r#type");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("2fa"), "two_fa");
        assert_eq!(snake_name("@timestamp"), "at_timestamp");
        assert_eq!(snake_name("🙂"), "value");
        assert_eq!(snake_name("accountIDs"), "account_ids");
        assert_eq!(snake_name("URLs"), "urls");
        assert_eq!(snake_name("chatIDsAfter"), "chat_ids_after");
        assert_eq!(snake_name("IDs"), "ids");
        assert_eq!(snake_name("status"), "status");
        assert_eq!(type_name("APIError"), "ApiError");
        assert_eq!(snake_name("OAuth2"), "oauth2");
        assert_eq!(snake_name("discordOAuth2Token"), "discord_oauth2_token");
        assert_eq!(snake_name("GraphQLQuery"), "graphql_query");
        assert_eq!(snake_name("oauth_client"), "oauth_client");
        assert!(is_version_word("v1") && is_version_word("v2beta1"));
        assert!(is_version_word("20100401") && is_version_word("api20100401"));
        assert!(!is_version_word("ipv4") && !is_version_word("v") && !is_version_word("list"));
        assert!(!is_version_word("s3") && !is_version_word("oauth2"));
    }

    #[test]
    fn inline_type_names() {
        assert_eq!(item_type_name("VerificationMethods"), "VerificationMethod");
        assert_eq!(item_type_name("ChatCategories"), "ChatCategory");
        assert_eq!(item_type_name("MatchBoxes"), "MatchBox");
        assert_eq!(item_type_name("SendStatus"), "SendStatusItem");
        assert_eq!(item_type_name("Address"), "AddressItem");
        assert_eq!(item_type_name("Tags2s"), "Tags2sItem");
        assert_eq!(item_type_name("Data"), "DataItem");
        assert_eq!(
            property_type_name("ChatsUpdateBody", Some("ChatsUpdate"), "draft"),
            "ChatsUpdateDraft"
        );
        assert_eq!(
            property_type_name("ChatsUpdateBody", Some("ChatsUpdate"), "response"),
            "ChatsUpdateBodyResponse"
        );
        assert_eq!(property_type_name("Chat", None, "draft"), "ChatDraft");
        let mut taken = Scope::pascal();
        taken.claim("Account");
        assert_eq!(
            titled_type_name(Some("login source"), &taken),
            Some("LoginSource".into())
        );
        assert_eq!(titled_type_name(Some("Account"), &taken), None);
        assert_eq!(titled_type_name(Some(" "), &taken), None);
        assert_eq!(titled_type_name(None, &taken), None);
        // Titles that name nothing but a prelude word are not names.
        assert_eq!(titled_type_name(Some("Default"), &taken), None);
        assert_eq!(titled_type_name(Some("none"), &taken), None);
        assert_eq!(
            titled_type_name(Some("Options"), &taken),
            Some("Options".into())
        );
    }

    #[test]
    fn scope_disambiguates_deterministically() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("foo"), ("foo".into(), false));
        assert_eq!(scope.claim("foo"), ("foo2".into(), true));
        assert_eq!(scope.claim("v1"), ("v1".into(), false));
        assert_eq!(scope.claim("v1"), ("v1_2".into(), true));
        assert_eq!(scope.claim("r#type"), ("r#type".into(), false));
        assert_eq!(scope.claim("r#type"), ("type2".into(), true));
        let mut types = Scope::pascal();
        assert_eq!(types.claim("V1"), ("V1".into(), false));
        assert_eq!(types.claim("V1"), ("V1Alt2".into(), true));
    }
}
