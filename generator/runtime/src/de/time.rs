//! Date-times (`format: date-time`), read by a fast path for the form servers write
//! (`2026-02-12T00:00:00Z`, `...12.345+02:00`) and by chrono for anything else, with
//! the same result: chrono's general parser takes about as long as the rest of a
//! message's fields together.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::nullable::Nullable;

/// A date-time field as generated code reads it: `Rfc3339<DateTime<Utc>>`, or wrapped
/// in `Option` or `Nullable`; `.0` is the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rfc3339<T>(pub T);

impl<'de> Deserialize<'de> for Rfc3339<DateTime<Utc>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateTimeVisitor).map(Rfc3339)
    }
}

impl<'de> Deserialize<'de> for Rfc3339<Option<DateTime<Utc>>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = Option::<Rfc3339<DateTime<Utc>>>::deserialize(deserializer)?;
        Ok(Rfc3339(read.map(|r| r.0)))
    }
}

impl<'de> Deserialize<'de> for Rfc3339<Nullable<DateTime<Utc>>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = Option::<Rfc3339<DateTime<Utc>>>::deserialize(deserializer)?;
        Ok(Rfc3339(Nullable::from(read.map(|r| r.0))))
    }
}

struct DateTimeVisitor;

impl Visitor<'_> for DateTimeVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
        match fast(v) {
            Some(t) => Ok(t),
            None => v.parse().map_err(E::custom),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, the fraction of at most nine
/// digits; `None` for anything else (chrono then decides), leap seconds included.
fn fast(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let (x, y) = (
            b.get(i)?.wrapping_sub(b'0'),
            b.get(i + 1)?.wrapping_sub(b'0'),
        );
        (x < 10 && y < 10).then(|| u32::from(x) * 10 + u32::from(y))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators.iter().all(|&(i, c)| b.get(i) == Some(&c)) {
        return None;
    }
    let year = two(0)? * 100 + two(2)?;
    let (month, day) = (two(5)?, two(8)?);
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    let mut i = 19;
    let mut nanos = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos *= 10u32.pow((9 - digits) as u32);
    }
    let offset = match (b.get(i)?, b.len() - i) {
        (b'Z', 1) => 0,
        (sign @ (b'+' | b'-'), 6) if b[i + 3] == b':' => {
            let (h, m) = (two(i + 1)?, two(i + 4)?);
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = i64::from(h * 3600 + m * 60);
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = NaiveDateTime::new(date, time).checked_sub_signed(TimeDelta::try_seconds(offset)?)?;
    Some(DateTime::from_naive_utc_and_offset(utc, Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono(text: &str) -> Option<DateTime<Utc>> {
        text.parse().ok()
    }

    #[test]
    fn the_fast_path_reads_as_chrono_does() {
        let cases = [
            "2026-02-12T00:00:00Z",
            "2026-02-12T23:59:59.999999999Z",
            "2026-02-12T10:11:12.5+02:00",
            "2026-02-12T10:11:12.123-07:30",
            "2026-02-12T00:00:00-00:00",
            "2024-02-29T12:00:00Z",
            "0001-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
        ];
        for text in cases {
            assert_eq!(fast(text), chrono(text), "{text}");
            assert!(fast(text).is_some(), "{text}");
        }
        // Random ones, in and out of range: where the fast path reads one, chrono
        // reads the same.
        let mut rng = fastrand::Rng::with_seed(19);
        for _ in 0..20_000 {
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}",
                rng.u32(0..10_000),
                rng.u32(0..14),
                rng.u32(0..33),
                rng.u32(0..25),
                rng.u32(0..61),
                rng.u32(0..62),
                match rng.u8(0..4) {
                    0 => String::new(),
                    1 => format!(".{}", rng.u32(0..1000)),
                    2 => format!(".{:09}", rng.u32(0..1_000_000_000)),
                    _ => format!(".{}", rng.u64(..)),
                },
                match rng.u8(0..3) {
                    0 => "Z".to_string(),
                    1 => format!("+{:02}:{:02}", rng.u32(0..25), rng.u32(0..61)),
                    _ => format!("-{:02}:{:02}", rng.u32(0..25), rng.u32(0..61)),
                }
            );
            if let Some(t) = fast(&text) {
                assert_eq!(Some(t), chrono(&text), "{text}");
            }
        }
    }

    #[test]
    fn other_forms_are_chronos_to_read_or_refuse() {
        for text in [
            "2026-02-12 00:00:00Z",
            "2026-02-12t00:00:00z",
            "2016-12-31T23:59:60Z",
            "2026-02-12T00:00:00.1234567891Z",
            "2026-02-12T00:00:00+0200",
            "2026-02-30T00:00:00Z",
            "not a date",
            "",
        ] {
            assert_eq!(fast(text), None, "{text}");
            let read: Result<Rfc3339<DateTime<Utc>>, _> =
                serde_json::from_value(serde_json::Value::String(text.into()));
            assert_eq!(read.ok().map(|r| r.0), chrono(text), "{text}");
        }
        let read: Rfc3339<Option<DateTime<Utc>>> = serde_json::from_str("null").unwrap();
        assert_eq!(read.0, None);
        let read: Rfc3339<Nullable<DateTime<Utc>>> = serde_json::from_str("null").unwrap();
        assert_eq!(read.0, Nullable::Null);
    }
}
