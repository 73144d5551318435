//! [`read_body`]: a whole body in memory, up to a limit.

use super::HttpError;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Body;
use std::error::Error;

/// Reads all of `body` (a response's, or a request's in a handler) into
/// memory; [`HttpError::TooLarge`] as soon as it is known to exceed `limit`
/// bytes (at once when its declared length does), without reading the rest.
///
/// ```
/// use aio::http::{read_body, Full, HttpError};
///
/// aio::run(async {
///     let body = Full::new(aio::http::Bytes::from("hello"));
///     assert_eq!(read_body(body.clone(), 5).await.unwrap(), "hello");
///     assert!(matches!(read_body(body, 4).await, Err(HttpError::TooLarge { limit: 4 })));
/// });
/// ```
pub async fn read_body<B>(body: B, limit: usize) -> Result<Bytes, HttpError>
where
    B: Body,
    B::Error: Into<Box<dyn Error + Send + Sync>>,
{
    if body.size_hint().lower() > limit as u64 {
        return Err(HttpError::TooLarge { limit });
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => Err(classify(error, limit)),
    }
}

/// Sorts the error of a limited body: over the limit, hyper's own error, or
/// the error of another kind of body.
fn classify(error: Box<dyn Error + Send + Sync>, limit: usize) -> HttpError {
    if error.is::<http_body_util::LengthLimitError>() {
        return HttpError::TooLarge { limit };
    }
    match error.downcast::<hyper::Error>() {
        Ok(hyper_error) => HttpError::from_hyper(*hyper_error),
        Err(other) => HttpError::Body(other),
    }
}
