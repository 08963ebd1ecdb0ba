//! What a path means: a file (whole, in ranges, or "not modified"), a directory (a
//! redirect, its `index.html`, or a listing), or an error; and how the answer becomes
//! bytes and file ranges for the engine.

use super::Site;
use crate::conditional::{self, evaluate, ETag, Outcome, Preconditions};
use crate::date::{format_http_date, Fixdate};
use crate::escape::percent_encode_path;
use crate::listing::{self, Entry};
use crate::range::{self, Multipart, RangePlan, Representation};
use crate::request::{Method, Request, Version};
use crate::response::{error_page, write_head, Connection, Head, SERVER};
use crate::server::Chunk;
use crate::status::StatusCode;
use crate::target::{parse_target, RequestTarget, Resource};
use file_download::confine::{FileKind, RefusalKind, Refused, Served};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

/// Files up to this size are read into the response's one buffer: head and body leave in
/// one `write`. Larger ones go with `sendfile(2)` after the head.
const SMALL_FILE: u64 = 16 * 1024;

/// An answer being built: the head's fields and what the body is.
#[derive(Debug)]
pub(super) struct Answer {
    pub status: StatusCode,
    /// The body's length (what `Content-Length` says, for `HEAD` too).
    pub body_len: u64,
    date: Fixdate,
    content_type: Option<String>,
    last_modified: Option<Fixdate>,
    etag: Option<String>,
    accept_ranges: bool,
    content_range: Option<String>,
    location: Option<String>,
    allow: Option<&'static str>,
    body: Body,
}

#[derive(Debug)]
enum Body {
    Empty,
    Bytes(Vec<u8>),
    File {
        file: Arc<File>,
        offset: u64,
    },
    Multi {
        file: Arc<File>,
        layout: Multipart,
    },
    /// A whole response, head included (the course's `--fake` page).
    Raw(Vec<u8>),
}

impl Answer {
    fn new(site: &Site, status: StatusCode) -> Answer {
        Answer {
            status,
            body_len: 0,
            date: site.date(),
            content_type: None,
            last_modified: None,
            etag: None,
            accept_ranges: false,
            content_range: None,
            location: None,
            allow: None,
            body: Body::Empty,
        }
    }

    /// A whole response prepared elsewhere.
    pub fn bytes(status: StatusCode, raw: Vec<u8>, _: bool) -> Answer {
        let head_len = head_end(&raw);
        Answer {
            status,
            body_len: (raw.len() - head_len) as u64,
            date: format_http_date(SystemTime::now()),
            content_type: None,
            last_modified: None,
            etag: None,
            accept_ranges: false,
            content_range: None,
            location: None,
            allow: None,
            body: Body::Raw(raw),
        }
    }

    /// An error: its status and a small page saying why.
    pub fn error(site: &Site, status: StatusCode, detail: &str) -> Answer {
        let (content_type, page) = error_page(status, detail);
        let mut answer = Answer::new(site, status);
        answer.content_type = Some(content_type.to_string());
        answer.body_len = page.len() as u64;
        answer.body = Body::Bytes(page.into_bytes());
        if status == StatusCode::METHOD_NOT_ALLOWED {
            answer.allow = Some("GET, HEAD");
        }
        answer
    }

