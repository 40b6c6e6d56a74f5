//! `multipart/form-data` bodies: text fields and files.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::AsyncRead;

use super::error::Error;

/// A file to upload: where its bytes come from, its name and its media type.
///
/// ```
/// # use sdk_runtime::FilePart;
/// let from_memory = FilePart::bytes(b"hello".to_vec()).file_name("hello.txt").mime_type("text/plain");
/// let from_disk = FilePart::path("photo.png"); // named photo.png, sent as image/png
/// ```
#[derive(Clone)]
pub struct FilePart {
    source: FileSource,
    file_name: Option<String>,
    mime_type: Option<String>,
}

type Reader = Box<dyn AsyncRead + Send + Sync + Unpin>;

#[derive(Clone)]
enum FileSource {
    Bytes(Bytes),
    /// Read when the request is sent, streamed rather than loaded whole.
    Path(PathBuf),
    /// Streamed when the request is sent; it can be read once, so a request with one
    /// is not sent again.
    Reader(Arc<Mutex<Option<Reader>>>),
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            FileSource::Bytes(b) => format!("{} bytes", b.len()),
            FileSource::Path(p) => format!("path {}", p.display()),
            FileSource::Reader(_) => "reader".to_string(),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .finish()
    }
}

impl FilePart {
    /// A file from bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> FilePart {
        FilePart {
            source: FileSource::Bytes(bytes.into()),
            file_name: None,
            mime_type: None,
        }
    }

    /// A file on disk, streamed when the request is sent. Its name is the path's file
    /// name, and its media type is guessed from the extension.
    pub fn path(path: impl Into<PathBuf>) -> FilePart {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let mime_type = mime_guess::from_path(&path).first_raw().map(str::to_owned);
        FilePart {
            source: FileSource::Path(path),
            file_name,
            mime_type,
        }
    }

    /// A file read from an async reader when the request is sent.
    pub fn reader(reader: impl AsyncRead + Send + Sync + Unpin + 'static) -> FilePart {
        FilePart {
            source: FileSource::Reader(Arc::new(Mutex::new(Some(Box::new(reader))))),
            file_name: None,
            mime_type: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> FilePart {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    pub fn mime_type(mut self, mime: impl Into<String>) -> FilePart {
        self.mime_type = Some(mime.into());
        self
    }

    /// Whether the part can be sent more than once (a reader cannot).
    pub(crate) fn is_repeatable(&self) -> bool {
        !matches!(self.source, FileSource::Reader(_))
    }

    async fn to_part(&self) -> Result<reqwest::multipart::Part, Error> {
        let part = match &self.source {
            FileSource::Bytes(b) => {
                reqwest::multipart::Part::stream_with_length(b.clone(), b.len() as u64)
            }
            FileSource::Path(p) => {
                let file = tokio::fs::File::open(p).await.map_err(|e| {
                    Error::invalid_request(format!("could not open `{}`: {e}", p.display()))
                })?;
                let length = file
                    .metadata()
                    .await
                    .map_err(|e| {
                        Error::invalid_request(format!("could not read `{}`: {e}", p.display()))
                    })?
                    .len();
                let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
                reqwest::multipart::Part::stream_with_length(body, length)
            }
            FileSource::Reader(slot) => {
                let reader = slot
                    .lock()
                    .map_err(|_| Error::invalid_request("the upload's reader is poisoned"))?
                    .take()
                    .ok_or_else(|| {
                        Error::invalid_request(
                            "the upload's reader was already read by an earlier attempt",
                        )
                    })?;
                reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(
                    tokio_util::io::ReaderStream::new(reader),
                ))
            }
        };
        let part = match &self.file_name {
            Some(name) => part.file_name(writable_name(name, "file name")?.to_string()),
            None => part.file_name("upload"),
        };
        let mime = self
            .mime_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        part.mime_str(mime)
            .map_err(|_| Error::invalid_request(format!("`{mime}` is not a media type")))
    }
}

/// A name of a part (`name="…"`, `filename="…"`) that cannot end its header line: one
/// with a control character (CR, LF, NUL, ...) is refused before anything is sent.
/// reqwest writes a CR or LF with only a backslash before it, which a parser that
/// splits lines on LF reads as the start of a header of the name's choosing.
fn writable_name<'a>(name: &'a str, what: &str) -> Result<&'a str, Error> {
    match name.chars().any(char::is_control) {
        true => Err(Error::invalid_request(format!(
            "the multipart {what} {name:?} holds a control character (CR, LF, NUL, ...), which could change the form's structure"
        ))),
        false => Ok(name),
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::bytes(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::bytes(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::bytes(Bytes::from_static(bytes))
    }
}

impl From<PathBuf> for FilePart {
    fn from(path: PathBuf) -> Self {
        FilePart::path(path)
    }
}

impl From<&Path> for FilePart {
    fn from(path: &Path) -> Self {
        FilePart::path(path)
    }
}

/// A multipart body under construction.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    /// Names are the spec's, or a user's extra field's.
    fields: Vec<(Cow<'static, str>, Field)>,
}

#[derive(Debug, Clone)]
enum Field {
    Text(String),
    File(FilePart),
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// A text field; `None` adds nothing.
    pub fn text<T: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<Multipart, Error> {
        if let Some(v) = super::encoding::header_value(name, value)? {
            self.fields.push((Cow::Borrowed(name), Field::Text(v)));
        }
        Ok(self)
    }

    /// A file field.
    pub fn file(mut self, name: &'static str, file: &FilePart) -> Multipart {
        self.fields
            .push((Cow::Borrowed(name), Field::File(file.clone())));
        self
    }

    /// A file field; `None` adds nothing.
    pub fn file_opt(self, name: &'static str, file: &Option<FilePart>) -> Multipart {
        match file {
            Some(f) => self.file(name, f),
            None => self,
        }
    }

    /// An extra text field set on one request (`Request::with_body_field`).
    pub(crate) fn push_text(&mut self, name: String, value: String) {
        self.fields.push((Cow::Owned(name), Field::Text(value)));
    }

    /// Whether every part can be sent again.
    pub(crate) fn is_repeatable(&self) -> bool {
        self.fields.iter().all(|(_, f)| match f {
            Field::Text(_) => true,
            Field::File(file) => file.is_repeatable(),
        })
    }

    /// A fresh form for one attempt (a form is consumed when sent). Text fields come
    /// first, then files.
    pub(crate) async fn to_form(&self) -> Result<reqwest::multipart::Form, Error> {
        for (name, _) in &self.fields {
            writable_name(name, "field name")?;
        }
        let mut form = reqwest::multipart::Form::new();
        for (name, field) in &self.fields {
            if let Field::Text(t) = field {
                form = form.text(name.clone(), t.clone());
            }
        }
        for (name, field) in &self.fields {
            if let Field::File(f) = field {
                form = form.part(name.clone(), f.to_part().await?);
            }
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_media_types_from_extensions() {
        assert_eq!(
            FilePart::path("/tmp/pic.PNG").mime_type.as_deref(),
            Some("image/png")
        );
        assert_eq!(
            FilePart::path("/tmp/pic.PNG").file_name.as_deref(),
            Some("pic.PNG")
        );
        assert_eq!(FilePart::path("/tmp/notes").mime_type, None);
    }
}
