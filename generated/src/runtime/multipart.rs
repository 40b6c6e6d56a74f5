//! `multipart/form-data` bodies: text fields and files.

use std::path::PathBuf;

use bytes::Bytes;

use super::error::Error;

/// A file to upload: its bytes (or where to read them from), name and media type.
#[derive(Debug, Clone)]
pub struct FilePart {
    source: FileSource,
    file_name: Option<String>,
    mime_type: Option<String>,
}

#[derive(Debug, Clone)]
enum FileSource {
    Bytes(Bytes),
    Path(PathBuf),
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

    /// A file read from disk when the request is sent; its name is the path's file name.
    pub fn path(path: impl Into<PathBuf>) -> FilePart {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart {
            source: FileSource::Path(path),
            file_name,
            mime_type: None,
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> FilePart {
        self.file_name = Some(name.into());
        self
    }

    pub fn mime_type(mut self, mime: impl Into<String>) -> FilePart {
        self.mime_type = Some(mime.into());
        self
    }

    async fn to_part(&self) -> Result<reqwest::multipart::Part, Error> {
        let bytes = match &self.source {
            FileSource::Bytes(b) => b.clone(),
            FileSource::Path(p) => Bytes::from(std::fs::read(p).map_err(|e| {
                Error::invalid_request(format!("could not read `{}`: {e}", p.display()))
            })?),
        };
        let mut part = reqwest::multipart::Part::stream(bytes);
        if let Some(name) = &self.file_name {
            part = part.file_name(name.clone());
        }
        let mime = self
            .mime_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        part.mime_str(mime)
            .map_err(|_| Error::invalid_request(format!("`{mime}` is not a media type")))
    }
}

/// A multipart body under construction.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    fields: Vec<(&'static str, Field)>,
}

#[derive(Debug, Clone)]
enum Field {
    Text(String),
    File(FilePart),
}

impl Multipart {
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
            self.fields.push((name, Field::Text(v)));
        }
        Ok(self)
    }

    pub fn file(mut self, name: &'static str, file: &FilePart) -> Multipart {
        self.fields.push((name, Field::File(file.clone())));
        self
    }

    pub fn file_opt(self, name: &'static str, file: &Option<FilePart>) -> Multipart {
        match file {
            Some(f) => self.file(name, f),
            None => self,
        }
    }

    /// A fresh form for one attempt (a form is consumed when sent).
    pub(crate) async fn to_form(&self, _attempt: u32) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, field) in &self.fields {
            form = match field {
                Field::Text(t) => form.text(*name, t.clone()),
                Field::File(f) => form.part(*name, f.to_part().await?),
            };
        }
        Ok(form)
    }
}