    /// The bytes and file ranges to send: the head (with `Connection` as `close` and the
    /// client's version say), then the body unless `head_only`.
    pub fn finish(self, head_only: bool, close: bool, version: Version) -> Vec<Chunk> {
        if let Body::Raw(raw) = self.body {
            let end = raw
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(raw.len(), |i| i + 4);
            let keep = if head_only { end } else { raw.len() };
            return vec![Chunk::Bytes(raw[..keep].to_vec())];
        }
        let connection = if close {
            Connection::Close
        } else if version == Version::Http10 {
            // A 1.0 client that asked to keep the connection is told it is kept.
            Connection::KeepAlive
        } else {
            Connection::Omit
        };
        let mut head = Head::new(self.status)
            .server(SERVER)
            .date(self.date.as_str())
            .connection(connection);
        if let Some(content_type) = &self.content_type {
            head = head.content_type(content_type);
        }
        if self.status.allows_body() {
            head = head.content_length(self.body_len);
        }
        if let Some(date) = &self.last_modified {
            head = head.last_modified(date.as_str());
        }
        if let Some(etag) = &self.etag {
            head = head.etag(etag);
        }
        if self.accept_ranges {
            head = head.accept_ranges("bytes");
        }
        if let Some(range) = &self.content_range {
            head = head.content_range(range);
        }
        if let Some(location) = &self.location {
            head = head.location(location);
        }
        if let Some(allow) = self.allow {
            head = head.allow(allow);
        }
        let small = matches!(self.body, Body::Bytes(_)) || self.body_len <= SMALL_FILE;
        let mut buf = Vec::with_capacity(320 + if small { self.body_len as usize } else { 0 });
        write_head(&mut buf, &head);
        if head_only || !self.status.allows_body() {
            return vec![Chunk::Bytes(buf)];
        }
        match self.body {
            Body::Empty | Body::Raw(_) => vec![Chunk::Bytes(buf)],
            Body::Bytes(bytes) => {
                buf.extend_from_slice(&bytes);
                vec![Chunk::Bytes(buf)]
            }
            Body::File { file, offset } => {
                if self.body_len <= SMALL_FILE && read_into(&file, offset, self.body_len, &mut buf)
                {
                    return vec![Chunk::Bytes(buf)];
                }
                vec![
                    Chunk::Bytes(buf),
                    Chunk::File {
                        file,
                        offset,
                        len: self.body_len,
                    },
                ]
            }
            Body::Multi { file, layout } => {
                let mut chunks = Vec::with_capacity(2 * layout.parts.len() + 1);
                for part in &layout.parts {
                    buf.extend_from_slice(part.header.as_bytes());
                    chunks.push(Chunk::Bytes(std::mem::take(&mut buf)));
                    chunks.push(Chunk::File {
                        file: Arc::clone(&file),
                        offset: part.range.start,
                        len: part.range.byte_count(),
                    });
                }
                chunks.push(Chunk::Bytes(layout.closing.into_bytes()));
                chunks
            }
        }
    }
}

/// Where a whole response's head ends (after its empty line).
fn head_end(raw: &[u8]) -> usize {
    raw.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4)
}

/// Reads `len` bytes of `file` at `offset` onto the end of `buf`; false if the file
/// could not give them all (it shrank: the caller sends it by range and fails there).
fn read_into(file: &File, offset: u64, len: u64, buf: &mut Vec<u8>) -> bool {
    use std::os::unix::fs::FileExt;
    let start = buf.len();
    buf.resize(start + len as usize, 0);
    match file.read_exact_at(&mut buf[start..], offset) {
        Ok(()) => true,
        Err(_) => {
            buf.truncate(start);
            false
        }
    }
}

/// Answers a `GET` or `HEAD`.
pub(super) fn serve(site: &Site, request: &Request) -> Answer {
    let resource = match parse_target(request.method.as_str(), &request.target) {
        Ok(RequestTarget::Resource(resource)) => resource,
        Ok(_) => return Answer::error(site, StatusCode::BAD_REQUEST, "GET and HEAD need a path"),
        Err(err) => return Answer::error(site, err.status(), &err.to_string()),
    };
    let name = resource.relative_path();
    if name.is_empty() || name.ends_with('/') {
        return directory(site, request, &resource);
    }
    match site.root.open_file(name) {
        Ok(served) => file(site, request, served, name),
        Err(Refused::NotRegular {
            kind: FileKind::Directory,
        }) => directory(site, request, &resource),
        Err(refused) => refusal(site, &refused),
    }
}

/// The answer to a name the root refused.
fn refusal(site: &Site, refused: &Refused) -> Answer {
    let status = match refused.kind() {
        RefusalKind::BadRequest => StatusCode::BAD_REQUEST,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Forbidden | RefusalKind::NotRegular => StatusCode::FORBIDDEN,
        RefusalKind::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
    };
    Answer::error(site, status, &refused.to_string())
}

