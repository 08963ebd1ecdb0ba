//! Status codes: the three digits a client acts on, and the reason phrase a person reads.
//!
//! A status code's first digit is its class: 1xx informational (`100 Continue`), 2xx
//! success, 3xx redirection (`301`, `304 Not Modified`), 4xx the client's error, 5xx the
//! server's. A client that does not know a code treats it as the `x00` of its class, so
//! the reason phrase is for people only: HTTP/2 dropped it altogether.

use std::fmt;

/// A status code this server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(u16);

impl StatusCode {
    /// 100: go on and send the body (the answer to `Expect: 100-continue`).
    pub const CONTINUE: StatusCode = StatusCode(100);
    /// 200: here it is.
    pub const OK: StatusCode = StatusCode(200);
    /// 206: here is the part you asked for (`Range`).
    pub const PARTIAL_CONTENT: StatusCode = StatusCode(206);
    /// 301: it lives at another URL for good (`Location`), e.g. a directory without its `/`.
    pub const MOVED_PERMANENTLY: StatusCode = StatusCode(301);
    /// 304: your cached copy is still good (a conditional GET).
    pub const NOT_MODIFIED: StatusCode = StatusCode(304);
    /// 400: the request is malformed.
    pub const BAD_REQUEST: StatusCode = StatusCode(400);
    /// 403: understood, and refused.
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    /// 404: nothing here by that name.
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    /// 405: this resource does not support that method (`Allow` says which it does).
    pub const METHOD_NOT_ALLOWED: StatusCode = StatusCode(405);
    /// 408: the request did not arrive in time.
    pub const REQUEST_TIMEOUT: StatusCode = StatusCode(408);
    /// 412: an `If-Match` or `If-Unmodified-Since` precondition failed.
    pub const PRECONDITION_FAILED: StatusCode = StatusCode(412);
    /// 413: the body is larger than the server accepts.
    pub const CONTENT_TOO_LARGE: StatusCode = StatusCode(413);
    /// 414: the request target is longer than the server accepts.
    pub const URI_TOO_LONG: StatusCode = StatusCode(414);
    /// 416: no range asked for overlaps the file (`Content-Range: bytes */LEN`).
    pub const RANGE_NOT_SATISFIABLE: StatusCode = StatusCode(416);
    /// 417: an `Expect` the server cannot meet.
    pub const EXPECTATION_FAILED: StatusCode = StatusCode(417);
    /// 431: the header section is too large, or has too many fields.
    pub const REQUEST_HEADER_FIELDS_TOO_LARGE: StatusCode = StatusCode(431);
    /// 500: the server failed.
    pub const INTERNAL_SERVER_ERROR: StatusCode = StatusCode(500);
    /// 501: the server does not implement that (an unknown method, an unknown transfer
    /// coding).
    pub const NOT_IMPLEMENTED: StatusCode = StatusCode(501);
    /// 503: the server cannot take the request now.
    pub const SERVICE_UNAVAILABLE: StatusCode = StatusCode(503);
    /// 505: an HTTP version the server does not speak (HTTP/2.0 over this text protocol).
    pub const HTTP_VERSION_NOT_SUPPORTED: StatusCode = StatusCode(505);

    /// A status code from its number, if it is one (100 to 599).
    ///
    /// ```
    /// use mini_http::status::StatusCode;
    ///
    /// assert_eq!(StatusCode::from_u16(404), Some(StatusCode::NOT_FOUND));
    /// assert_eq!(StatusCode::from_u16(99), None);
    /// ```
    pub fn from_u16(code: u16) -> Option<StatusCode> {
        (100..=599).contains(&code).then_some(StatusCode(code))
    }

    /// The number.
    pub fn as_u16(self) -> u16 {
        self.0
    }

    /// The reason phrase of RFC 9110 (an empty string for codes it does not name).
    ///
    /// ```
    /// use mini_http::status::StatusCode;
    ///
    /// assert_eq!(StatusCode::URI_TOO_LONG.reason(), "URI Too Long");
    /// ```
    pub fn reason(self) -> &'static str {
        match self.0 {
            100 => "Continue",
            101 => "Switching Protocols",
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            204 => "No Content",
            206 => "Partial Content",
            301 => "Moved Permanently",
            302 => "Found",
            303 => "See Other",
            304 => "Not Modified",
            307 => "Temporary Redirect",
            308 => "Permanent Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            408 => "Request Timeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "Length Required",
            412 => "Precondition Failed",
            413 => "Content Too Large",
            414 => "URI Too Long",
            415 => "Unsupported Media Type",
            416 => "Range Not Satisfiable",
            417 => "Expectation Failed",
            421 => "Misdirected Request",
            422 => "Unprocessable Content",
            426 => "Upgrade Required",
            429 => "Too Many Requests",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            505 => "HTTP Version Not Supported",
            _ => "",
        }
    }

    /// Whether a response with this status may carry a body: never 1xx, 204 or 304.
    pub fn allows_body(self) -> bool {
        !(self.0 < 200 || self.0 == 204 || self.0 == 304)
    }

    /// Whether it is an error (4xx or 5xx).
    pub fn is_error(self) -> bool {
        self.0 >= 400
    }
}

impl fmt::Display for StatusCode {
    /// `404 Not Found`: the code and its reason, as a status line ends.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.reason())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_this_server_sends_has_a_reason() {
        for code in [
            100, 200, 206, 301, 304, 400, 403, 404, 405, 408, 412, 413, 414, 416, 417, 431, 500,
            501, 503, 505,
        ] {
            let status = StatusCode::from_u16(code).expect("in range");
            assert!(!status.reason().is_empty(), "{code}");
        }
        assert_eq!(StatusCode::NOT_MODIFIED.to_string(), "304 Not Modified");
        assert!(!StatusCode::NOT_MODIFIED.allows_body());
        assert!(StatusCode::NOT_FOUND.allows_body() && StatusCode::NOT_FOUND.is_error());
    }
}
