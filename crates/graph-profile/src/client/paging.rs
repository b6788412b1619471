//! Lists page by page, following `@odata.nextLink` as an opaque URL.

use futures::{Stream, StreamExt};
use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::http::LogPath;
use super::http::{Call, Replay};
use super::{Client, json_body};
use crate::FacetKind;
use crate::error::{Error, ErrorKind};

/// Pages from `first` on; the stream ends after the last page or the first error.
pub(super) fn pages(
    client: Client,
    kind: FacetKind,
    first: Result<Url, Error>,
) -> impl Stream<Item = Result<Vec<Value>, Error>> + Send + 'static {
    futures::stream::unfold(Some(first), move |next| {
        let client = client.clone();
        async move {
            let url = match next? {
                Ok(url) => url,
                Err(error) => return Some((Err(error), None)),
            };
            match fetch_page(&client, kind, url).await {
                Ok((entries, next)) => Some((Ok(entries), next.map(Ok))),
                Err(error) => Some((Err(error.with_facet(kind)), None)),
            }
        }
    })
}

/// Every entry of every page.
pub(super) async fn collect(
    pages: impl Stream<Item = Result<Vec<Value>, Error>>,
) -> Result<Vec<Value>, Error> {
    let mut pages = std::pin::pin!(pages);
    let mut entries = Vec::new();
    while let Some(page) = pages.next().await {
        entries.extend(page?);
    }
    Ok(entries)
}

/// One page: its entries and the next page's URL.
async fn fetch_page(
    client: &Client,
    kind: FacetKind,
    url: Url,
) -> Result<(Vec<Value>, Option<Url>), Error> {
    let call = Call {
        method: Method::GET,
        url,
        body: None,
        log_path: LogPath::Collection(kind),
        replay: Replay::Safe,
    };
    let answer = client.execute(&call).await?;
    let page = match json_body(&answer)? {
        Value::Object(page) => page,
        _ => return Err(malformed("the list answer is not a JSON object")),
    };

    let entries = match page.get("value") {
        Some(Value::Array(entries)) => entries.clone(),
        _ => return Err(malformed("the list answer has no 'value' array")),
    };

    let next = match page.get("@odata.nextLink") {
        None | Some(Value::Null) => None,
        Some(Value::String(link)) => Some(
            // Absolute as Graph sends it; a relative one is read against the page's URL.
            call.url.join(link).map_err(|e| malformed(&format!("bad @odata.nextLink: {e}")))?,
        ),
        Some(_) => return Err(malformed("@odata.nextLink is not a string")),
    };
    if next.as_ref() == Some(&call.url) {
        return Err(malformed("@odata.nextLink points at the page it came with"));
    }
    Ok((entries, next))
}

fn malformed(message: &str) -> Error {
    Error::new(ErrorKind::Service, message.to_owned())
}