/// A regular file: preconditions, then ranges, then the bytes.
fn file(site: &Site, request: &Request, served: Served, name: &str) -> Answer {
    let Served { file, metadata } = served;
    let len = metadata.len();
    let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let last_modified = conditional::last_modified(modified, SystemTime::now());
    let etag = match ETag::from_metadata(&metadata) {
        Ok(etag) => etag,
        Err(err) => {
            return Answer::error(site, StatusCode::INTERNAL_SERVER_ERROR, &err.to_string())
        }
    };
    let headers = &request.headers;
    let preconditions = Preconditions {
        if_match: headers.get("If-Match"),
        if_none_match: headers.get("If-None-Match"),
        if_modified_since: headers.get("If-Modified-Since"),
        if_unmodified_since: headers.get("If-Unmodified-Since"),
    };
    let outcome = evaluate(true, &preconditions, etag.as_str(), last_modified);
    let content_type = crate::mime::from_path(Path::new(name));
    let mut answer = Answer::new(site, StatusCode::OK);
    answer.etag = Some(etag.as_str().to_string());
    answer.last_modified = Some(format_http_date(last_modified));
    match outcome {
        Outcome::Proceed => {}
        Outcome::NotModified => {
            answer.status = StatusCode::NOT_MODIFIED;
            return answer;
        }
        Outcome::PreconditionFailed => {
            return Answer::error(
                site,
                StatusCode::PRECONDITION_FAILED,
                "the file is not the version the request names",
            );
        }
    }
    answer.accept_ranges = true;
    answer.content_type = Some(content_type.to_string());
    let file = Arc::new(file);
    let representation = Representation {
        len,
        etag: etag.as_str(),
        last_modified,
        content_type,
    };
    // A HEAD answers as a GET without `Range` would (RFC 9110 §14.2): ranges are for GET.
    let range = match request.method {
        Method::Get => headers.get("Range"),
        _ => None,
    };
    match range::plan(range, headers.get("If-Range"), &representation) {
        RangePlan::Whole => {
            answer.body_len = len;
            answer.body = Body::File { file, offset: 0 };
        }
        RangePlan::Single {
            start,
            end_inclusive,
            content_range,
        } => {
            answer.status = StatusCode::PARTIAL_CONTENT;
            answer.body_len = end_inclusive - start + 1;
            answer.content_range = Some(content_range);
            answer.body = Body::File {
                file,
                offset: start,
            };
        }
        RangePlan::Multi(layout) => {
            answer.status = StatusCode::PARTIAL_CONTENT;
            answer.body_len = layout.content_length;
            answer.content_type = Some(layout.content_type.clone());
            answer.body = Body::Multi { file, layout };
        }
        RangePlan::Unsatisfiable { content_range } => {
            let mut refused = Answer::error(
                site,
                StatusCode::RANGE_NOT_SATISFIABLE,
                "no range asked for lies in the file",
            );
            refused.content_range = Some(content_range);
            return refused;
        }
    }
    answer
}

/// A directory: add the `/`, or its `index.html`, or its listing.
fn directory(site: &Site, request: &Request, resource: &Resource) -> Answer {
    // The path rebuilt from its real steps: `//evil.example/` can never come back as a
    // `Location` that a browser would read as another host.
    let steps: Vec<&str> = resource
        .path
        .split('/')
        .filter(|step| !step.is_empty() && *step != ".")
        .collect();
    let clean = if steps.is_empty() {
        "/".to_string()
    } else {
        format!("/{}/", steps.join("/"))
    };
    if !resource.path.ends_with('/') {
        let mut answer = Answer::error(
            site,
            StatusCode::MOVED_PERMANENTLY,
            "a directory's address ends with /",
        );
        let query = resource
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        answer.location = Some(format!("{}{query}", percent_encode_path(&clean)));
        return answer;
    }
    let name = resource.relative_path();
    let index = format!("{}index.html", name);
    match site.root.open_file(&index) {
        Ok(served) => return file(site, request, served, &index),
        Err(Refused::NotFound) => {}
        Err(refused) => return refusal(site, &refused),
    }
    let listed = match site.root.list_dir(name) {
        Ok(listed) => listed,
        Err(refused) => return refusal(site, &refused),
    };
    let entries = listed
        .into_iter()
        .map(|entry| {
            let date = format_http_date(entry.modified).as_str().to_string();
            if entry.is_dir {
                Entry::dir(entry.name, date)
            } else {
                Entry::file(entry.name, entry.size, date)
            }
        })
        .collect();
    let page = listing::page(&clean, entries);
    let mut answer = Answer::new(site, StatusCode::OK);
    answer.content_type = Some("text/html; charset=utf-8".to_string());
    answer.body_len = page.len() as u64;
    answer.body = Body::Bytes(page.into_bytes());
    answer
}
